/**
 * The whole pure scoring pipeline for one service (cluster): filter → score → explore → target
 * shares → approach (loop gain, slow start, holding) → hold (dead band; on load reports, no
 * evidence beyond the noise) or damp → integer weights. Deterministic given its inputs and the RNG.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import { dampShares } from './damping.ts';
import { moveSurvivesNoise, requestPathEvidence } from './evidence.ts';
import { explore } from './exploration.ts';
import { filterEndpoints } from './filter.ts';
import { toIntegerWeights } from './integer-weights.ts';
import { scoreEndpoints } from './score-endpoints.ts';
import { floorShare, targetShares } from './shares.ts';
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
  /**
   * Gain for endpoints whose share rises (default `gain`). Lower than `gain` makes the loop shed
   * load from an endpoint faster than it trusts one with more: an overshoot upwards is what
   * raises the latency that makes the next target swing back down, so a cautious rise converges
   * from below instead of cycling (see compute-tick.ts).
   */
  readonly gainUp?: number;
  /**
   * Keep the previous shares while the request path shows nothing beyond its noise (evidence.ts),
   * if the policy asks for it (`damping.evidence` > 0). For services scored on load reports, whose
   * latency carries a standard error.
   */
  readonly moveOnEvidence?: boolean;
  readonly rng: Rng;
}

/**
 * dead_band: every target within `hysteresis` of its share; no_evidence: request-path differences
 * within their noise (evidence.ts).
 */
export type HoldReason = 'dead_band' | 'no_evidence';

export interface ServiceScoringResult {
  /** Per endpoint, in input order; filtered endpoints have score 0 and `filtered` set. */
  readonly scores: EndpointScore[];
  readonly shares: Map<string, number>;
  readonly weights: Map<string, number>;
  /** False when the previous shares were kept (`held` says why). */
  readonly moved: boolean;
  /** Why the previous shares were kept, when they were (`held` is set exactly when `moved` is false). */
  readonly held?: HoldReason;
  /** Mean forecast confidence of the eligible endpoints, 0..1. */
  readonly confidence: number;
}

const NO_COMPONENTS = { performance: 0, forecast: 0, errors: 0, headroom: 0, cost: 0 };

interface Approach {
  readonly gainDown: number;
  readonly gainUp: number;
  /** Out of the competition (unavailable or over a threshold): straight to the target. */
  readonly immediate: ReadonlyMap<string, unknown>;
  /** No evidence of their own this interval: keep the previous share. */
  readonly holding: ReadonlySet<string>;
  /** Where an endpoint new to a service starts (slow start): the floor. */
  readonly startShare: number;
}

/**
 * From the previous shares towards the target: prev + gain × (target − prev), with the rising
 * gain for endpoints going up. Endpoints taken out of the competition go to their target at once;
 * endpoints without evidence of their own hold their share; an endpoint new to the service starts
 * at the floor and rises like any other (slow start: a cold replica does not get its fair share
 * before its own load reports say it can take it). The rest is rescaled so the sum stays 1.
 * Without previous shares (the first interval) the target is taken as is.
 */
function approach(previous: ReadonlyMap<string, number> | undefined, target: Map<string, number>, a: Approach): Map<string, number> {
  if (!previous || previous.size === 0) return target;
  const out = new Map<string, number>();
  let fixed = 0;
  let moving = 0;
  for (const [k, t] of target) {
    const known = previous.get(k);
    const p = known ?? a.startShare;
    let v: number;
    if (a.immediate.has(k)) v = t;
    else if (a.holding.has(k)) v = p;
    else v = p + (t > p ? a.gainUp : a.gainDown) * (t - p);
    out.set(k, v);
    if (a.immediate.has(k) || a.holding.has(k)) fixed += v;
    else moving += v;
  }
  if (moving > 0 && fixed < 1) for (const [k, v] of out) if (!a.immediate.has(k) && !a.holding.has(k)) out.set(k, (v * (1 - fixed)) / moving);
  return out;
}

export function scoreService(input: ServiceScoringInput): ServiceScoringResult {
  const { signals, policy, rng } = input;
  const previous = input.previousShares;
  const { eligible, filtered, flagged } = filterEndpoints(signals, policy);
  const scored = scoreEndpoints(eligible, policy);
  const n = signals.length;
  const onRequestPath = signals.some((s) => s.requestLatencyMs !== undefined);
  // Exploration buys information only about a request path seen through the traffic it gets,
  // and only for an endpoint getting less than its fair share (exploration.ts).
  const explored = explore(scored, policy, rng, (k) => onRequestPath && previous !== undefined && (previous.get(k) ?? 0) < 1 / n);
  const byKey = new Map(explored.map((s) => [s.key, s]));
  const scores: EndpointScore[] = signals.map((s) => {
    const sc = byKey.get(s.key);
    if (!sc) return { key: s.key, score: 0, components: NO_COMPONENTS, confidence: 0, filtered: filtered.get(s.key) };
    const reason = flagged.get(s.key);
    return reason ? { ...sc, filtered: reason } : sc;
  });
  const keys = signals.map((s) => s.key);
  const target = targetShares(keys, new Map(explored.map((s) => [s.key, s.score])), policy.minShare);
  // Missing telemetry: in a service scored on the request path, an endpoint with no request-path
  // reading of its own (and nothing wrong seen) keeps its share instead of being scored as typical.
  const holding = new Set<string>();
  if (onRequestPath) for (const s of signals) if (s.requestLatencyMs === undefined && !filtered.has(s.key) && previous?.has(s.key)) holding.add(s.key);
  const gainDown = input.gain ?? 1;
  // A first interval already on load reports (they arrived before the first tick) starts from
  // equal shares, like any later one, instead of jumping to a target drawn from one early report.
  const start = !previous && onRequestPath && gainDown < 1 ? new Map(keys.map((k) => [k, 1 / n])) : previous;
  const approached = approach(start, target, {
    gainDown,
    gainUp: Math.min(gainDown, input.gainUp ?? gainDown),
    immediate: filtered,
    holding,
    startShare: floorShare(policy.minShare, n),
  });
  // The dead band is judged on the target, not on this interval's step towards it: with a gain
  // of 0.25 a 2-point band on the step would ignore any target less than 8 points away.
  const sameKeys = previous !== undefined && previous.size === target.size && keys.every((k) => previous.has(k));
  let largest = 0;
  if (sameKeys) for (const [k, t] of target) if (!holding.has(k)) largest = Math.max(largest, Math.abs(t - previous.get(k)!));
  const held: HoldReason | undefined = !sameKeys
    ? undefined
    : largest <= policy.hysteresis
      ? 'dead_band'
      : input.moveOnEvidence === true &&
          policy.evidence > 0 &&
          filtered.size === 0 &&
          !requestPathEvidence(signals, previous, policy.evidence) &&
          !moveSurvivesNoise(eligible, keys, policy, previous, policy.evidence)
        ? 'no_evidence'
        : undefined;
  const damped = held ? { shares: new Map(previous), moved: false } : dampShares(previous, approached, { maxStepFraction: policy.maxStepFraction, hysteresis: 0 });
  const confidence = scored.length ? scored.reduce((a, s) => a + s.confidence, 0) / scored.length : 0;
  return {
    scores,
    shares: damped.shares,
    weights: toIntegerWeights(damped.shares),
    moved: damped.moved,
    ...(held && { held }),
    confidence,
  };
}
