/**
 * Endpoints that are unavailable or outside the policy thresholds are taken out of the score
 * competition before scoring (they still keep the minimum share, so they stay observed). Never
 * all of them: if every endpoint fails, the least bad one stays eligible so the service keeps a
 * preferred destination.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import type { EndpointSignals, FilterReason } from './types.ts';

export function filterReason(s: EndpointSignals, policy: ResolvedPolicy): FilterReason | undefined {
  if (!s.available) return 'unavailable';
  if ((s.errorRate ?? 0) > policy.maxErrorRate) return 'error_threshold';
  if ((s.latencyP99Ms ?? s.latencyMs ?? 0) > policy.maxLatencyMs) return 'latency_threshold';
  return undefined;
}

/** Orders failing endpoints from least to most bad: available first, then errors, then latency. */
function badness(s: EndpointSignals): [number, number, number] {
  return [s.available ? 0 : 1, s.errorRate ?? 0, s.latencyP99Ms ?? s.latencyMs ?? 0];
}

function compareBadness(a: EndpointSignals, b: EndpointSignals): number {
  const x = badness(a);
  const y = badness(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || (a.key < b.key ? -1 : 1);
}

export interface FilterResult {
  readonly eligible: readonly EndpointSignals[];
  readonly filtered: ReadonlyMap<string, FilterReason>;
}

export function filterEndpoints(signals: readonly EndpointSignals[], policy: ResolvedPolicy): FilterResult {
  const eligible: EndpointSignals[] = [];
  const filtered = new Map<string, FilterReason>();
  for (const s of signals) {
    const reason = filterReason(s, policy);
    if (reason) filtered.set(s.key, reason);
    else eligible.push(s);
  }
  if (eligible.length === 0 && signals.length > 0) {
    const best = [...signals].sort(compareBadness)[0]!;
    filtered.delete(best.key);
    eligible.push(best);
  }
  return { eligible, filtered };
}
