/**
 * A ScoringPolicy with every default applied and every field in the unit the scorer computes
 * with. The defaults are what a service without any ScoringPolicy gets; they are chosen so that
 * an endpoint 200 ms slower than its peers falls below 10% of traffic within a few intervals and
 * a recovered one climbs back within a few more (see scorer/store/README.md, "Tuning").
 */
import type { ScoringPolicySpec } from '../../api/config.ts';
import { parseDurationMs } from '../../api/duration.ts';

export interface ComponentWeights {
  readonly performance: number;
  readonly forecast: number;
  readonly errors: number;
  readonly headroom: number;
  readonly cost: number;
}

export interface ResolvedPolicy {
  /** metadata.name of the ScoringPolicy, or `DEFAULT_POLICY_NAME`. */
  readonly name: string;
  /** Relative weights, normalised to sum to 1 (all zero → the defaults). */
  readonly weights: ComponentWeights;
  readonly maxLatencyMs: number;
  readonly maxErrorRate: number;
  readonly explorationBase: number;
  readonly explorationMax: number;
  readonly maxStepFraction: number;
  readonly hysteresis: number;
  /** Standard errors a request-path difference must exceed before shares move (evidence.ts); 0 (the default): off. */
  readonly evidence: number;
  /** Floor per endpoint as a fraction of the fair share 1/n (0.05 of 1/3 = 1.7%). */
  readonly minShare: number;
  readonly intervalMs: number;
  readonly horizonSteps: number;
  readonly errorPenalty: number;
  readonly latencyToleranceMs: number;
}

export const DEFAULT_POLICY_NAME = '(default)';

export const DEFAULT_WEIGHTS: ComponentWeights = {
  performance: 0.5,
  forecast: 0.3,
  errors: 0.1,
  headroom: 0.05,
  cost: 0.05,
};

export const DEFAULT_POLICY: ResolvedPolicy = {
  name: DEFAULT_POLICY_NAME,
  weights: DEFAULT_WEIGHTS,
  maxLatencyMs: Number.POSITIVE_INFINITY,
  maxErrorRate: 0.5,
  explorationBase: 0.02,
  explorationMax: 0.3,
  maxStepFraction: 0.25,
  hysteresis: 0.02,
  evidence: 0,
  minShare: 0.05,
  intervalMs: 1000,
  horizonSteps: 1,
  errorPenalty: 4,
  latencyToleranceMs: 5,
};

function normalise(w: ScoringPolicySpec['weights']): ComponentWeights {
  if (!w) return DEFAULT_WEIGHTS;
  const raw: ComponentWeights = {
    performance: Math.max(0, w.performance ?? 0),
    forecast: Math.max(0, w.forecast ?? 0),
    errors: Math.max(0, w.errors ?? 0),
    headroom: Math.max(0, w.headroom ?? 0),
    cost: Math.max(0, w.cost ?? 0),
  };
  const sum = raw.performance + raw.forecast + raw.errors + raw.headroom + raw.cost;
  if (sum === 0) return DEFAULT_WEIGHTS;
  return {
    performance: raw.performance / sum,
    forecast: raw.forecast / sum,
    errors: raw.errors / sum,
    headroom: raw.headroom / sum,
    cost: raw.cost / sum,
  };
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

export function resolvePolicy(name: string, spec: ScoringPolicySpec): ResolvedPolicy {
  const d = DEFAULT_POLICY;
  const explorationBase = clamp01(spec.exploration?.base ?? d.explorationBase);
  return {
    name,
    weights: normalise(spec.weights),
    maxLatencyMs: spec.thresholds?.maxLatencyMs ?? d.maxLatencyMs,
    maxErrorRate: spec.thresholds?.maxErrorRate ?? d.maxErrorRate,
    explorationBase,
    explorationMax: Math.max(explorationBase, clamp01(spec.exploration?.max ?? d.explorationMax)),
    maxStepFraction: clamp01(spec.damping?.maxStepFraction ?? d.maxStepFraction),
    hysteresis: clamp01(spec.damping?.hysteresis ?? d.hysteresis),
    evidence: Math.max(0, spec.damping?.evidence ?? d.evidence),
    minShare: clamp01(spec.minShare ?? d.minShare),
    intervalMs: spec.interval ? parseDurationMs(spec.interval) : d.intervalMs,
    horizonSteps: spec.horizonSteps ?? d.horizonSteps,
    errorPenalty: Math.max(0, spec.errorPenalty ?? d.errorPenalty),
    latencyToleranceMs: Math.max(0, spec.latencyToleranceMs ?? d.latencyToleranceMs),
  };
}
