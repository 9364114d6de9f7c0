/**
 * Per-window normalisation shared by training and serving, so a model sees at run time exactly
 * what it saw in training. Each window is standardised by its own mean and standard deviation;
 * the model's inputs and outputs live in those units and forecasts are mapped back with the same
 * centre and scale. The scale has a floor (`epsilon` relative to the window's magnitude, plus
 * an absolute floor) so flat windows, common in idle CPU and disk series, do not divide by zero.
 */
export interface WindowNormalisation {
  readonly kind: 'window-mean-std';
  /** Scale floor as a fraction of the window's mean absolute value. */
  readonly relativeEpsilon: number;
  /** Absolute scale floor, in the series' units. */
  readonly absoluteEpsilon: number;
  /** Normalised targets are clipped to ±clip in training (spikes after flat windows). */
  readonly clip: number;
}

export const defaultNormalisation: WindowNormalisation = {
  kind: 'window-mean-std',
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
    const mean = sum / window;
    let squares = 0;
    for (let i = 0; i < window; i++) squares += (windows[offset + i] - mean) ** 2;
    const std = Math.sqrt(squares / window);
    const floor = Math.max(norm.relativeEpsilon * (sumAbs / window), norm.absoluteEpsilon);
    const s = Math.max(std, floor);
    center[row] = mean;
    scale[row] = s;
    for (let i = 0; i < window; i++) values[offset + i] = (windows[offset + i] - mean) / s;
  }
  return { values, center, scale };
}
