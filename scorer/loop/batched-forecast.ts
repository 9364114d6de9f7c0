/**
 * One batched inference of the model over the rows it refreshes this tick and one of the EWMA
 * fallback over every row (cheap, and needed fresh everywhere: it serves where the model loses
 * and is what the model's accuracy is compared with). Inference time is measured per forecaster.
 */
import type { Forecaster, ForecastResult } from '../forecast/types.ts';
import { gatherWindows } from './read-features.ts';

export interface BatchedForecasts {
  /** Row i is table row `modelRows[i]`; undefined when the model failed. */
  readonly model: ForecastResult | undefined;
  /** Row i is table row i. */
  readonly fallback: ForecastResult;
  readonly modelError?: Error;
  readonly inferenceMs: { model: number; fallback: number };
}

async function timed(
  f: Forecaster,
  windows: Float32Array,
  window: number,
  rows: Uint32Array,
  count: number,
): Promise<{ result: ForecastResult; ms: number }> {
  const start = performance.now();
  const result = await f.forecast({ windows: gatherWindows(windows, window, f.window, rows, count), count: rows.length });
  const ms = performance.now() - start;
  return { result, ms };
}

/**
 * `windows` holds `count` rows, each `window` long, at least as long as either forecaster's
 * window. The model forecasts `modelRows` only.
 */
export async function forecastAll(
  model: Forecaster,
  fallback: Forecaster,
  windows: Float32Array,
  count: number,
  window: number,
  modelRows: Uint32Array,
): Promise<BatchedForecasts> {
  // One after the other: onnxruntime-node runs a session synchronously on this thread, so running
  // them "together" overlaps nothing and only blurs which one the time went to.
  const f = await timed(fallback, windows, window, identityRows(count), count);
  try {
    const m = await timed(model, windows, window, modelRows, count);
    return { model: m.result, fallback: f.result, inferenceMs: { model: m.ms, fallback: f.ms } };
  } catch (err) {
    return { model: undefined, fallback: f.result, modelError: err as Error, inferenceMs: { model: 0, fallback: f.ms } };
  }
}

function identityRows(count: number): Uint32Array {
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}

/** Index into a forecaster's horizons closest to the wanted number of steps. */
export function horizonIndex(horizons: readonly number[], steps: number): number {
  let best = 0;
  horizons.forEach((h, i) => {
    if (Math.abs(h - steps) < Math.abs(horizons[best]! - steps)) best = i;
  });
  return best;
}
