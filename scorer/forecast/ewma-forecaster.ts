/**
 * The live fallback Forecaster (used where the model is missing, failing or losing to EWMA on an
 * endpoint). Median: the EWMA level at the end of each window, flat over every horizon. Alpha is
 * fixed when given, otherwise tuned per window on that window's own one-step MAE (the live
 * analogue of tuning on the training part). Band: a normal approximation from the window's
 * one-step absolute errors (σ ≈ 1.2533·MAE), widening with √h.
 */
import { checkBatch, emptyResult } from './forecast-batch.ts';
import { tuneEwmaAlpha } from './baselines.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from './types.ts';

/** z of the 0.9 quantile of a standard normal; the band is the 0.1–0.9 interval. */
const Z_90 = 1.2815515655446004;
const MAE_TO_SIGMA = Math.sqrt(Math.PI / 2);
const LIVE_ALPHA_GRID = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);

/**
 * α of the live fallback: tuning α per window every tick costs ~20× as much at 100,000
 * endpoints. The offline evaluation judges the model against tuned EWMA, the stricter baseline.
 */
export const LIVE_EWMA_ALPHA = 0.3;

export interface EwmaForecasterOptions {
  readonly window: number;
  readonly horizons: readonly number[];
  /** Smoothing factor in (0, 1]; omitted: tuned per window. */
  readonly alpha?: number;
}

export class EwmaForecaster implements Forecaster {
  readonly version: string;
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles = [0.1, 0.5, 0.9] as const;
  readonly provider = 'cpu';
  readonly #alpha: number | undefined;

  constructor(options: EwmaForecasterOptions) {
    this.window = options.window;
    this.horizons = [...options.horizons];
    this.#alpha = options.alpha;
    this.version = options.alpha === undefined ? 'ewma-tuned' : `ewma-${options.alpha}`;
  }

  async forecast(batch: ForecastBatch): Promise<ForecastResult> {
    checkBatch(batch, this.window);
    const { windows, count } = batch;
    const horizons = this.horizons.length;
    const result = emptyResult(count, horizons);
    const n = this.window;
    // Half-band per horizon for σ = 1: only σ differs between rows.
    const halfPerSigma = this.horizons.map((h) => Z_90 * Math.sqrt(h));
    for (let row = 0; row < count; row++) {
      const start = row * n;
      const alpha = this.#alpha ?? tuneEwmaAlpha(windows, LIVE_ALPHA_GRID, start, start + n);
      // One pass: the level after each value, and the absolute error of the level before it as
      // the forecast of that value (the one-step errors of the band).
      let level = windows[start];
      let absError = 0;
      for (let i = start + 1; i < start + n; i++) {
        absError += Math.abs(windows[i] - level);
        level = alpha * windows[i] + (1 - alpha) * level;
      }
      const sigma = n > 1 ? (MAE_TO_SIGMA * absError) / (n - 1) : 0;
      for (let h = 0; h < horizons; h++) {
        const cell = row * horizons + h;
        const half = halfPerSigma[h] * sigma;
        result.median[cell] = level;
        result.lower[cell] = level - half;
        result.upper[cell] = level + half;
      }
    }
    return result;
  }

  async close(): Promise<void> {}
}
