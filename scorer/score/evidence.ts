/**
 * Whether a service scored on load reports has evidence to move on, for policies that ask for it
 * (`damping.evidence`, standard errors; off by default).
 *
 * Little's-law latency from load reports rests on snapshots of a few requests in flight, so at
 * modest load one endpoint's reading is noise of ±30–50% of its value, and the sharpened score
 * (score-endpoints.ts) turns that into targets swinging across much of the range. A loop that
 * chases such targets never settles: a 3x-capacity backend at 70% load was commanded anywhere
 * between 0.45 and 0.8, reversing direction dozens of times a minute, each move an EDS push that
 * bought nothing. With evidence required, the shares move only while
 * - some endpoint's 5-s request-path latency differs from the traffic-weighted mean by more than
 *   `z` standard errors of that difference, or an endpoint shows errors (requestPathEvidence): a
 *   fault, or a split far from balance; or
 * - the steadier 20-s latencies call for a move that survives `z` of their standard errors
 *   (moveSurvivesNoise): a recovered replica coming back, a split that stopped off balance.
 * Otherwise the readings say nothing the noise could not, and the shares stay as they are.
 *
 * The price, and why it is off by default: the shares stop wherever the evidence runs out, a
 * noise's width short of where the loop would wander around. In the simulator a recovered replica
 * came back to about 0.2 of the traffic instead of its third, and at 5 heterogeneous-step's p99 rose
 * from 55.8 to 63.0 ms and the stall's p99.9 with least request from 270 to 308 ms (README,
 * "Policies in the simulator").
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import { scoreEndpoints } from './score-endpoints.ts';
import { targetShares } from './shares.ts';
import type { EndpointSignals } from './types.ts';

/**
 * The value the docs recommend for `damping.evidence` where load reports are noisy. Chosen in the
 * simulator's copy of the real-client 3x-capacity case (seeds 1–10, the minute after 20 s): with
 * both rules 4 reversals in all at 4 (at most 2 a seed), none at 5 or 6; on real clients 0 and 2
 * reversals at 4, 0 at 5.
 */
export const EVIDENCE_Z = 5;

/** An error rate at or above this is evidence of its own (gray errors are a few percent). */
export const EVIDENCE_ERROR_RATE = 0.01;

/** `previous`: the shares now in force, which weight the mean; `z`: the policy's `damping.evidence`. */
export function requestPathEvidence(signals: readonly EndpointSignals[], previous: ReadonlyMap<string, number>, z = EVIDENCE_Z): boolean {
  let total = 0;
  for (const s of signals) {
    if ((s.errorRate ?? 0) >= EVIDENCE_ERROR_RATE) return true;
    if (s.requestLatencyMs === undefined) continue;
    // Without a standard error there is no telling noise from a difference: no holding back.
    if (s.requestLatencySeMs === undefined || !Number.isFinite(s.requestLatencySeMs)) return true;
    total += previous.get(s.key) ?? 0;
  }
  if (!(total > 0)) return true;
  let mean = 0;
  let meanVariance = 0;
  for (const s of signals) {
    if (s.requestLatencyMs === undefined) continue;
    const w = (previous.get(s.key) ?? 0) / total;
    mean += w * s.requestLatencyMs;
    meanVariance += w * w * s.requestLatencySeMs! ** 2;
  }
  for (const s of signals) {
    if (s.requestLatencyMs === undefined) continue;
    const w = (previous.get(s.key) ?? 0) / total;
    const se = s.requestLatencySeMs!;
    // Var(Wᵢ − mean) with independent readings: the mean holds Wᵢ with weight w.
    const variance = meanVariance - w * w * se * se + (1 - w) ** 2 * se * se;
    if (Math.abs(s.requestLatencyMs - mean) > z * Math.sqrt(Math.max(0, variance))) return true;
  }
  return false;
}

/**
 * Whether the longer window's latencies (`requestLatencyLong`) call for a move that survives their
 * noise: for the endpoint whose target from those latencies is furthest above its share, its own
 * latency raised and every other one lowered by `z` of their standard errors, and the target
 * recomputed; likewise, mirrored, for the endpoint furthest below. True if either still lies
 * beyond the dead band. This is what brings a recovered endpoint back (its latency reads like the
 * others' again, so requestPathEvidence sees nothing, yet its share sits near the floor, far below
 * a target no noise explains) and what walks a split that stopped off balance towards balance.
 * `eligible`: the endpoints scored; `keys`: every endpoint of the service.
 */
export function moveSurvivesNoise(
  eligible: readonly EndpointSignals[],
  keys: readonly string[],
  policy: ResolvedPolicy,
  previous: ReadonlyMap<string, number>,
  z: number,
): boolean {
  if (!eligible.some((s) => s.requestLatencyLong !== undefined)) return false;
  const at = (shift: (s: EndpointSignals) => number) => {
    const shifted = eligible.map((s) => (s.requestLatencyLong ? { ...s, requestLatencyMs: Math.max(0, s.requestLatencyLong.meanMs + shift(s) * s.requestLatencyLong.seMs) } : s));
    return targetShares(keys, new Map(scoreEndpoints(shifted, policy).map((s) => [s.key, s.score])), policy.minShare);
  };
  const target = at(() => 0);
  for (const direction of [1, -1]) {
    let moving: string | undefined;
    let gap = policy.hysteresis;
    for (const [k, t] of target) {
      const g = direction * (t - previous.get(k)!);
      if (g > gap) [moving, gap] = [k, g];
    }
    if (moving === undefined) continue;
    const robust = at((s) => (s.key === moving ? direction : -direction) * z).get(moving)!;
    if (direction * (robust - previous.get(moving)!) > policy.hysteresis) return true;
  }
  return false;
}
