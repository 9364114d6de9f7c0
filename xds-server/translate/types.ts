/**
 * Contract of the translate stage: the mesh model and a render target in, Envoy resources out.
 * Resources are plain objects in protobufjs `fromObject` form with proto (snake_case) field
 * names; `google.protobuf.Any` fields use the `{'@type': typeUrl, ...fields}` form.
 */
import type { TypeUrl } from '../envoy/type-urls.ts';

/**
 * What the client honours. Proxyless gRPC ignores per-endpoint weights under round robin, drops
 * localities without weight, needs api_listeners and ignores mirrors (DESIGN §4.4).
 */
export type ClientFlavor = 'envoy' | 'grpc';

/**
 * Who a rendering is for: a node group, the flavor its clients speak and the labels its
 * node-group selector attached (decided clusters with an `audience` are visible only to groups
 * carrying those labels). Groups with equal flavor and labels get identical renderings.
 */
export interface RenderTarget {
  readonly group: string;
  readonly flavor: ClientFlavor;
  readonly labels: Readonly<Record<string, string>>;
}

/** The part of a target a rendering depends on: groups with equal keys share one rendering. */
export function renderKey(target: RenderTarget): string {
  const labels = Object.keys(target.labels)
    .sort()
    .map((k) => `${k}=${target.labels[k]}`);
  return [target.flavor, ...labels].join('\u0000');
}

/** The config document (and JSON path inside it) that produced a resource or a part of one. */
export interface ResourceOrigin {
  kind: string;
  name: string;
  file: string;
  documentIndex: number;
  /** JSON path inside the document, e.g. `spec.endpoints[2].weight`; `spec` when coarse. */
  path: string;
}

export interface RenderedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** protobufjs fromObject form of the resource message. */
  readonly message: Record<string, unknown>;
  /** The document the resource was rendered from. */
  readonly origin: ResourceOrigin;
  /**
   * Optional finer map from a proto field path prefix inside `message` (e.g.
   * `endpoints[0].lb_endpoints[1]`) to the config path that produced it; the validator picks the
   * longest matching prefix when reporting.
   */
  readonly fieldOrigins?: ReadonlyMap<string, string>;
  /**
   * Other documents that rendered a resource of the same type and name. The first rendering is
   * kept; the validator reports each of these as a duplicate name.
   */
  readonly conflicts?: readonly ResourceOrigin[];
}

/** type URL → resource name → resource. */
export type RenderedSet = ReadonlyMap<TypeUrl, ReadonlyMap<string, RenderedResource>>;
