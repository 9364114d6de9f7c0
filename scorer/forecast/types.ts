/**
 * Contract of the forecaster: univariate windows in, quantile forecasts out, batched across all
 * endpoints in one inference. Inputs and outputs are in the series' own units; normalisation (per
 * window, as recorded in the model metadata) happens inside the implementation.
 */

export interface ForecastBatch {
  /** `count × window` values, row-major, oldest first per row. NaN-free (callers fill gaps). */
  readonly windows: Float32Array;
  readonly count: number;
}

export interface ForecastResult {
  /** `count × horizons.length` row-major: median forecast at each horizon. */
  readonly median: Float32Array;
  /** Lower and upper quantile (see `quantiles`), same layout: the uncertainty band. */
  readonly lower: Float32Array;
  readonly upper: Float32Array;
}

export interface Forecaster {
  /** Model version (from its metadata), reported in metrics and stored in Redis. */
  readonly version: string;
  /** Input window length in steps. */
  readonly window: number;
  /** Forecast horizons in steps, e.g. [1, 3, 12]. */
  readonly horizons: readonly number[];
  /** The quantiles of lower, median and upper, e.g. [0.1, 0.5, 0.9]. */
  readonly quantiles: readonly [number, number, number];
  /** Execution provider actually in use: 'cpu', 'cuda', 'webgpu'. */
  readonly provider: string;
  forecast(batch: ForecastBatch): Promise<ForecastResult>;
  close(): Promise<void>;
}
