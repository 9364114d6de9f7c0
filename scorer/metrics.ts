/**
 * Every Prometheus metric of scorer/, declared in one place (DESIGN §11). Per-endpoint series
 * are bounded by `MAX_ENDPOINT_SERIES` in the code that sets them.
 */
import client from 'prom-client';

/**
 * Scoring loop, forecasts and the feedback loop (scorer/loop). Per-endpoint series are capped at
 * `MAX_ENDPOINT_SERIES` (the first endpoints in service, endpoint order); the rest are summarised
 * by the service-level gauges only.
 */
export const MAX_ENDPOINT_SERIES = 500;

/** Every metric of the folder in `registry`: one instance per running Prescient (the root makes its own). */
export function createScorerMetrics(registry = new client.Registry()) {
  const telemetryMetrics = {
    rejected: new client.Counter({
      name: 'prescient_telemetry_rejected_total',
      help: 'Telemetry inputs rejected as malformed or oversized, by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    accepted: new client.Counter({
      name: 'prescient_telemetry_accepted_total',
      help: 'Telemetry observations accepted, by source',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
  };

  /** Feature store bounds (scorer/features). Reasons: see `RejectReason` in ring-feature-store.ts. */
  const featureStoreMetrics = {
    rejected: new client.Counter({
      name: 'prescient_feature_store_rejected_total',
      help: 'Observation values the feature store refused, by reason (limits, stale, not finite, unknown metric)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    series: new client.Gauge({
      name: 'prescient_feature_store_series',
      help: 'Series (service, endpoint, metric rings) held by the feature store',
      registers: [registry],
    }),
    endpoints: new client.Gauge({
      name: 'prescient_feature_store_endpoints',
      help: 'Endpoints with data in the feature store',
      registers: [registry],
    }),
  };

  /** Telemetry sources (scorer/telemetry): valid input that could not be used, probes, Prometheus polls. */
  const telemetrySourceMetrics = {
    dropped: new client.Counter({
      name: 'prescient_telemetry_dropped_total',
      help: 'Valid telemetry that could not be attributed or used, by source and reason',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    probes: new client.Counter({
      name: 'prescient_probes_total',
      help: 'Active probes run by Prescient, by kind (grpc, http, tcp) and result (ok, fail, timeout)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    prometheusErrors: new client.Counter({
      name: 'prescient_prometheus_source_errors_total',
      help: 'Failed Prometheus source queries, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };

  const scorerMetrics = {
    endpointScore: new client.Gauge({
      name: 'prescient_endpoint_score',
      help: 'Score 0..1 of an endpoint within its service (capped series count)',
      labelNames: ['service', 'endpoint'] as const,
      registers: [registry],
    }),
    endpointWeight: new client.Gauge({
      name: 'prescient_endpoint_weight',
      help: 'Integer weight the scorer gave an endpoint, out of about 1000 per service (capped series count)',
      labelNames: ['service', 'endpoint'] as const,
      registers: [registry],
    }),
    endpointForecast: new client.Gauge({
      name: 'prescient_endpoint_forecast_latency_ms',
      help: 'The latest latency forecast (ms) whose target time has come, per endpoint and forecaster (model, fallback); compare prescient_endpoint_actual_latency_ms (capped series count)',
      labelNames: ['service', 'endpoint', 'forecaster'] as const,
      registers: [registry],
    }),
    endpointActual: new client.Gauge({
      name: 'prescient_endpoint_actual_latency_ms',
      help: 'The latency (ms) observed at the target time of that forecast, per endpoint (capped series count)',
      labelNames: ['service', 'endpoint'] as const,
      registers: [registry],
    }),
    ticks: new client.Counter({
      name: 'prescient_scorer_ticks_total',
      help: 'Scoring loop iterations, by role (leader computes, follower reads the store) and result',
      labelNames: ['role', 'result'] as const,
      registers: [registry],
    }),
    sharesHeld: new client.Counter({
      name: 'prescient_scorer_shares_held_total',
      help: 'Service scorings that kept the previous shares (no push), by reason: dead_band (every target within the hysteresis) or no_evidence (request-path latency differences within their noise)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    tickSeconds: new client.Histogram({
      name: 'prescient_scorer_tick_seconds',
      help: 'Time of one leader scoring tick: features, batched forecast, scores, weights, store write',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inferenceSeconds: new client.Histogram({
      name: 'prescient_forecast_inference_seconds',
      help: 'Time of one batched forecast over all endpoints, by forecaster (model, fallback)',
      labelNames: ['forecaster'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    forecastError: new client.Gauge({
      name: 'prescient_forecast_error_ratio',
      help: 'Mean tracked relative forecast error (1 − EWMA accuracy) over endpoints, by forecaster (model, fallback)',
      labelNames: ['forecaster'] as const,
      registers: [registry],
    }),
    fallbacks: new client.Counter({
      name: 'prescient_forecast_fallbacks_total',
      help: 'Times an endpoint switched from the model to the EWMA fallback because the model was less accurate there (or failed)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    fallbackEndpoints: new client.Gauge({
      name: 'prescient_forecast_fallback_endpoints',
      help: 'Endpoints currently forecast by the EWMA fallback instead of the model',
      registers: [registry],
    }),
    modelInfo: new client.Gauge({
      name: 'prescient_model_info',
      help: 'The forecast model version in use (value 1; one series)',
      labelNames: ['version'] as const,
      registers: [registry],
    }),
    retrains: new client.Counter({
      name: 'prescient_model_retrains_total',
      help: 'Model retrainings, by trigger (drift, schedule) and result (swapped, failed)',
      labelNames: ['reason', 'result'] as const,
      registers: [registry],
    }),
    leader: new client.Gauge({
      name: 'prescient_scorer_leader',
      help: '1 while this replica holds the scoring lease and computes weights, 0 while it follows',
      registers: [registry],
    }),
    storeErrors: new client.Counter({
      name: 'prescient_score_store_errors_total',
      help: 'Failed score store operations, by code (STORE_UNAVAILABLE, STORE_FENCED, STORE_CORRUPT)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
  return { registry, telemetryMetrics, featureStoreMetrics, telemetrySourceMetrics, scorerMetrics };
}

export type ScorerMetrics = ReturnType<typeof createScorerMetrics>;

/** The instance used by components built without one (unit tests, tools); the root passes its own. */
export const defaultScorerMetrics = createScorerMetrics();
export const { registry, telemetryMetrics, featureStoreMetrics, telemetrySourceMetrics, scorerMetrics } = defaultScorerMetrics;
