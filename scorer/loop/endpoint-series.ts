/**
 * Per-endpoint score and weight gauges, capped at MAX_ENDPOINT_SERIES series so a mesh of 100,000
 * endpoints cannot blow up Prometheus; series of endpoints that left are removed by the reset.
 */
import { MAX_ENDPOINT_SERIES, type ScorerMetrics } from '../metrics.ts';
import type { ServiceRecord } from '../store/types.ts';
import type { ScoredForecast } from './accuracy-tracker.ts';
import { rowId } from './endpoint-table.ts';

export function exportEndpointSeries(records: Iterable<ServiceRecord>, { scorerMetrics }: ScorerMetrics): void {
  scorerMetrics.endpointScore.reset();
  scorerMetrics.endpointWeight.reset();
  let left = MAX_ENDPOINT_SERIES;
  for (const r of records) {
    const service = r.weights.service;
    for (const [endpoint, weight] of r.weights.weights) {
      if (left-- <= 0) return;
      scorerMetrics.endpointWeight.set({ service, endpoint }, weight);
      const score = r.scores.get(endpoint);
      if (score !== undefined) scorerMetrics.endpointScore.set({ service, endpoint }, score);
    }
  }
}

/**
 * Per-endpoint forecast vs actual (the forecasts dashboard): for each scored endpoint, within the
 * same cap, the last latency forecasts of both forecasters whose target time came and the latency
 * then observed. Endpoints with none yet get no series; a forecaster without a number (the model
 * after a swap) is left out.
 */
export function exportForecastSeries(records: Iterable<ServiceRecord>, lastScored: (id: string) => ScoredForecast | undefined, { scorerMetrics }: ScorerMetrics): void {
  scorerMetrics.endpointForecast.reset();
  scorerMetrics.endpointActual.reset();
  let left = MAX_ENDPOINT_SERIES;
  for (const r of records) {
    const service = r.weights.service;
    for (const endpoint of r.weights.weights.keys()) {
      if (left-- <= 0) return;
      const scored = lastScored(rowId({ service, endpoint }));
      if (!scored) continue;
      scorerMetrics.endpointActual.set({ service, endpoint }, scored.actual);
      if (!Number.isNaN(scored.model)) scorerMetrics.endpointForecast.set({ service, endpoint, forecaster: 'model' }, scored.model);
      if (!Number.isNaN(scored.fallback)) scorerMetrics.endpointForecast.set({ service, endpoint, forecaster: 'fallback' }, scored.fallback);
    }
  }
}
