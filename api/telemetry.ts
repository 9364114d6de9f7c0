/**
 * Telemetry entering the decide stage, already validated at the edge (LRS server, prober, ingest
 * API, Prometheus source). Times are Unix milliseconds.
 */

export interface LocalityRef {
  region: string;
  zone: string;
  subZone: string;
}

/** One LRS `UpstreamLocalityStats` (and optionally its per-endpoint stats), flattened. */
export interface LoadReport {
  /** Node id of the reporting proxy or gRPC client (chosen by the client: not an identity). */
  nodeId: string;
  /**
   * Who sent it, as the transport authenticated it: the client certificate's identity under mTLS,
   * otherwise the peer address. Reports of one source count as one voice (source-influence).
   */
  source?: string;
  /** Cluster name (== Service name). */
  cluster: string;
  locality: LocalityRef;
  /** "address:port" when the report is per endpoint (Envoy with endpoint granularity). */
  endpoint?: string;
  /** Interval the counters cover. */
  intervalMs: number;
  receivedAt: number;
  successfulRequests: number;
  errorRequests: number;
  issuedRequests: number;
  inProgressRequests: number;
  /** Named load metrics (ORCA / custom): sum and number of requests that reported them. */
  loadMetrics: Record<string, { sum: number; count: number }>;
}

export interface LoadReportSink {
  /** Called once per locality/endpoint stats entry of a valid report. Must not throw. */
  onLoadReport(report: LoadReport): void;
}

// ---------------------------------------------------------------- feature store (scorer/features)

/**
 * Contract of the feature store: telemetry sources write observations, the decide stage reads
 * fixed-resolution windows (the scorer now; failover health and DNS thresholds too). Names of
 * metrics are the fixed set below plus `custom:<name>` from the ingest API (bounded per endpoint by
 * the store). The implementation (RingFeatureStore) lives in scorer/features and is injected.
 */
export type MetricName =
  | 'latency_ms' // mean request or probe latency
  | 'latency_p99_ms'
  | 'request_latency_ms' // mean latency on the request path (LRS by Little's law, or pushed)
  | 'jitter_ms'
  | 'loss' // probe loss fraction 0..1
  | 'error_rate' // 0..1
  | 'rps' // completed requests per second
  | 'in_flight'
  | 'cpu' // utilisation 0..1
  | 'cost_per_hour'
  | `custom:${string}`;

export interface Observation {
  service: string;
  /** "address:port" */
  endpoint: string;
  /** Unix ms */
  at: number;
  metrics: Partial<Record<MetricName, number>>;
}

export interface FeatureStore {
  /** Adds an already validated observation; values land in the bucket containing `at`. */
  record(obs: Observation): void;
  /**
   * The last `length` buckets of one metric ending at the bucket containing `now`, oldest first.
   * Empty buckets are filled forward from the previous value (NaN before the first value).
   */
  window(service: string, endpoint: string, metric: MetricName, length: number, now: number): Float32Array;
  /** Most recent value and its time, if any within the retention. */
  latest(service: string, endpoint: string, metric: MetricName): { value: number; at: number } | undefined;
  /** Endpoints with any data, per service. */
  endpoints(service: string): string[];
  /** Forget an endpoint (removed from config). */
  drop(service: string, endpoint: string): void;
  readonly resolutionMs: number;
}

/**
 * Allocation-free window reads (additive to `FeatureStore`): the scoring tick reads windows of
 * every endpoint into one caller-owned buffer, the row-major layout `ForecastBatch` expects.
 */
export interface WindowReader {
  /** Same semantics as `FeatureStore.window`, written into `out[offset .. offset + length)`. */
  windowInto(out: Float32Array, offset: number, service: string, endpoint: string, metric: MetricName, length: number, now: number): void;
}
