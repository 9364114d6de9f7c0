/**
 * The values each built-in metric can take, for telemetry sources whose input has no schema of
 * its own (Prometheus query results). The ingest API's JSON Schema states the same ranges.
 */
import type { MetricName } from './types.ts';

const FRACTIONS = new Set<string>(['loss', 'error_rate', 'cpu']);

/** Why `value` cannot be a reading of `metric`, or undefined when it can. */
export function outOfRange(metric: MetricName, value: number): string | undefined {
  if (!Number.isFinite(value)) return 'not_finite';
  if (metric.startsWith('custom:')) return undefined;
  if (value < 0) return 'negative';
  if (FRACTIONS.has(metric) && value > 1) return 'above_one';
  return undefined;
}

/** Readings stamped further ahead of the receiving clock than this are refused. */
export const MAX_CLOCK_SKEW_MS = 60_000;
