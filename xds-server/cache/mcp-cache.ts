/**
 * The Istio config istiod reads over MCP-over-xDS (docs/istio.md), encoded once per model: per
 * type URL the whole set, each resource an `istio.mcp.v1alpha1.Resource` (metadata.name
 * `namespace/name`, metadata.version its content hash, the spec in the `body` Any) wrapped in the
 * `google.protobuf.Any` a DiscoveryResponse lists. Every stream shares the same bytes. Like the
 * ResourceCache it knows nothing of gRPC; unlike it there are no node groups: istiod's config is
 * mesh-wide.
 */
import protobuf from 'protobufjs';
import { ISTIO_KINDS, MCP_RESOURCE_TYPE_URL } from '../istio/kinds.ts';
import { lookupIstioType } from '../istio/protos.ts';
import type { IstioConfig, IstioResource } from '../translate/istio/types.ts';
import { hashBytes, hashVersions } from './content-hash.ts';
import type { Unsubscribe } from './types.ts';

export interface McpResource {
  /** `namespace/name` */
  readonly name: string;
  readonly version: string;
  /** Encoded `google.protobuf.Any` holding the `istio.mcp.v1alpha1.Resource`. */
  readonly any: Uint8Array;
}

/** The whole set of one type at one version. */
export interface McpTypeSet {
  readonly typeUrl: string;
  readonly version: string;
  readonly resources: readonly McpResource[];
}

/** Type URLs whose set changed in a publish. */
export type McpListener = (changed: ReadonlySet<string>) => void;

const EMPTY_VERSION = hashVersions([]);

const ANY_TYPE_URL = (1 << 3) | 2;
const ANY_VALUE = (2 << 3) | 2;

function wrapAny(typeUrl: string, value: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32(ANY_TYPE_URL).string(typeUrl).uint32(ANY_VALUE).bytes(value).finish();
}

/** One resource as istiod's MCP client reads it. */
export function encodeMcpResource(r: IstioResource): McpResource {
  const message = ISTIO_KINDS[r.kind].message;
  const specType = lookupIstioType(message);
  const spec = specType.encode(specType.fromObject(r.spec)).finish();
  const version = hashBytes(spec);
  const name = `${r.namespace}/${r.name}`;
  const resourceType = lookupIstioType('istio.mcp.v1alpha1.Resource');
  const resource = resourceType
    .encode(resourceType.fromObject({ metadata: { name, version, labels: r.labels }, body: { type_url: `type.googleapis.com/${message}`, value: spec } }))
    .finish();
  // The version also covers the labels, so a label change reaches istiod.
  return Object.freeze({ name, version: hashBytes(resource), any: wrapAny(MCP_RESOURCE_TYPE_URL, resource) });
}

export class McpResourceCache {
  private readonly sets = new Map<string, McpTypeSet>();
  /**
   * The last encoding of each resource by kind and name, with its content as JSON: a model where
   * one weight moved re-encodes one ServiceEntry, not the mesh (JSON is several times cheaper
   * than the protobuf encoding it spares).
   */
  private encoded = new Map<string, { json: string; resource: McpResource }>();
  private readonly listeners = new Set<McpListener>();
  private published = false;

  /** Something has been published: sets are answered from it (before, first requests wait). */
  get ready(): boolean {
    return this.published;
  }

  /** Anyone is subscribed (the sink renders only then). */
  get demanded(): boolean {
    return this.listeners.size > 0;
  }

  /** The set of a type; an empty set for types Prescient does not produce. */
  set(typeUrl: string): McpTypeSet {
    return this.sets.get(typeUrl) ?? { typeUrl, version: EMPTY_VERSION, resources: [] };
  }

  /**
   * Called (synchronously) when the first watcher arrives, so the sink renders the current model
   * before that watcher reads a set: the sink renders only while someone is subscribed.
   */
  onDemand: (() => void) | undefined;

  watch(listener: McpListener): Unsubscribe {
    const first = this.listeners.size === 0;
    this.listeners.add(listener);
    if (first) this.onDemand?.();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Encodes and replaces every set; watchers hear of the types whose version changed. */
  publish(config: IstioConfig): ReadonlySet<string> {
    const byType = new Map<string, McpResource[]>();
    for (const kind of Object.values(ISTIO_KINDS)) byType.set(kind.typeUrl, []);
    const encoded = new Map<string, { json: string; resource: McpResource }>();
    for (const r of config.resources) {
      const key = `${r.kind}/${r.namespace}/${r.name}`;
      const json = JSON.stringify([r.labels, r.spec]);
      const held = this.encoded.get(key);
      const entry = held?.json === json ? held : { json, resource: encodeMcpResource(r) };
      encoded.set(key, entry);
      byType.get(ISTIO_KINDS[r.kind].typeUrl)!.push(entry.resource);
    }
    this.encoded = encoded;
    const changed = new Set<string>();
    for (const [typeUrl, resources] of byType) {
      const version = hashVersions(resources.map((r) => [r.name, r.version] as const));
      if (this.set(typeUrl).version !== version) changed.add(typeUrl);
      this.sets.set(typeUrl, Object.freeze({ typeUrl, version, resources: Object.freeze(resources) }));
    }
    const first = !this.published;
    this.published = true;
    if (changed.size > 0 || first) for (const l of [...this.listeners]) l(changed);
    return changed;
  }

  /** Counts per type URL (for /debug/istio and the metric). */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.sets].map(([t, s]) => [t, s.resources.length]));
  }
}
