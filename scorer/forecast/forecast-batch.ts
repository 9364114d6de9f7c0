/** Checks shared by every Forecaster implementation on the batches they are given. */
import { ForecastError } from './errors.ts';
import type { ForecastBatch, ForecastResult } from './types.ts';

export function checkBatch(batch: ForecastBatch, window: number): void {
  if (!Number.isInteger(batch.count) || batch.count < 0) {
    throw new ForecastError('FORECAST_BATCH_INVALID', `count must be a non-negative integer, got ${batch.count}`);
  }
  if (batch.windows.length !== batch.count * window) {
    throw new ForecastError(
      'FORECAST_BATCH_INVALID',
      `windows holds ${batch.windows.length} values; expected count × window = ${batch.count} × ${window}`,
    );
  }
}

export function emptyResult(count: number, horizons: number): ForecastResult {
  const size = count * horizons;
  return { median: new Float32Array(size), lower: new Float32Array(size), upper: new Float32Array(size) };
}
