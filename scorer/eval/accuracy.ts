/**
 * Accuracy measures (DESIGN §10). MASE divides a forecast's MAE by the in-sample MAE of the
 * one-step naive forecast on the training part (Hyndman & Koehler, 2006), so values below 1 beat
 * "repeat the last value" as it did on data the model could see, and series of any unit compare.
 */

export function meanAbsoluteError(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  if (actual.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - forecast[i]);
  return sum / actual.length;
}

/** In-sample one-step naive MAE of values[0..end): the MASE denominator. */
export function naiveScale(values: ArrayLike<number>, end: number): number {
  let sum = 0;
  for (let t = 1; t < end; t++) sum += Math.abs(values[t] - values[t - 1]);
  return end > 1 ? sum / (end - 1) : NaN;
}

/** MAE / scale; a flat training part (scale 0) has no meaningful MASE and gives NaN. */
export function mase(mae: number, scale: number): number {
  return scale > 0 ? mae / scale : NaN;
}

export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export function maximum(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : Math.max(...finite);
}
