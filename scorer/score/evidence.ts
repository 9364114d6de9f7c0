/**
 * Whether the request path of a service scored on load reports tells its endpoints apart at all.
 *
 * Little's-law latency from load reports rests on snapshots of a few requests in flight, so at
 * modest load one endpoint's reading is noise of ±30–50% of its value, and the sharpened score
 * (score-endpoints.ts) turns that into targets swinging across much of the range. A loop that
 * chases such targets never settles: a 3x-capacity backend at 70% load was commanded anywhere
 * between 0.45 and 0.8, reversing direction dozens of times a minute, each move an EDS push that
 * bought nothing. So the shares move only while some endpoint's request-path latency differs from
 * the traffic-weighted mean by more than `damping.evidence` (default EVIDENCE_Z) standard errors
 * of that difference (each latency's standard error comes with its signal), or an endpoint shows
 * errors. Otherwise the
 * readings say nothing the noise could not, and the shares stay as they are.
 *
 * A real fault (a slow replica, an overloaded one) is many standard errors away and moves the
 * service at once; so does a request path still far from balanced. (Asking instead whether the
 * *target* would still lie beyond the dead band with every latency moved Z standard errors against
 * the move was tried: it also settles, but it stops every approach a noise's width short of its
 * target, and left a gradually degrading replica more traffic: simulator p99.9 192 → 207 ms.)
 */
import type { EndpointSignals } from './types.ts';

/**
 * Standard errors a difference must exceed, by default. Chosen in the simulator: its copy of the
 * real-client 3x-capacity case (seeds 1–10, the minute after 20 s) had 11 reversals in all at 3,
 * with two seeds at 4 a minute; 4 at 3.5; none at 4. bench:policies (10 seeds) had p99.9 level or
 * better at 3, 3.5 and 4 in every scenario but the control-plane stall; heterogeneous-step's p99
 * rose with it (55.8 ms off, 59.0 at 3, 61.8 at 4; README).
 */
export const EVIDENCE_Z = 4;

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
