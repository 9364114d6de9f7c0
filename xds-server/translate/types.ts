/**
 * Contract of the translate stage: an immutable snapshot in, Envoy resources out, per client
 * flavor. Resources are plain objects in protobufjs `fromObject` form with proto (snake_case)
 * field names; `google.protobuf.Any` fields use the `{'@type': typeUrl, ...fields}` form.
 */
import type { MeshConfig } from '../../api/config.ts';
import type { Decisions } from '../../api/decisions.ts';
import type { TypeUrl } from '../envoy/type-urls.ts';

/**
 * What the client honours. Proxyless gRPC ignores per-endpoint weights under round robin, drops
 * localities without weight, needs api_listeners and ignores mirrors (DESIGN §4.4).
 */
export type ClientFlavor = 'envoy' | 'grpc';

export interface Snapshot {
  readonly config: MeshConfig;
  readonly decisions: Decisions;
  /** Unix ms "now", injected so translation stays pure (override expiry). */
  readonly now: number;
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
