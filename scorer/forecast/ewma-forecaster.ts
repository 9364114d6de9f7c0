/**
 * The live fallback Forecaster (used where the model is missing, failing or losing to EWMA on an
 * endpoint). Median: the EWMA level at the end of each window, flat over every horizon. Alpha is
 * fixed when given, otherwise tuned per window (per endpoint, every tick) on that window's own
 * one-step MAE over a small grid (the live analogue of tuning on the training part; one pass for
 * the whole grid, scorer/forecast/tuned-ewma.ts). Band: a normal approximation from the window's
 * one-step absolute errors (σ ≈ 1.2533·MAE), widening with √h.
 */
import { checkBatch, emptyResult } from './forecast-batch.ts';
import { alphaSlots, LIVE_EWMA_ALPHA_GRID, tuneEwmaWindow, type TunedEwma } from './tuned-ewma.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from './types.ts';

/** z of the 0.9 quantile of a standard normal; the band is the 0.1–0.9 interval. */
const Z_90 = 1.2815515655446004;
const MAE_TO_SIGMA = Math.sqrt(Math.PI / 2);

export interface EwmaForecasterOptions {
  readonly window: number;
  readonly horizons: readonly number[];
  /** Smoothing factor in (0, 1]; omitted: tuned per window over `alphaGrid`. */
  readonly alpha?: number;
  /** α candidates when tuning, 1..6 ascending values; default LIVE_EWMA_ALPHA_GRID. */
  readonly alphaGrid?: readonly number[];
}

export class EwmaForecaster implements Forecaster {
  readonly version: string;
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles = [0.1, 0.5, 0.9] as const;
  readonly provider = 'cpu';
  readonly #alpha: number | undefined;
  readonly #slots: Float64Array;
  readonly #tuned: TunedEwma = { level: 0, alpha: 0, oneStepMae: 0 };
  /** α chosen per row by the last forecast (tuned mode only; read by tests, not yet shown on /debug). */
  lastAlphas: Float64Array = new Float64Array(0);

  constructor(options: EwmaForecasterOptions) {
    this.window = options.window;
    this.horizons = [...options.horizons];
    this.#alpha = options.alpha;
    this.#slots = alphaSlots(options.alphaGrid ?? LIVE_EWMA_ALPHA_GRID);
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
    const tuning = this.#alpha === undefined;
    if (tuning && this.lastAlphas.length !== count) this.lastAlphas = new Float64Array(count);
    for (let row = 0; row < count; row++) {
      const start = row * n;
      let level: number;
      let mae: number;
      if (tuning) {
        const t = tuneEwmaWindow(windows, start, start + n, this.#tuned, this.#slots);
        level = t.level;
        mae = t.oneStepMae;
        this.lastAlphas[row] = t.alpha;
      } else {
        // One pass: the level after each value, and the absolute error of the level before it as
        // the forecast of that value (the one-step errors of the band).
        const alpha = this.#alpha as number;
        level = windows[start];
        let absError = 0;
        for (let i = start + 1; i < start + n; i++) {
          absError += Math.abs(windows[i] - level);
          level = alpha * windows[i] + (1 - alpha) * level;
        }
        mae = n > 1 ? absError / (n - 1) : 0;
      }
      const sigma = MAE_TO_SIGMA * mae;
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
