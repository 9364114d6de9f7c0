/**
 * Shares identical encodings across node groups: when two groups render byte-identical content
 * for the same resource, both views hold the same EncodedResource object (and so the same bytes).
 * Entries are reference counted by the views that hold them and dropped when the last one goes,
 * so memory follows what is currently published, not history.
 */
import type { EncodedResource } from './types.ts';

function keyOf(r: Pick<EncodedResource, 'typeUrl' | 'name' | 'version'>): string {
  return `${r.typeUrl}\0${r.name}\0${r.version}`;
}

export class ResourceInterner {
  private readonly entries = new Map<string, { resource: EncodedResource; refs: number }>();

  /** The shared resource with this identity, if some view holds one. */
  find(typeUrl: string, name: string, version: string): EncodedResource | undefined {
    return this.entries.get(keyOf({ typeUrl: typeUrl as EncodedResource['typeUrl'], name, version }))?.resource;
  }

  /** Takes a reference; returns the canonical object, which may be an equal one interned earlier. */
  acquire(resource: EncodedResource): EncodedResource {
    const key = keyOf(resource);
    const entry = this.entries.get(key);
    if (entry) {
      entry.refs++;
      return entry.resource;
    }
    this.entries.set(key, { resource, refs: 1 });
    return resource;
  }

  release(resource: EncodedResource): void {
    const key = keyOf(resource);
    const entry = this.entries.get(key);
    if (entry && --entry.refs <= 0) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
