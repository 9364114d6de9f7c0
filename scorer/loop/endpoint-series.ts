/**
 * Per-endpoint score and weight gauges, capped at MAX_ENDPOINT_SERIES series so a mesh of 100,000
 * endpoints cannot blow up Prometheus; series of endpoints that left are removed by the reset.
 */
import { MAX_ENDPOINT_SERIES, type ScorerMetrics } from '../metrics.ts';
import type { ServiceRecord } from '../store/types.ts';

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
