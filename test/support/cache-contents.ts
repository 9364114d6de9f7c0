/**
 * What a ResourceCache actually holds, read back from its encoded bytes: for re-validating the
 * served resources independently of the renderer, and for byte-level "nothing changed" checks.
 */
import { createHash } from 'node:crypto';
import type { ResourceCache } from '../../xds-server/cache/resource-cache.ts';
import type { GroupView } from '../../xds-server/cache/types.ts';
import { lookupType } from '../../xds-server/envoy/protos.ts';
import { messageName, PUSH_ORDER, type TypeUrl } from '../../xds-server/envoy/type-urls.ts';
import type { RenderedResource, RenderedSet } from '../../xds-server/translate/types.ts';

/**
 * The view decoded into a RenderedSet (fromObject form; nested Any fields stay `{type_url,
 * value}`, which the validator decodes itself). Origins name the cache group, not a document.
 */
export function decodedSet(view: GroupView): RenderedSet {
  const Any = lookupType('google.protobuf.Any');
  const set = new Map<TypeUrl, Map<string, RenderedResource>>();
  for (const typeUrl of PUSH_ORDER) {
    const resources = new Map<string, RenderedResource>();
    for (const r of view.resources(typeUrl).values()) {
      const any = Any.decode(r.any) as unknown as { type_url: string; value: Uint8Array };
      const type = lookupType(messageName(any.type_url));
      const message = type.toObject(type.decode(any.value), { longs: String, enums: String }) as Record<string, unknown>;
      resources.set(r.name, { typeUrl, name: r.name, message, origin: { kind: 'Cache', name: r.name, file: view.group, documentIndex: -1, path: '' } });
    }
    set.set(typeUrl, resources);
  }
  return set;
}

/** One digest per group over every type version, resource name, version and encoded byte. */
export function cacheFingerprint(cache: ResourceCache): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of cache.groups()) {
    const view = cache.view(group)!;
    const hash = createHash('sha256');
    for (const typeUrl of PUSH_ORDER) {
      hash.update(`${typeUrl}\0${view.typeVersion(typeUrl)}\0`);
      for (const r of view.resources(typeUrl).values()) hash.update(`${r.name}\0${r.version}\0`).update(r.any).update(r.deltaResource);
    }
    out.set(group, hash.digest('hex'));
  }
  return out;
}

/** Resource names per type URL, sorted, for comparing a view with a rendered set. */
export function namesByType(set: RenderedSet | GroupView): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const typeUrl of PUSH_ORDER) {
    const resources = set instanceof Map ? set.get(typeUrl) : (set as GroupView).resources(typeUrl);
    out[typeUrl] = [...(resources?.keys() ?? [])].sort();
  }
  return out;
}
