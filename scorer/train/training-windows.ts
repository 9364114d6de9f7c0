/**
 * Supervised samples cut from the training part of each series: a normalised input window and
 * the normalised targets at each horizon (clipped, see WindowNormalisation.clip), using the same
 * normalisation the runtime applies.
 */
import { normaliseWindows, type WindowNormalisation } from '../forecast/normalise.ts';

export interface SampleSpec {
  readonly window: number;
  readonly horizons: readonly number[];
  readonly stride: number;
  readonly normalisation: WindowNormalisation;
}

export interface Samples {
  readonly count: number;
  /** count × window. */
  readonly inputs: Float32Array;
  /** count × horizons. */
  readonly targets: Float32Array;
}

/** Origins t (last index of the window) whose every target lies inside values[0..end). */
export function sampleOrigins(window: number, maxHorizon: number, end: number, stride: number): number[] {
  const origins: number[] = [];
  for (let t = window - 1; t + maxHorizon < end; t += stride) origins.push(t);
  return origins;
}

/** Windows ending at each origin, count × window row-major. */
export function windowsAt(values: ArrayLike<number>, origins: readonly number[], window: number): Float32Array {
  const out = new Float32Array(origins.length * window);
  origins.forEach((t, row) => {
    for (let i = 0; i < window; i++) out[row * window + i] = values[t - window + 1 + i];
  });
  return out;
}

export function makeSamples(parts: readonly ArrayLike<number>[], spec: SampleSpec): Samples {
  const maxHorizon = Math.max(...spec.horizons);
  const chunks = parts.map((values) => {
    const origins = sampleOrigins(spec.window, maxHorizon, values.length, spec.stride);
    const raw = windowsAt(values, origins, spec.window);
    const { values: inputs, center, scale } = normaliseWindows(raw, origins.length, spec.window, spec.normalisation);
    const targets = new Float32Array(origins.length * spec.horizons.length);
    const clip = spec.normalisation.clip;
    origins.forEach((t, row) => {
      spec.horizons.forEach((h, i) => {
        const z = (values[t + h] - center[row]) / scale[row];
        targets[row * spec.horizons.length + i] = Math.max(-clip, Math.min(clip, z));
      });
    });
    return { inputs, targets, count: origins.length };
  });
  const count = chunks.reduce((n, c) => n + c.count, 0);
  const inputs = new Float32Array(count * spec.window);
  const targets = new Float32Array(count * spec.horizons.length);
  let at = 0;
  for (const chunk of chunks) {
    inputs.set(chunk.inputs, at * spec.window);
    targets.set(chunk.targets, at * spec.horizons.length);
    at += chunk.count;
  }
  return { count, inputs, targets };
}
