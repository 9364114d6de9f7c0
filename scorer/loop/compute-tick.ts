/**
 * One leader tick's computation, without side effects on the store: features → one batched
 * forecast (model and EWMA fallback) → per-endpoint forecaster choice from tracked accuracy →
 * scores → damped integer weights for every service.
 */
import type { FeatureStore } from '../features/types.ts';
import type { Forecaster, ForecastResult } from '../forecast/types.ts';
import { scoreService } from '../score/score-service.ts';
import type { EndpointSignals, LatencyForecast, Rng } from '../score/types.ts';
import type { ServiceRecord } from '../store/types.ts';
import type { AccuracyTracker } from './accuracy-tracker.ts';
import { forecastAll, horizonIndex } from './batched-forecast.ts';
import type { EndpointTable } from './endpoint-table.ts';
import { readFeatures } from './read-features.ts';

export interface TickInput {
  readonly table: EndpointTable;
  readonly features: FeatureStore;
  readonly model: Forecaster;
  readonly fallback: Forecaster;
  readonly tracker: AccuracyTracker;
  readonly previousShares: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly now: number;
  readonly rng: Rng;
  readonly staleAfterMs: number;
}

export interface TickOutput {
  readonly records: ServiceRecord[];
  readonly shares: Map<string, Map<string, number>>;
  /** Mean forecast confidence per service. */
  readonly confidence: Map<string, number>;
  /** Row ids ("service\0endpoint") forecast by the fallback this tick. */
  readonly onFallback: Set<string>;
  readonly modelError?: Error;
  readonly timings: { featuresMs: number; modelMs: number; fallbackMs: number; scoringMs: number };
}

function band(r: ForecastResult, cell: number): LatencyForecast {
  return { medianMs: r.median[cell]!, lowerMs: r.lower[cell]!, upperMs: r.upper[cell]! };
}

export async function computeTick(input: TickInput): Promise<TickOutput> {
  const { table, model, fallback, tracker, now } = input;
  const count = table.refs.length;
  const window = Math.max(model.window, fallback.window);
  const t0 = performance.now();
  const feats = readFeatures(input.features, table, window, now, input.staleAfterMs);
  const t1 = performance.now();
  const fc = await forecastAll(model, fallback, feats.windows, count, window);
  const t2 = performance.now();
  const resolutionMs = input.features.resolutionMs;

  const records: ServiceRecord[] = [];
  const shares = new Map<string, Map<string, number>>();
  const confidence = new Map<string, number>();
  const onFallback = new Set<string>();
  for (const svc of table.services) {
    const hm = horizonIndex(model.horizons, svc.policy.horizonSteps);
    const hf = horizonIndex(fallback.horizons, svc.policy.horizonSteps);
    const targetAt = now + model.horizons[hm]! * resolutionMs;
    const signals: EndpointSignals[] = [];
    for (let row = svc.start; row < svc.end; row++) {
      const id = table.ids[row]!;
      const mCell = row * model.horizons.length + hm;
      const fCell = row * fallback.horizons.length + hf;
      const empty = feats.empty[row] === 1;
      const next = empty || !fc.model ? undefined : { targetAt, model: fc.model.median[mCell]!, fallback: fc.fallback.median[fCell]! };
      tracker.update(id, now, feats.actual[row]!, feats.actualAt[row]!, next);
      const useFallback = !fc.model || tracker.prefersFallback(id);
      if (useFallback && !empty) onFallback.add(id);
      const forecast = empty ? undefined : useFallback ? band(fc.fallback, fCell) : band(fc.model!, mCell);
      signals.push(forecast ? { ...feats.signals[row]!, forecast } : feats.signals[row]!);
    }
    const r = scoreService({ signals, policy: svc.policy, previousShares: input.previousShares.get(svc.service), rng: input.rng });
    shares.set(svc.service, r.shares);
    confidence.set(svc.service, r.confidence);
    records.push({
      weights: { service: svc.service, weights: r.weights, modelVersion: model.version, computedAt: now },
      scores: new Map(r.scores.map((s) => [s.key, s.score])),
    });
  }
  const t3 = performance.now();
  return {
    records,
    shares,
    confidence,
    onFallback,
    ...(fc.modelError ? { modelError: fc.modelError } : {}),
    timings: { featuresMs: t1 - t0, modelMs: fc.inferenceMs.model, fallbackMs: fc.inferenceMs.fallback, scoringMs: t3 - t2 },
  };
}
