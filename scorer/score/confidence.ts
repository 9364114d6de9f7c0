/**
 * Forecast confidence in 0..1 from the width of the forecast's quantile band relative to its
 * median: a band as wide as the forecast itself (plus the latency tolerance) means no confidence.
 * No forecast → 0, so exploration is at its maximum until the model has something to say.
 *
 * A forecast reused from `a` steps ago for a target `h` steps ahead was in effect made `h + a`
 * steps ahead and has not seen the last `a` observations. Forecast errors grow about like the
 * square root of the horizon (a random walk; the EWMA band widens the same way), so confidence is
 * multiplied by √(h / (h + a)): 1 when fresh, ≈ 0.71 and 0.58 for a one-step forecast 1 and 2
 * steps old. This is on top of the (usually wider) band read at the longer horizon: deliberately
 * conservative, since lower confidence only means more exploration.
 */
import type { LatencyForecast } from './types.ts';

export function forecastConfidence(f: LatencyForecast | undefined, toleranceMs: number): number {
  if (!f || !Number.isFinite(f.medianMs)) return 0;
  const width = Math.max(0, f.upperMs - f.lowerMs);
  const scale = Math.abs(f.medianMs) + toleranceMs;
  const band = scale <= 0 ? (width === 0 ? 1 : 0) : Math.min(1, Math.max(0, 1 - width / scale));
  return band * ageDiscount(f.ageSteps ?? 0, f.horizonSteps ?? 1);
}

/** √(h / (h + a)), 1 for a fresh forecast. */
export function ageDiscount(ageSteps: number, horizonSteps: number): number {
  if (!(ageSteps > 0)) return 1;
  const h = Math.max(1, horizonSteps);
  return Math.sqrt(h / (h + ageSteps));
}
