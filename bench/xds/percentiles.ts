/** Nearest-rank percentiles of a sample, rounded to 0.1 ms for reports. */

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** The smallest sample with at least `p` percent of the samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('BENCH_XDS_NO_SAMPLES: percentile of an empty sample');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]!) };
}
