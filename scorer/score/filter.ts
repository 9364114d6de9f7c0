/**
 * Endpoints that are unavailable or outside the policy thresholds are taken out of the score
 * competition before scoring (they still keep the minimum share, so they stay observed). Never
 * all of them: when every endpoint fails a check, the check tells them apart no more than if it
 * had not been made (a probe nobody answers, such as grpc.health.v1 on servers without it, or an
 * error burst everywhere), so all stay eligible and are scored on what else is known; the reasons
 * are still reported. Concentrating the traffic on the "least bad" one would turn a missing
 * signal into an overload.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import type { EndpointSignals, FilterReason } from './types.ts';

export function filterReason(s: EndpointSignals, policy: ResolvedPolicy): FilterReason | undefined {
  if (!s.available) return 'unavailable';
  if ((s.errorRate ?? 0) > policy.maxErrorRate) return 'error_threshold';
  if ((s.latencyP99Ms ?? s.latencyMs ?? 0) > policy.maxLatencyMs) return 'latency_threshold';
  return undefined;
}

export interface FilterResult {
  readonly eligible: readonly EndpointSignals[];
  /** Endpoints out of the competition (they go to the floor at once), with the reason. */
  readonly filtered: ReadonlyMap<string, FilterReason>;
  /** Reasons found on endpoints that nevertheless stay eligible (every endpoint failed). */
  readonly flagged: ReadonlyMap<string, FilterReason>;
}

export function filterEndpoints(signals: readonly EndpointSignals[], policy: ResolvedPolicy): FilterResult {
  const eligible: EndpointSignals[] = [];
  const filtered = new Map<string, FilterReason>();
  for (const s of signals) {
    const reason = filterReason(s, policy);
    if (reason) filtered.set(s.key, reason);
    else eligible.push(s);
  }
  if (eligible.length === 0 && signals.length > 0) return { eligible: [...signals], filtered: new Map(), flagged: filtered };
  return { eligible, filtered, flagged: new Map() };
}
