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
  const damped = dampShares(input.previousShares, target, policy);
  const confidence = scored.length ? scored.reduce((a, s) => a + s.confidence, 0) / scored.length : 0;
  return {
    scores,
    shares: damped.shares,
    weights: toIntegerWeights(damped.shares),
    moved: damped.moved,
    confidence,
  };
}
