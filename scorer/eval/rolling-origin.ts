/**
 * Rolling-origin evaluation on the time-based test split: every origin t in the test part gets a
 * forecast from values[0..t] at each horizon h whose target values[t + h] is also in the test part.
 * Baselines are tuned on the training part only; their state runs over everything up to t.
 * The model sees the same windows the scorer would send it, in one batched inference per series.
 * `liveEwma` is the scorer's live fallback on those same windows (α tuned per window on the
 * window alone, scorer/forecast/tuned-ewma.ts): the baseline the model is compared with live.
 */
import {
  dailyPeriod,
  dampedHolt,
  ewma,
  naive,
  seasonalNaive,
  tuneDampedHolt,
  tuneEwmaAlpha,
  type HoltParams,
  type PointForecaster,
} from '../forecast/baselines.ts';
import { EwmaForecaster } from '../forecast/ewma-forecaster.ts';
import type { Forecaster } from '../forecast/types.ts';
import { splitIndex, type NamedSeries } from '../train/series.ts';
import { windowsAt } from '../train/training-windows.ts';
import { mase, maximum, meanAbsoluteError, median, naiveScale } from './accuracy.ts';

export const METHODS = ['model', 'naive', 'ewma', 'holt', 'seasonalNaive', 'liveEwma'] as const;
export type Method = (typeof METHODS)[number];
export type ByMethod = Record<Method, number>;

export interface HorizonScore {
  readonly steps: number;
  readonly origins: number;
  readonly mase: ByMethod;
  readonly mae: ByMethod;
}

export interface SeriesEvaluation {
  readonly name: string;
  readonly points: number;
  readonly trainPoints: number;
  readonly stepSeconds: number;
  /** In-sample one-step naive MAE on the training part (the MASE denominator). */
  readonly scale: number;
  readonly ewmaAlpha: number;
  readonly holt: HoltParams;
  readonly seasonalPeriod: number;
  readonly horizons: readonly HorizonScore[];
}

export interface HorizonSummary {
  readonly steps: number;
  readonly medianMase: ByMethod;
  readonly maxMase: ByMethod;
}

export interface ForecastEvaluation {
  readonly model: { readonly version: string; readonly provider: string };
  readonly trainFraction: number;
  readonly horizons: readonly HorizonSummary[];
  readonly series: readonly SeriesEvaluation[];
}

function byMethod(f: (method: Method) => number): ByMethod {
  return Object.fromEntries(METHODS.map((m) => [m, f(m)])) as ByMethod;
}

export async function evaluateSeries(series: NamedSeries, forecaster: Forecaster, trainFraction: number): Promise<SeriesEvaluation> {
  const { values } = series;
  const n = values.length;
  const split = splitIndex(n, trainFraction);
  const train = values.subarray(0, split);
  const first = Math.max(split - 1, forecaster.window - 1);
  const origins = Array.from({ length: Math.max(0, n - 1 - first) }, (_, i) => first + i);
  const ewmaAlpha = tuneEwmaAlpha(train);
  const holt = tuneDampedHolt(train);
  const period = dailyPeriod(series.stepSeconds);
  const baselines: Record<Exclude<Method, 'model' | 'liveEwma'>, PointForecaster> = {
    naive: naive(values),
    ewma: ewma(values, ewmaAlpha),
    holt: dampedHolt(values, holt),
    seasonalNaive: seasonalNaive(values, period),
  };
  const batch = { windows: windowsAt(values, origins, forecaster.window), count: origins.length };
  const modelOut = await forecaster.forecast(batch);
  const liveOut = await new EwmaForecaster({ window: forecaster.window, horizons: forecaster.horizons }).forecast(batch);
  const scale = naiveScale(values, split);
  const horizons = forecaster.horizons.map((h, hi): HorizonScore => {
    const usable = origins.filter((t) => t + h < n);
    const actual = usable.map((t) => values[t + h]);
    const forecasts: Record<Method, number[]> = {
      model: usable.map((_, row) => modelOut.median[row * forecaster.horizons.length + hi]),
      naive: usable.map((t) => baselines.naive.forecast(t, h)),
      ewma: usable.map((t) => baselines.ewma.forecast(t, h)),
      holt: usable.map((t) => baselines.holt.forecast(t, h)),
      seasonalNaive: usable.map((t) => baselines.seasonalNaive.forecast(t, h)),
      liveEwma: usable.map((_, row) => liveOut.median[row * forecaster.horizons.length + hi]),
    };
    const mae = byMethod((m) => meanAbsoluteError(actual, forecasts[m]));
    return { steps: h, origins: usable.length, mae, mase: byMethod((m) => mase(mae[m], scale)) };
  });
  return {
    name: series.name,
    points: n,
    trainPoints: split,
    stepSeconds: series.stepSeconds,
    scale,
    ewmaAlpha,
    holt,
    seasonalPeriod: period,
    horizons,
  };
}

export function summarise(series: readonly SeriesEvaluation[], horizons: readonly number[]): HorizonSummary[] {
  return horizons.map((steps, i) => {
    const of = (m: Method) => series.map((s) => s.horizons[i].mase[m]);
    return { steps, medianMase: byMethod((m) => median(of(m))), maxMase: byMethod((m) => maximum(of(m))) };
  });
}

export async function evaluateForecaster(
  seriesList: readonly NamedSeries[],
  forecaster: Forecaster,
  trainFraction: number,
): Promise<ForecastEvaluation> {
  const series: SeriesEvaluation[] = [];
  for (const s of seriesList) series.push(await evaluateSeries(s, forecaster, trainFraction));
  return {
    model: { version: forecaster.version, provider: forecaster.provider },
    trainFraction,
    horizons: summarise(series, forecaster.horizons),
    series,
  };
}
