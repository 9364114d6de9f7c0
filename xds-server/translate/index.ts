/**
 * translate: the mesh model and a render target in, the Envoy resources that target should see
 * out (DESIGN §2). Pure: no clock, randomness or I/O; the same model and target always render the
 * same set. Inputs are assumed to have passed the config schemas; a malformed duration string
 * throws `DurationSyntaxError` (api/duration.ts).
 */
import type { MeshModel, ModelCluster } from '../../api/mesh-model.ts';
import type { TypeUrl } from '../envoy/type-urls.ts';
import { RENDERERS } from './registry.ts';
import { shadowRouteTables, withShadowViews } from './shadow-view.ts';
import type { TranslateContext } from './renderer.ts';
import type { RenderedResource, RenderedSet, RenderTarget } from './types.ts';

export type { ClientFlavor, RenderedResource, RenderedSet, RenderTarget, ResourceOrigin } from './types.ts';
export { renderKey } from './types.ts';

/** Adds `r`, keeping the first resource of each name; later ones are recorded as its conflicts. */
function addByName(out: Map<string, RenderedResource>, r: RenderedResource): void {
  const kept = out.get(r.name);
  out.set(r.name, kept ? { ...kept, conflicts: [...(kept.conflicts ?? []), r.origin] } : r);
}

function visibleTo(cluster: ModelCluster, labels: Readonly<Record<string, string>>): boolean {
  if (!cluster.audience) return true;
  return Object.entries(cluster.audience).every(([k, v]) => labels[k] === v);
}

export function translate(model: MeshModel, target: RenderTarget): RenderedSet {
  const steps = translateSteps(model, target);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `translate` one resource at a time: the generator pauses after each rendered resource and
 * returns the whole set. A caller on a serving thread (the publisher) gives the event loop a turn
 * between steps; the result is the same set `translate` returns.
 */
export function* translateSteps(model: MeshModel, target: RenderTarget): Generator<void, RenderedSet> {
  const ctx: TranslateContext = {
    model,
    target,
    flavor: target.flavor,
    clusters: withShadowViews(model, target.labels, [...model.clusters.values()].filter((c) => visibleTo(c, target.labels))),
    // Implicit per-service tables exist for gRPC's `xds:///<service>`; Envoy listens per Route.
    routeTables: shadowRouteTables(model, target.labels, target.flavor === 'grpc' ? model.routeTables : model.routeTables.filter((t) => !t.implicit)),
  };
  const set = new Map<TypeUrl, ReadonlyMap<string, RenderedResource>>();
  for (const renderer of RENDERERS) {
    const resources = new Map<string, RenderedResource>();
    for (const r of renderer.render(ctx)) {
      addByName(resources, r);
      yield;
    }
    set.set(renderer.typeUrl, resources);
  }
  return set;
}
