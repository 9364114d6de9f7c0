/**
 * Per-window normalisation shared by training and serving, so a model sees at run time exactly
 * what it saw in training: value' = (value − centre) / scale, with centre and scale computed from
 * the window alone; forecasts are mapped back with the same centre and scale.
 *   window-mean-std:  centre = window mean, scale = window standard deviation.
 *   window-ewma-diff: centre = EWMA level (alpha = centreAlpha) at the window's end, scale = mean
 *                     absolute one-step change in the window. An output of 0 is then exactly the
 *                     EWMA forecast, so the network learns corrections to EWMA, and the loss in
 *                     these units is close to each window's contribution to MASE.
 * The scale has a floor (`relativeEpsilon` of the window's mean absolute value, and
 * `absoluteEpsilon`) so flat windows, common in idle CPU and disk series, do not divide by zero.
 */
export interface WindowNormalisation {
  readonly kind: 'window-mean-std' | 'window-ewma-diff';
  /** EWMA smoothing of the centre (window-ewma-diff only). */
  readonly centreAlpha?: number;
  /** Scale floor as a fraction of the window's mean absolute value. */
  readonly relativeEpsilon: number;
  /** Absolute scale floor, in the series' units. */
  readonly absoluteEpsilon: number;
  /** Normalised targets are clipped to ±clip in training (spikes after flat windows). */
  readonly clip: number;
}

export const defaultNormalisation: WindowNormalisation = {
  kind: 'window-ewma-diff',
  centreAlpha: 0.3,
  relativeEpsilon: 1e-3,
  absoluteEpsilon: 1e-6,
  clip: 20,
};

export interface NormalisedWindows {
  /** Same layout as the input: count × window, row-major. */
  readonly values: Float32Array;
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

export function normaliseWindows(
  windows: Float32Array,
  count: number,
  window: number,
  norm: WindowNormalisation,
): NormalisedWindows {
  const values = new Float32Array(count * window);
  const center = new Float64Array(count);
  const scale = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    const offset = row * window;
    let sum = 0;
    let sumAbs = 0;
    for (let i = 0; i < window; i++) {
      sum += windows[offset + i];
      sumAbs += Math.abs(windows[offset + i]);
    }
    const floor = Math.max(norm.relativeEpsilon * (sumAbs / window), norm.absoluteEpsilon);
    const [c, spread] = norm.kind === 'window-ewma-diff'
      ? [ewmaEnd(windows, offset, window, norm.centreAlpha ?? 0.3), meanAbsChange(windows, offset, window)]
      : [sum / window, standardDeviation(windows, offset, window, sum / window)];
    const s = Math.max(spread, floor);
    center[row] = c;
    scale[row] = s;
    for (let i = 0; i < window; i++) values[offset + i] = (windows[offset + i] - c) / s;
  }
  return { values, center, scale };
}

function standardDeviation(x: Float32Array, offset: number, n: number, mean: number): number {
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (x[offset + i] - mean) ** 2;
  return Math.sqrt(squares / n);
}

function meanAbsChange(x: Float32Array, offset: number, n: number): number {
  let sum = 0;
  for (let i = 1; i < n; i++) sum += Math.abs(x[offset + i] - x[offset + i - 1]);
  return n > 1 ? sum / (n - 1) : 0;
}

function ewmaEnd(x: Float32Array, offset: number, n: number, alpha: number): number {
  let level = x[offset];
  for (let i = 1; i < n; i++) level = alpha * x[offset + i] + (1 - alpha) * level;
  return level;
}
