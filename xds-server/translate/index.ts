/**
 * translate: an immutable snapshot (config + decisions + now) in, the Envoy resources one client
 * flavor should see out (DESIGN §2). Pure: no clock, randomness or I/O; the same snapshot always
 * renders the same set. Inputs are assumed to have passed the config schemas; a malformed
 * duration string throws `DurationSyntaxError` (api/duration.ts).
 */
import type { TypeUrl } from '../envoy/type-urls.ts';
import { RENDERERS } from './registry.ts';
import type { TranslateContext } from './renderer.ts';
import { routeTables } from './route-tables.ts';
import type { ClientFlavor, RenderedResource, RenderedSet, Snapshot } from './types.ts';

export type { ClientFlavor, RenderedResource, RenderedSet, ResourceOrigin, Snapshot } from './types.ts';

/** Keeps the first resource of each name; later ones are recorded as its conflicts. */
function byName(resources: RenderedResource[]): Map<string, RenderedResource> {
  const out = new Map<string, RenderedResource>();
  for (const r of resources) {
    const kept = out.get(r.name);
    out.set(r.name, kept ? { ...kept, conflicts: [...(kept.conflicts ?? []), r.origin] } : r);
  }
  return out;
}

export function translate(snapshot: Snapshot, flavor: ClientFlavor): RenderedSet {
  const ctx: TranslateContext = { snapshot, flavor, routeTables: routeTables(snapshot.config, flavor) };
  return new Map<TypeUrl, ReadonlyMap<string, RenderedResource>>(RENDERERS.map((r) => [r.typeUrl, byName(r.render(ctx))]));
}
