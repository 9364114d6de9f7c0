/**
 * Effective endpoint state of one Service: static config weight, replaced by the scorer's weight
 * when it has one, or by a decision slice's pin, then clamped or replaced by WeightOverride
 * documents, which always win (DESIGN §3); then priority and health from the config and from
 * decision slices. Pure.
 */
import { endpointKey, type MeshConfig, type ServiceDocument, type WeightOverrideDocument } from '../../api/config.ts';
import type { EndpointDecision, EndpointHealth, ServiceWeights } from '../../api/decisions.ts';
import { MAX_WEIGHT, type ModelEndpoint } from '../../api/mesh-model.ts';

/** WeightOverrides of `service` in force at `now`. */
export function activeOverrides(config: MeshConfig, service: string, now: number): WeightOverrideDocument[] {
  return config.weightOverrides.filter((o) => o.spec.service === service && (!o.spec.expiresAt || Date.parse(o.spec.expiresAt) > now));
}

/** One override applied: drain marks (and keeps the weight), pin replaces, floor/ceiling clamp. */
function applyOverride(weight: number, draining: boolean, o: WeightOverrideDocument): { weight: number; draining: boolean } {
  const s = o.spec;
  if (s.drain) return { weight, draining: true };
  if (s.pin !== undefined) return { weight: s.pin, draining };
  let w = weight;
  if (s.floor !== undefined) w = Math.max(w, s.floor);
  if (s.ceiling !== undefined) w = Math.min(w, s.ceiling);
  return { weight: w, draining };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Unhealthy beats draining beats serving: the most cautious word wins. */
const HEALTH_RANK: Record<EndpointHealth, number> = { serving: 0, draining: 1, unhealthy: 2 };

export function worseHealth(a: EndpointHealth, b: EndpointHealth): EndpointHealth {
  return HEALTH_RANK[a] >= HEALTH_RANK[b] ? a : b;
}

export function clampWeight(w: number): number {
  return Math.min(MAX_WEIGHT, Math.max(1, Math.round(w)));
}

/**
 * Endpoints of one service, in config order. Overrides for the whole service apply before
 * overrides for a single endpoint, so the more specific one has the last word. `decided` holds the
 * endpoint decisions in force for this service (already filtered for expiry), in owner order.
 */
export function serviceEndpoints(
  service: ServiceDocument,
  overrides: readonly WeightOverrideDocument[],
  scored: ServiceWeights | undefined,
  decided: readonly EndpointDecision[],
): ModelEndpoint[] {
  const serviceWide = overrides.filter((o) => o.spec.endpoint === undefined);
  return service.spec.endpoints.map((e, index) => {
    const key = endpointKey(e);
    const scorerWeight = scored?.weights.get(key);
    const staticWeight = e.weight ?? 1;
    let weight = scorerWeight ?? staticWeight;
    // A decided pin replaces the scorer's weight; overrides below still have the last word.
    for (const d of decided) if (d.endpoint === key && d.weight !== undefined) weight = d.weight;
    // Discovery marks endpoints that are terminating but still serve (Kubernetes) as draining.
    let draining = e.draining === true;
    // Most pushes carry no override and no decision for an endpoint: skip the rule walk then.
    if (overrides.length > 0) {
      for (const o of serviceWide) ({ weight, draining } = applyOverride(weight, draining, o));
      for (const o of overrides) if (o.spec.endpoint === key) ({ weight, draining } = applyOverride(weight, draining, o));
    }
    let priority = e.priority ?? 0;
    let health: EndpointHealth = draining ? 'draining' : 'serving';
    for (const d of decided) {
      if (d.endpoint !== key) continue;
      if (d.priority !== undefined) priority = d.priority;
      if (d.health !== undefined) health = worseHealth(health, d.health);
    }
    // Plain assignments, not spreads: this runs for every endpoint on every push.
    const out: Mutable<ModelEndpoint> = { key, address: e.address, port: e.port, staticWeight, weight: clampWeight(weight), priority, health, index };
    if (e.hostname !== undefined) out.hostname = e.hostname;
    if (e.locality !== undefined) out.locality = e.locality;
    if (e.metadata !== undefined) out.metadata = e.metadata;
    if (scorerWeight !== undefined) out.scorerWeight = scorerWeight;
    const outlier = scored?.outliers?.get(key);
    if (outlier !== undefined) out.outlier = outlier;
    return out;
  });
}
