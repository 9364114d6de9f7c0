/**
 * The score of each eligible endpoint, normalised within its cluster (the best endpoint on each
 * component gets 1 for it). Performance takes the worse of probe latency and request-path latency
 * (each against the best endpoint on it), so neither a slow request path behind fast health
 * checks nor a slow network behind fast handlers goes unseen. Components are combined as a weighted geometric mean, so the policy
 * weights act as elasticities: a component that is 10× worse cuts the score by 10^weight, and a
 * component on which every endpoint is equal changes nothing (a weighted sum would instead dilute
 * a 200 ms latency gap with the components nobody differs on). The explicit error penalty then
 * multiplies the score by max(0, 1 − errorPenalty × errorRate): an endpoint that fails fast has
 * the best latency of the cluster, and without this factor it would attract traffic.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import { forecastConfidence } from './confidence.ts';
import type { EndpointScore, EndpointSignals, ScoreComponents } from './types.ts';

/**
 * In a service scored on request-path latency, the weighted geometric mean is raised to this
 * power. The policy weights sum to 1, so without it latency (performance + forecast, 0.8 by
 * default) has elasticity 0.8: a replica 10× slower keeps ~15% of what its peers get, a replica
 * 3× faster gets only ~45% of three, and a +200 ms one kept 10–12% in the simulator. Cubed, the
 * elasticity is 2.4. Only on the request path: request-path latency includes queueing, so it says
 * what an endpoint's share costs, and the loop gains (compute-tick.ts) keep the sharper loop
 * stable; probe latency does not move with load, and its jitter between identical endpoints would
 * only be amplified into churn. Chosen in the simulator (bench:policies: 2 and 3 with several gains).
 */
export const SCORE_SHARPNESS = 3;

/** A saturated endpoint still scores above zero: saturation is a reason to prefer others, not to starve it. */
const MIN_HEADROOM = 0.05;

/** Sorts `values` in place (they are this module's own scratch arrays). */
function median(values: Float64Array): number | undefined {
  if (values.length === 0) return undefined;
  const s = values.sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function finite(values: (number | undefined)[]): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (const v of values) if (v !== undefined && Number.isFinite(v)) out[n++] = v;
  return out.subarray(0, n);
}

function minimum(values: Float64Array): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** Lower is better: best/value with a tolerance so sub-tolerance differences are noise. */
function lowerIsBetter(value: number | undefined, best: number, typical: number, tolerance: number): number {
  const v = value ?? typical;
  return (best + tolerance) / (Math.max(v, best) + tolerance);
}

export function scoreEndpoints(eligible: readonly EndpointSignals[], policy: ResolvedPolicy): EndpointScore[] {
  const tol = policy.latencyToleranceMs;
  const latencies = finite(eligible.map((s) => s.latencyMs));
  const requestLatencies = finite(eligible.map((s) => s.requestLatencyMs));
  const bestRequest = requestLatencies.length ? Math.max(0, minimum(requestLatencies)) : 0;
  const typicalRequest = median(requestLatencies) ?? 0;
  const hasRequest = requestLatencies.length > 0;
  const forecasts = finite(eligible.map((s) => s.forecast?.medianMs));
  const costs = finite(eligible.map((s) => (s.costPerHour !== undefined && s.costPerHour > 0 ? s.costPerHour : undefined)));
  const bestLatency = latencies.length ? Math.max(0, minimum(latencies)) : 0;
  const typicalLatency = median(latencies) ?? 0;
  const bestForecast = forecasts.length ? Math.max(0, minimum(forecasts)) : 0;
  const typicalForecast = median(forecasts) ?? typicalLatency;
  const bestCost = costs.length ? minimum(costs) : 0;
  const typicalCost = median(costs) ?? 0;
  const w = policy.weights;

  return eligible.map((s) => {
    const errorRate = Math.min(1, Math.max(0, s.errorRate ?? 0));
    const components: ScoreComponents = {
      // As bad as the worse of its two latencies, each relative to the cluster's best of its kind:
      // probes see a dead or distant host, load reports see a slow request path.
      performance: Math.min(
        lowerIsBetter(s.latencyMs, bestLatency, typicalLatency, tol),
        hasRequest ? lowerIsBetter(s.requestLatencyMs, bestRequest, typicalRequest, tol) : 1,
      ),
      forecast: lowerIsBetter(s.forecast?.medianMs, bestForecast, typicalForecast, tol),
      errors: 1 - errorRate,
      headroom: Math.min(1, Math.max(MIN_HEADROOM, 1 - (s.utilisation ?? 0))),
      cost: bestCost > 0 ? bestCost / Math.max(bestCost, s.costPerHour ?? typicalCost) : 1,
    };
    const geometric =
      components.performance ** w.performance *
      components.forecast ** w.forecast *
      components.errors ** w.errors *
      components.headroom ** w.headroom *
      components.cost ** w.cost;
    const penalty = Math.max(0, 1 - policy.errorPenalty * errorRate);
    return {
      key: s.key,
      score: (hasRequest ? geometric ** SCORE_SHARPNESS : geometric) * penalty,
      components,
      confidence: forecastConfidence(s.forecast, tol),
    };
  });
}

