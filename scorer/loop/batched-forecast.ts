/**
 * One batched inference of the model and one of the EWMA fallback over every endpoint, then the
 * per-endpoint choice between them (fallback where the tracked accuracy says the model loses, or
 * everywhere when the model fails). Inference time is measured per forecaster.
 */
import type { Forecaster, ForecastResult } from '../forecast/types.ts';
import { scorerMetrics } from '../metrics.ts';
import { tailWindows } from './read-features.ts';

export interface BatchedForecasts {
  readonly model: ForecastResult | undefined;
  readonly fallback: ForecastResult;
  readonly modelError?: Error;
  readonly inferenceMs: { model: number; fallback: number };
}

async function timed(
  f: Forecaster,
  label: 'model' | 'fallback',
  windows: Float32Array,
  count: number,
  window: number,
): Promise<{ result: ForecastResult; ms: number }> {
  const start = performance.now();
  const result = await f.forecast({ windows: tailWindows(windows, count, window, f.window), count });
  const ms = performance.now() - start;
  scorerMetrics.inferenceSeconds.observe({ forecaster: label }, ms / 1000);
  return { result, ms };
}

/** `windows` rows are `window` long, at least as long as either forecaster's window. */
export async function forecastAll(
  model: Forecaster,
  fallback: Forecaster,
  windows: Float32Array,
  count: number,
  window: number,
): Promise<BatchedForecasts> {
  const [m, f] = await Promise.allSettled([timed(model, 'model', windows, count, window), timed(fallback, 'fallback', windows, count, window)]);
  if (f.status === 'rejected') throw f.reason;
  if (m.status === 'rejected') {
    return { model: undefined, fallback: f.value.result, modelError: m.reason as Error, inferenceMs: { model: 0, fallback: f.value.ms } };
  }
  return { model: m.value.result, fallback: f.value.result, inferenceMs: { model: m.value.ms, fallback: f.value.ms } };
}

/** Index into a forecaster's horizons closest to the wanted number of steps. */
export function horizonIndex(horizons: readonly number[], steps: number): number {
  let best = 0;
  horizons.forEach((h, i) => {
    if (Math.abs(h - steps) < Math.abs(horizons[best]! - steps)) best = i;
  });
  return best;
}
