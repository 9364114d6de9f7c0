/**
 * How observations that land in the same bucket combine, per metric. The choice follows what a
 * value means:
 * - `mean`: samples of a distribution (probe latencies, jitter, 0/1 probe losses): the bucket holds
 *   their running mean.
 * - `max`: tail percentiles cannot be averaged; the bucket keeps the worst reported value.
 * - `last`: readings that already summarise an interval or a whole endpoint (error rate, request
 *   rate, in-flight, request latency, utilisation, cost): the newest reading supersedes older ones. Sources that
 *   combine several reporters (LRS from many clients) record the combined total each time.
 * - `rate`: custom counters (`custom:<name>_total`, Prometheus naming): increments are summed in the
 *   bucket and read back per second. An empty bucket after the first increment reads 0, not the
 *   previous rate, because an increment nobody reported is no increment.
 * Other custom metrics are gauges combined by `mean`.
 */
import type { MetricName } from './types.ts';

export type Aggregation = 'mean' | 'max' | 'last' | 'rate';

const FIXED: Record<string, Aggregation> = {
  latency_ms: 'mean',
  latency_p99_ms: 'max',
  request_latency_ms: 'last',
  jitter_ms: 'mean',
  loss: 'mean',
  error_rate: 'last',
  rps: 'last',
  in_flight: 'last',
  cpu: 'last',
  cost_per_hour: 'last',
};

export const CUSTOM_PREFIX = 'custom:';
const COUNTER_SUFFIX = '_total';

export function isCustomMetric(metric: string): boolean {
  return metric.startsWith(CUSTOM_PREFIX);
}

/** The aggregation of a metric name; undefined for a name outside `MetricName`. */
export function aggregationOf(metric: MetricName | string): Aggregation | undefined {
  const fixed = FIXED[metric];
  if (fixed) return fixed;
  if (!isCustomMetric(metric) || metric.length === CUSTOM_PREFIX.length) return undefined;
  return metric.endsWith(COUNTER_SUFFIX) ? 'rate' : 'mean';
}

/** Names of the fixed (non-custom) metrics, in a stable order. */
export const FIXED_METRICS: readonly MetricName[] = Object.keys(FIXED) as MetricName[];
