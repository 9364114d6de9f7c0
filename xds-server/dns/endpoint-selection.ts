/**
 * Which endpoints of a service a DNS name points at. Pure.
 *
 * An endpoint is degraded when it is not serving (draining, unhealthy), or its error rate or
 * latency is above the zone's thresholds, or its weight (the scorer's score after damping) has
 * dropped by more than `scoreDrop` below the best endpoint's. Thresholds are a band, not a line
 * (a Schmitt trigger): a published endpoint leaves when it crosses a threshold, an unpublished one
 * comes back only once it is `recoveryMargin` inside it, so a signal jittering around a threshold
 * does not flip the record set back and forth.
 *
 * Never empty: when fewer than `minRecords` endpoints are good, degraded ones fill the set —
 * those already published first (the last healthy endpoint stays), then the least bad.
 */

export interface CandidateEndpoint {
  /** `address:port`. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** A DNS name for the endpoint, used as SRV target instead of a generated one. */
  readonly hostname?: string;
  /** Effective weight (scorer, static or override), ≥ 0. */
  readonly weight: number;
  /** false when draining or known unhealthy. */
  readonly serving: boolean;
  /** 0..1, latest observed. */
  readonly errorRate?: number;
  readonly latencyMs?: number;
}

export interface DegradationThresholds {
  /** Fraction 0..1: degraded when weight < (1 − scoreDrop) × best weight. */
  readonly scoreDrop: number;
  readonly maxErrorRate?: number;
  readonly maxLatencyMs?: number;
  /** Fraction 0..1 of each threshold an endpoint must recover past to be published again. */
  readonly recoveryMargin: number;
}

export const DEFAULT_THRESHOLDS: DegradationThresholds = { scoreDrop: 0.5, recoveryMargin: 0.2 };

export interface SelectionLimits {
  readonly maxRecords: number;
  /** ≥ 1. */
  readonly minRecords: number;
}

export type DegradationReason = 'not_serving' | 'error_rate' | 'latency' | 'score_drop';

export interface Selection {
  /** In preference order. Empty only when there are no candidates at all. */
  readonly selected: readonly CandidateEndpoint[];
  readonly degraded: ReadonlyMap<string, DegradationReason>;
  /** Degraded endpoints kept so that the set holds `minRecords`. */
  readonly keptDegraded: readonly string[];
}

export function degradationReason(
  c: CandidateEndpoint,
  bestWeight: number,
  t: DegradationThresholds,
  published: boolean,
): DegradationReason | undefined {
  if (!c.serving) return 'not_serving';
  // Published endpoints are judged against the threshold; others against the stricter re-entry line.
  const inside = published ? 1 : 1 - t.recoveryMargin;
  if (t.maxErrorRate !== undefined && (c.errorRate ?? 0) > t.maxErrorRate * inside) return 'error_rate';
  if (t.maxLatencyMs !== undefined && (c.latencyMs ?? 0) > t.maxLatencyMs * inside) return 'latency';
  if (bestWeight > 0) {
    const drop = published ? t.scoreDrop : t.scoreDrop * (1 - t.recoveryMargin);
    if (c.weight < (1 - drop) * bestWeight) return 'score_drop';
  }
  return undefined;
}

function badness(c: CandidateEndpoint): number[] {
  return [c.serving ? 0 : 1, c.errorRate ?? 0, c.latencyMs ?? 0, -c.weight];
}

function compareBy(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function selectEndpoints(
  candidates: readonly CandidateEndpoint[],
  published: ReadonlySet<string>,
  limits: SelectionLimits,
  t: DegradationThresholds,
): Selection {
  const bestWeight = Math.max(0, ...candidates.filter((c) => c.serving).map((c) => c.weight));
  const degraded = new Map<string, DegradationReason>();
  const good: CandidateEndpoint[] = [];
  const bad: CandidateEndpoint[] = [];
  for (const c of candidates) {
    const reason = degradationReason(c, bestWeight, t, published.has(c.key));
    if (reason) {
      degraded.set(c.key, reason);
      bad.push(c);
    } else good.push(c);
  }
  const pub = (c: CandidateEndpoint) => (published.has(c.key) ? 0 : 1);
  const byKey = (a: CandidateEndpoint, b: CandidateEndpoint) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  good.sort((a, b) => b.weight - a.weight || pub(a) - pub(b) || byKey(a, b));
  bad.sort((a, b) => pub(a) - pub(b) || compareBy(badness(a), badness(b)) || byKey(a, b));
  const max = Math.max(1, limits.maxRecords);
  const min = Math.min(max, Math.max(1, limits.minRecords));
  const selected = good.slice(0, max);
  const keptDegraded: string[] = [];
  for (const c of bad) {
    if (selected.length >= min) break;
    selected.push(c);
    keptDegraded.push(c.key);
  }
  return { selected, degraded, keptDegraded };
}
