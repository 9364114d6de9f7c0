/**
 * Classical baselines the recurrent model is judged against (DESIGN §10), and the building blocks
 * of the live EWMA fallback. Each fitted baseline answers "forecast of values[t + h] made with
 * values[0..t]" for any origin t, so evaluation can roll the origin without refitting state.
 * Smoothing parameters are tuned by grid search on one-step mean absolute error, on the training
 * part only (the same loss MASE uses).
 */

export interface PointForecaster {
  /** Forecast of `values[t + h]` from `values[0..t]`; `h ≥ 1`. */
  forecast(t: number, h: number): number;
}

export interface HoltParams {
  readonly alpha: number;
  readonly beta: number;
  /** Damping of the trend, 0 < phi ≤ 1 (1 = undamped Holt). */
  readonly phi: number;
}

/** Tomorrow looks like today: the last observation at every horizon. */
export function naive(values: ArrayLike<number>): PointForecaster {
  return { forecast: (t) => values[t] };
}

/** The value one season (e.g. one day) before the target; falls back to naive before one season. */
export function seasonalNaive(values: ArrayLike<number>, period: number): PointForecaster {
  return {
    forecast(t, h) {
      const source = t + h - period * Math.ceil(h / period);
      return source >= 0 ? values[source] : values[t];
    },
  };
}

/** Steps in one day at the series' resolution, the season of seasonal naive. */
export function dailyPeriod(stepSeconds: number): number {
  return Math.max(1, Math.round(86_400 / stepSeconds));
}

/** Level after each observation: level[t] = alpha·y[t] + (1 − alpha)·level[t − 1], level[0] = y[0]. */
export function ewmaLevels(values: ArrayLike<number>, alpha: number, start = 0, end = values.length): Float64Array {
  const levels = new Float64Array(end - start);
  let level = values[start];
  for (let t = start; t < end; t++) {
    level = t === start ? values[t] : alpha * values[t] + (1 - alpha) * level;
    levels[t - start] = level;
  }
  return levels;
}

/** Exponentially weighted moving average: flat forecast at the current level. */
export function ewma(values: ArrayLike<number>, alpha: number): PointForecaster {
  const levels = ewmaLevels(values, alpha);
  return { forecast: (t) => levels[t] };
}

/** One-step mean absolute error of EWMA over values[start..end). */
export function ewmaOneStepMae(values: ArrayLike<number>, alpha: number, start = 0, end = values.length): number {
  let level = values[start];
  let sum = 0;
  for (let t = start + 1; t < end; t++) {
    sum += Math.abs(values[t] - level);
    level = alpha * values[t] + (1 - alpha) * level;
  }
  return end - start > 1 ? sum / (end - start - 1) : 0;
}

export const EWMA_ALPHA_GRID: readonly number[] = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);

/** The alpha with the lowest one-step MAE on `train` (ties: the smoother one). */
export function tuneEwmaAlpha(
  train: ArrayLike<number>,
  grid: readonly number[] = EWMA_ALPHA_GRID,
  start = 0,
  end = train.length,
): number {
  let best = grid[0];
  let bestError = Infinity;
  for (const alpha of grid) {
    const error = ewmaOneStepMae(train, alpha, start, end);
    if (error < bestError) {
      best = alpha;
      bestError = error;
    }
  }
  return best;
}

/** Sum of phi + phi² + … + phi^h: how far a damped trend carries in h steps. */
export function dampedSteps(phi: number, h: number): number {
  let sum = 0;
  let power = 1;
  for (let i = 0; i < h; i++) {
    power *= phi;
    sum += power;
  }
  return sum;
}

interface HoltStates {
  readonly level: Float64Array;
  readonly trend: Float64Array;
}

function holtStates(values: ArrayLike<number>, { alpha, beta, phi }: HoltParams): HoltStates {
  const n = values.length;
  const level = new Float64Array(n);
  const trend = new Float64Array(n);
  let l = values[0];
  let b = 0;
  level[0] = l;
  for (let t = 1; t < n; t++) {
    const previous = l;
    l = alpha * values[t] + (1 - alpha) * (previous + phi * b);
    b = beta * (l - previous) + (1 - beta) * phi * b;
    level[t] = l;
    trend[t] = b;
  }
  return { level, trend };
}

/** Damped-trend Holt (additive): forecast = level + (phi + … + phi^h)·trend. */
export function dampedHolt(values: ArrayLike<number>, params: HoltParams): PointForecaster {
  const { level, trend } = holtStates(values, params);
  return { forecast: (t, h) => level[t] + dampedSteps(params.phi, h) * trend[t] };
}

function holtOneStepMae(values: ArrayLike<number>, params: HoltParams): number {
  const { level, trend } = holtStates(values, params);
  let sum = 0;
  for (let t = 1; t < values.length; t++) sum += Math.abs(values[t] - (level[t - 1] + params.phi * trend[t - 1]));
  return values.length > 1 ? sum / (values.length - 1) : 0;
}

const HOLT_ALPHAS = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
const HOLT_BETAS = [0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5];
const HOLT_PHIS = [0.8, 0.9, 0.95, 0.98, 1];

/** Grid search for the damped-Holt parameters with the lowest one-step MAE on `train`. */
export function tuneDampedHolt(train: ArrayLike<number>): HoltParams {
  let best: HoltParams = { alpha: 0.5, beta: 0.1, phi: 0.9 };
  let bestError = Infinity;
  for (const alpha of HOLT_ALPHAS) {
    for (const beta of HOLT_BETAS) {
      for (const phi of HOLT_PHIS) {
        const error = holtOneStepMae(train, { alpha, beta, phi });
        if (error < bestError) {
          best = { alpha, beta, phi };
          bestError = error;
        }
      }
    }
  }
  return best;
}
