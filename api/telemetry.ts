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
  /** Node id of the reporting proxy or gRPC client. */
  nodeId: string;
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
