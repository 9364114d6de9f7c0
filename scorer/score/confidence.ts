/**
 * Forecast confidence in 0..1 from the width of the forecast's quantile band relative to its
 * median: a band as wide as the forecast itself (plus the latency tolerance) means no confidence.
 * No forecast → 0, so exploration is at its maximum until the model has something to say.
 */
import type { LatencyForecast } from './types.ts';

export function forecastConfidence(f: LatencyForecast | undefined, toleranceMs: number): number {
  if (!f || !Number.isFinite(f.medianMs)) return 0;
  const width = Math.max(0, f.upperMs - f.lowerMs);
  const scale = Math.abs(f.medianMs) + toleranceMs;
  if (scale <= 0) return width === 0 ? 1 : 0;
  return Math.min(1, Math.max(0, 1 - width / scale));
}
