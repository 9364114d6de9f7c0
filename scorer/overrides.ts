/**
 * Final endpoint weights: static config weight, replaced by the scorer's weight when it has one,
 * then clamped or replaced by WeightOverride documents, which always win (DESIGN §3). Pure.
 */
import { endpointKey, type MeshConfig, type ServiceDocument, type WeightOverrideDocument } from '../api/config.ts';
import type { Decisions, EffectiveEndpoint } from '../api/decisions.ts';

/** Envoy's load_balancing_weight is a uint32 ≥ 1; keep sums far from overflow. */
export const MAX_WEIGHT = 1_000_000;

function activeOverrides(config: MeshConfig, service: string, now: number): WeightOverrideDocument[] {
  return config.weightOverrides.filter(
    (o) => o.spec.service === service && (!o.spec.expiresAt || Date.parse(o.spec.expiresAt) > now),
  );
}

/**
 * The earliest `expiresAt` after `now` among all WeightOverrides (Unix ms), or undefined. Nothing
 * else changes when an override expires, so the caller must push again at that instant.
 */
export function nextOverrideExpiry(config: MeshConfig, now: number): number | undefined {
  let next: number | undefined;
  for (const o of config.weightOverrides) {
    const at = o.spec.expiresAt ? Date.parse(o.spec.expiresAt) : Number.NaN;
    if (at > now && (next === undefined || at < next)) next = at;
  }
  return next;
}

function applyOverride(weight: number, o: WeightOverrideDocument): { weight: number; draining: boolean } {
  const s = o.spec;
  if (s.drain) return { weight, draining: true };
  if (s.pin !== undefined) return { weight: s.pin, draining: false };
  let w = weight;
  if (s.floor !== undefined) w = Math.max(w, s.floor);
  if (s.ceiling !== undefined) w = Math.min(w, s.ceiling);
  return { weight: w, draining: false };
}

/**
 * Effective endpoints of one service, in config order. Overrides for the whole service apply
 * before overrides for a single endpoint, so the more specific one has the last word.
 */
export function effectiveEndpoints(
  config: MeshConfig,
  service: ServiceDocument,
  decisions: Decisions,
  now: number,
): EffectiveEndpoint[] {
  const name = service.metadata.name;
  const scored = decisions.weights.get(name)?.weights;
  const overrides = activeOverrides(config, name, now);
  const serviceWide = overrides.filter((o) => o.spec.endpoint === undefined);
  return service.spec.endpoints.map((e) => {
    const key = endpointKey(e);
    let state = { weight: scored?.get(key) ?? e.weight ?? 1, draining: false };
    for (const o of [...serviceWide, ...overrides.filter((o) => o.spec.endpoint === key)]) {
      const next = applyOverride(state.weight, o);
      state = { weight: next.weight, draining: state.draining || next.draining };
    }
    const weight = Math.min(MAX_WEIGHT, Math.max(1, Math.round(state.weight)));
    return { address: e.address, port: e.port, weight, draining: state.draining };
  });
}
