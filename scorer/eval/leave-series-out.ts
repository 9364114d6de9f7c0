/**
 * Leave-series-out evaluation (issue 9: "a model that wins only on the series it was trained on
 * does not ship"). The series are split into K folds; per fold one model is trained with the
 * production training code on every series except the fold's, and judged by the ordinary
 * rolling-origin evaluation on the fold's series only. Every series is held out exactly once, so
 * the per-series scores are all out-of-sample for the model and comparable with the in-sample
 * evaluation (same test part, same origins, same baselines tuned on the same training part).
 *
 * The held-out series must never reach a fold's training data: `seriesFolds` builds the folds
 * from names and `trainingSeriesFor` is the one place a fold's training set is taken; it checks
 * that no held-out name is in it and throws otherwise.
 */
import { CodedError } from '../../api/coded-error.ts';
import { createOnnxForecaster } from '../forecast/onnx-forecaster.ts';
import type { ForecastLogger } from '../forecast/execution-provider.ts';
import type { NamedSeries } from '../train/series.ts';
import { defaultTrainOptions, trainModel, type TrainedModel, type TrainOptions } from '../train/train-model.ts';
import { evaluateSeries, summarise, type HorizonSummary, type SeriesEvaluation } from './rolling-origin.ts';

export class FoldsError extends CodedError<'FORECAST_FOLDS_INVALID'> {
  constructor(message: string) {
    super('FORECAST_FOLDS_INVALID', message);
  }
}

export interface SeriesFold {
  readonly index: number;
  /** Names of the series the fold's model is trained on. */
  readonly train: readonly string[];
  /** Names of the held-out series the fold's model is evaluated on. */
  readonly test: readonly string[];
}

/**
 * K folds over series names, deterministic: the names sorted (code-point order), the i-th goes to
 * fold i mod K. Sorting first makes the assignment independent of load order; round robin over
 * sorted names spreads series of one kind (names share a prefix) across folds. K must be 2..n and
 * names unique (a duplicate name could hide a held-out series inside a training set).
 */
export function seriesFolds(names: readonly string[], k: number): SeriesFold[] {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const duplicate = sorted.find((n, i) => i > 0 && sorted[i - 1] === n);
  if (duplicate !== undefined) throw new FoldsError(`series name '${duplicate}' occurs twice; rename one CSV (folds are built from names)`);
  if (!Number.isInteger(k) || k < 2 || k > sorted.length) {
    throw new FoldsError(`leave-series-out needs 2 ≤ K ≤ ${sorted.length} (the number of series), got ${k}`);
  }
  return Array.from({ length: k }, (_, index) => ({
    index,
    test: sorted.filter((_, i) => i % k === index),
    train: sorted.filter((_, i) => i % k !== index),
  }));
}

/** The fold's training series, checked: throws if any held-out series would be among them. */
export function trainingSeriesFor(series: readonly NamedSeries[], fold: SeriesFold): NamedSeries[] {
  const held = new Set(fold.test);
  const allowed = new Set(fold.train);
  const out = series.filter((s) => allowed.has(s.name));
  const leaked = out.filter((s) => held.has(s.name)).map((s) => s.name);
  if (leaked.length > 0) throw new FoldsError(`fold ${fold.index}: held-out series ${leaked.join(', ')} in its training set`);
  return out;
}

/** The fold's held-out series, in fold order. */
export function testSeriesFor(series: readonly NamedSeries[], fold: SeriesFold): NamedSeries[] {
  const byName = new Map(series.map((s) => [s.name, s]));
  return fold.test.map((name) => {
    const s = byName.get(name);
    if (!s) throw new FoldsError(`fold ${fold.index}: held-out series '${name}' not found`);
    return s;
  });
}

export interface HeldOutSeries extends SeriesEvaluation {
  readonly fold: number;
}

export interface LeaveSeriesOutEvaluation {
  readonly method: string;
  readonly folds: readonly SeriesFold[];
  /** Training settings of every fold's model (the production defaults unless overridden). */
  readonly training: { readonly epochs: number; readonly window: number; readonly units: number; readonly seed: number; readonly trainFraction: number };
  /** Median and max MASE over the held-out series, the model being the one that did not see them. */
  readonly horizons: readonly HorizonSummary[];
  /** Held-out series on which the model's MASE at each horizon is above tuned EWMA's. */
  readonly lossesToEwma: readonly { readonly steps: number; readonly series: readonly string[] }[];
  readonly series: readonly HeldOutSeries[];
  readonly seconds: number;
}

export interface LeaveSeriesOutOptions {
  readonly folds: number;
  readonly train?: Partial<TrainOptions>;
  readonly provider?: string;
  readonly logger?: ForecastLogger;
  /** The training function; default the production `trainModel` (tests pass a recording wrapper). */
  readonly trainFn?: (series: readonly NamedSeries[], options: Partial<TrainOptions>) => Promise<TrainedModel>;
  readonly onFold?: (fold: SeriesFold, seconds: number) => void;
  /** Injected clock for the recorded duration. */
  readonly now?: () => number;
}

export const LEAVE_SERIES_OUT_METHOD =
  'leave-series-out: K folds of series (sorted names, i-th to fold i mod K); per fold a model trained on the other folds\u2019 series, rolling-origin on the held-out series\u2019 test part';

export async function evaluateLeaveSeriesOut(series: readonly NamedSeries[], o: LeaveSeriesOutOptions): Promise<LeaveSeriesOutEvaluation> {
  const now = o.now ?? Date.now;
  const started = now();
  const options = { ...defaultTrainOptions, ...o.train };
  const train = o.trainFn ?? trainModel;
  const folds = seriesFolds(series.map((s) => s.name), o.folds);
  const evaluated: HeldOutSeries[] = [];
  for (const fold of folds) {
    const foldStarted = now();
    const trained = await train(trainingSeriesFor(series, fold), { ...options, version: `leave-series-out-fold-${fold.index}` });
    const forecaster = await createOnnxForecaster(trained, { provider: o.provider, logger: o.logger });
    try {
      for (const s of testSeriesFor(series, fold)) {
        evaluated.push({ fold: fold.index, ...(await evaluateSeries(s, forecaster, options.trainFraction)) });
      }
    } finally {
      await forecaster.close();
    }
    o.onFold?.(fold, (now() - foldStarted) / 1000);
  }
  const ordered = [...evaluated].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    method: LEAVE_SERIES_OUT_METHOD,
    folds,
    training: { epochs: options.epochs, window: options.window, units: options.units, seed: options.seed, trainFraction: options.trainFraction },
    horizons: summarise(ordered, options.horizons),
    lossesToEwma: options.horizons.map((steps, i) => ({
      steps,
      series: ordered.filter((s) => s.horizons[i].mase.model > s.horizons[i].mase.ewma).map((s) => s.name),
    })),
    series: ordered,
    seconds: (now() - started) / 1000,
  };
}
