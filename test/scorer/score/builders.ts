/** Fixture builders for scoring tests. */
import { DEFAULT_POLICY, type ResolvedPolicy } from '../../../scorer/policy/resolved-policy.ts';
import type { EndpointSignals, Rng } from '../../../scorer/score/types.ts';

export function healthy(key: string, latencyMs: number, extra: Partial<EndpointSignals> = {}): EndpointSignals {
  return {
    key,
    available: true,
    latencyMs,
    latencyP99Ms: latencyMs * 2,
    errorRate: 0,
    forecast: { medianMs: latencyMs, lowerMs: latencyMs * 0.9, upperMs: latencyMs * 1.1 },
    ...extra,
  };
}

export function policy(over: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return { ...DEFAULT_POLICY, ...over };
}

/** Deterministic PRNG (mulberry32) for tests that need varied but replayable randomness. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RNG that always returns the midpoint: exploration noise exactly zero. */
export const noNoise: Rng = () => 0.5;

export function share(weights: ReadonlyMap<string, number>, key: string): number {
  let sum = 0;
  for (const w of weights.values()) sum += w;
  return weights.get(key)! / sum;
}
