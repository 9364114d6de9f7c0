/**
 * Contract between the cache (versioned, encoded resources per node group) and everything that
 * reads it. The cache knows nothing of gRPC; transport knows nothing of config (DESIGN §2).
 */
import type { TypeUrl } from '../envoy/type-urls.ts';

/**
 * One resource at one version, encoded exactly once. The same object (and so the same bytes) is
 * shared by every stream and every node group whose rendering produced identical content.
 */
export interface EncodedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** Content hash of the encoded message; the per-resource version used by delta xDS. */
  readonly version: string;
  /** Encoded `google.protobuf.Any` wrapping the resource: a SotW `resources` entry. */
  readonly any: Uint8Array;
  /** Encoded `envoy.service.discovery.v3.Resource` (name, version, resource): a delta entry. */
  readonly deltaResource: Uint8Array;
}

/** An immutable view of one node group's resources. */
export interface GroupView {
  readonly group: string;
  /** Per-type version: a hash over the names and versions of all resources of that type. */
  typeVersion(typeUrl: TypeUrl): string;
  resources(typeUrl: TypeUrl): ReadonlyMap<string, EncodedResource>;
}

/** What changed in a group between two publishes. */
export interface GroupChange {
  readonly group: string;
  readonly view: GroupView;
  /** Per type: names added or changed, and names removed. Types without changes are absent. */
  readonly changes: ReadonlyMap<TypeUrl, { readonly updated: ReadonlySet<string>; readonly removed: ReadonlySet<string> }>;
}

export type Unsubscribe = () => void;
