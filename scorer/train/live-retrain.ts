/**
 * The feedback loop's retraining as `serve` runs it: the latency each endpoint showed in the
 * feature store (telemetry Prescient recorded itself) plus the shipped traces, trained in a
 * worker thread, then judged like `npm run train` judges a model — it is swapped in only if it
 * beats tuned EWMA on the same series (scorer/train/ship-policy.ts), otherwise the retraining
 * fails with the reason and the current model stays.
 */
import { fileURLToPath } from 'node:url';
import type { FeatureStore } from '../features/types.ts';
import { createOnnxForecaster } from '../forecast/onnx-forecaster.ts';
import type { Forecaster } from '../forecast/types.ts';
import { evaluateForecaster } from '../eval/rolling-origin.ts';
import { retrainInWorker, RetrainError } from './retrain-in-worker.ts';
import { loadSeriesFolder, type NamedSeries } from './series.ts';
import { shipDecision } from './ship-policy.ts';

/** The later 30% of each series judges the candidate, as in `npm run eval:forecast`. */
const EVAL_TRAIN_FRACTION = 0.7;

export const SHIPPED_TRACES_DIR = fileURLToPath(new URL('../../data/traces/', import.meta.url));

export interface LiveRetrainOptions {
  features: FeatureStore & { serviceNames(): string[]; readonly retentionMs: number };
  provider?: 'cpu' | 'cuda' | 'webgpu';
  /** Folder of timestamp,value CSVs mixed into every retraining; default the shipped traces. */
  tracesDir?: string;
  /** Recorded series shorter than this many steps are left out. Default 120. */
  minSteps?: number;
  now?: () => number;
}

/** Recorded latency series, one per endpoint, at the store's resolution. */
export function recordedSeries(features: LiveRetrainOptions['features'], now: number, minSteps: number): NamedSeries[] {
  const steps = Math.floor(features.retentionMs / features.resolutionMs);
  const out: NamedSeries[] = [];
  for (const service of features.serviceNames()) {
    for (const endpoint of features.endpoints(service)) {
      const w = features.window(service, endpoint, 'latency_ms', steps, now);
      const first = w.findIndex((v) => !Number.isNaN(v));
      if (first < 0 || steps - first < minSteps) continue;
      out.push({ name: `${service}/${endpoint}`, values: Float64Array.from(w.subarray(first)), stepSeconds: features.resolutionMs / 1000 });
    }
  }
  return out;
}

export function liveRetrainer(o: LiveRetrainOptions): () => Promise<Forecaster> {
  const now = o.now ?? Date.now;
  return async () => {
    const recorded = recordedSeries(o.features, now(), o.minSteps ?? 120);
    const traces = await loadSeriesFolder(o.tracesDir ?? SHIPPED_TRACES_DIR);
    const series = [...recorded, ...traces];
    const trained = await retrainInWorker({ series, date: new Date(now()).toISOString() });
    const candidate = await createOnnxForecaster(trained, { provider: o.provider });
    const verdict = shipDecision((await evaluateForecaster(series, candidate, EVAL_TRAIN_FRACTION)).horizons);
    if (!verdict.ship) {
      await candidate.close();
      throw new RetrainError(`retrained model ${candidate.version} not swapped in: ${verdict.reason}`);
    }
    return candidate;
  };
}
