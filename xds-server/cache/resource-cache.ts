/**
 * The versioned resource cache: one immutable view per node group, each resource encoded once per
 * content version and shared by every stream and every group that rendered identical content.
 * Knows nothing of gRPC (DESIGN §2), nor of how a group is rendered: a stream whose group has no
 * view yet waits for the first publish through its watcher (the pipeline's render targets see to
 * it that one comes).
 */
import type { TypeUrl } from '../envoy/type-urls.ts';
import type { RenderedResource, RenderedSet } from '../translate/types.ts';
import type { EncodedResource, GroupChange, GroupView, Unsubscribe } from './types.ts';
import { ImmutableGroupView } from './group-view.ts';
import { diffViews } from './group-change.ts';
import { ResourceInterner } from './resource-interner.ts';
import { buildEncodedResource, encodeMessage } from './encode-resource.ts';
import { hashBytes } from './content-hash.ts';

export type ChangeListener = (change: GroupChange) => void;

export interface ResourceCacheOptions {
  /** Where exceptions thrown by watchers go; every watcher is still notified. Default: rethrow after all. */
  onWatcherError?: (err: unknown) => void;
}

export class ResourceCache {
  private readonly views = new Map<string, ImmutableGroupView>();
  private readonly watchers = new Map<string, Set<ChangeListener>>();
  private readonly interner = new ResourceInterner();
  /**
   * Rendered resource objects are immutable once published, so an object seen before maps to its
   * encoding without encoding again (translate may reuse unchanged objects between pushes).
   */
  private readonly memo = new WeakMap<RenderedResource, EncodedResource>();
  /** Message bytes encoded ahead of `publish` by `prepare`, taken (and dropped) by `encode`. */
  private readonly prepared = new WeakMap<RenderedResource, Uint8Array>();

  constructor(private readonly options: ResourceCacheOptions = {}) {}

  view(group: string): GroupView | undefined {
    return this.views.get(group);
  }

  /** Groups with a published view. */
  groups(): string[] {
    return [...this.views.keys()];
  }

  watch(group: string, listener: ChangeListener): Unsubscribe {
    let set = this.watchers.get(group);
    if (!set) this.watchers.set(group, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.watchers.get(group) === set) this.watchers.delete(group);
    };
  }

  /**
   * Replaces the group's view. Returns the change (possibly empty); watchers are notified only when
   * something changed, and an unchanged publish keeps the previous view object.
   */
  publish(group: string, set: RenderedSet): GroupChange {
    const previous = this.views.get(group) ?? ImmutableGroupView.empty(group);
    const byType = new Map<TypeUrl, Map<string, EncodedResource>>();
    try {
      for (const [typeUrl, resources] of set) {
        const encoded = new Map<string, EncodedResource>();
        byType.set(typeUrl, encoded);
        for (const resource of resources.values()) encoded.set(resource.name, this.encode(resource));
      }
    } catch (err) {
      for (const encoded of byType.values()) for (const r of encoded.values()) this.interner.release(r);
      throw err;
    }
    const next = new ImmutableGroupView(group, byType);
    const change = diffViews(previous, next);
    if (change.changes.size === 0 && this.views.has(group)) {
      for (const r of next.all()) this.interner.release(r);
      return { group, view: previous, changes: change.changes };
    }
    this.views.set(group, next);
    for (const r of previous.all()) this.interner.release(r);
    this.notify(group, change);
    return change;
  }

  /**
   * Encodes `resource` ahead of the `publish` that will carry it, which then takes these bytes: a
   * caller can spread the encoding of a large set over several turns of the event loop. Nothing
   * becomes visible to clients until `publish`.
   */
  prepare(resource: RenderedResource): void {
    if (!this.memo.has(resource) && !this.prepared.has(resource)) this.prepared.set(resource, encodeMessage(resource));
  }

  /** Number of distinct encodings held (shared ones count once). */
  internedCount(): number {
    return this.interner.size;
  }

  private encode(resource: RenderedResource): EncodedResource {
    const seen = this.memo.get(resource);
    if (seen) return this.interner.acquire(seen);
    const message = this.prepared.get(resource) ?? encodeMessage(resource);
    this.prepared.delete(resource);
    const version = hashBytes(message);
    const shared = this.interner.find(resource.typeUrl, resource.name, version);
    const encoded = this.interner.acquire(shared ?? buildEncodedResource(resource.typeUrl, resource.name, message, version));
    this.memo.set(resource, encoded);
    return encoded;
  }

  private notify(group: string, change: GroupChange): void {
    const errors: unknown[] = [];
    for (const listener of [...(this.watchers.get(group) ?? [])]) {
      try {
        listener(change);
      } catch (err) {
        if (this.options.onWatcherError) this.options.onWatcherError(err);
        else errors.push(err);
      }
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'XDS_CACHE_WATCHER: watchers failed');
  }
}
