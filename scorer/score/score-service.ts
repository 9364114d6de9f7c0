/**
 * The whole pure scoring pipeline for one service (cluster): filter → score → explore → target
 * shares → damp → integer weights. Deterministic given its inputs and the RNG.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import { dampShares } from './damping.ts';
import { explore } from './exploration.ts';
import { filterEndpoints } from './filter.ts';
import { toIntegerWeights } from './integer-weights.ts';
import { scoreEndpoints } from './score-endpoints.ts';
import { targetShares } from './shares.ts';
import type { EndpointScore, EndpointSignals, Rng } from './types.ts';

export interface ServiceScoringInput {
  readonly signals: readonly EndpointSignals[];
  readonly policy: ResolvedPolicy;
  /** Shares of the previous interval (from this replica or read from the store). */
  readonly previousShares?: ReadonlyMap<string, number>;
  /**
   * Loop gain in (0, 1]: the fraction of the way from the previous shares to the target taken this
   * interval, before the step bound and dead band. 1 (the default) jumps to the target. Signals
   * that move with the load they cause and arrive late (request-path latency from load reports)
   * need less than 1, or the loop overshoots and oscillates.
   */
  readonly gain?: number;
  readonly rng: Rng;
}

export interface ServiceScoringResult {
  /** Per endpoint, in input order; filtered endpoints have score 0 and `filtered` set. */
  readonly scores: EndpointScore[];
  readonly shares: Map<string, number>;
  readonly weights: Map<string, number>;
  /** False when hysteresis kept the previous shares. */
  readonly moved: boolean;
  /** Mean forecast confidence of the eligible endpoints, 0..1. */
  readonly confidence: number;
}

const NO_COMPONENTS = { performance: 0, forecast: 0, errors: 0, headroom: 0, cost: 0 };

/**
 * prev + gain × (target − prev) where both know the same endpoints (the target otherwise), except
 * for endpoints taken out of the competition (`immediate`: unavailable or over a threshold), which
 * go to their target at once; the others are rescaled to fill the rest, so the sum stays 1.
 */
function approach(previous: ReadonlyMap<string, number> | undefined, target: Map<string, number>, gain: number, immediate: ReadonlyMap<string, unknown>): Map<string, number> {
  if (gain >= 1 || !previous || previous.size !== target.size) return target;
  const out = new Map<string, number>();
  let fixed = 0;
  let moving = 0;
  for (const [k, t] of target) {
    const p = previous.get(k);
    if (p === undefined) return target;
    const v = immediate.has(k) ? t : p + gain * (t - p);
    out.set(k, v);
    if (immediate.has(k)) fixed += v;
    else moving += v;
  }
  if (moving > 0) for (const [k, v] of out) if (!immediate.has(k)) out.set(k, (v * (1 - fixed)) / moving);
  return out;
}

export function scoreService(input: ServiceScoringInput): ServiceScoringResult {
  const { signals, policy, rng } = input;
  const { eligible, filtered } = filterEndpoints(signals, policy);
  const scored = scoreEndpoints(eligible, policy);
  const explored = explore(scored, policy, rng);
  const byKey = new Map(explored.map((s) => [s.key, s]));
  const scores: EndpointScore[] = signals.map(
    (s) => byKey.get(s.key) ?? { key: s.key, score: 0, components: NO_COMPONENTS, confidence: 0, filtered: filtered.get(s.key) },
  );
  const keys = signals.map((s) => s.key);
  const target = targetShares(keys, new Map(explored.map((s) => [s.key, s.score])), policy.minShare);
  const damped = dampShares(input.previousShares, approach(input.previousShares, target, input.gain ?? 1, filtered), policy);
  const confidence = scored.length ? scored.reduce((a, s) => a + s.confidence, 0) / scored.length : 0;
  return {
    scores,
    shares: damped.shares,
    weights: toIntegerWeights(damped.shares),
    moved: damped.moved,
    confidence,
  };
}
