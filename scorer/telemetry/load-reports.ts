/**
 * LRS load reports → feature store observations (`rps`, `error_rate`, `in_flight`,
 * `request_latency_ms`, named load metrics) per endpoint.
 *
 * Attribution: Envoy asked for endpoint granularity names the endpoint; proxyless gRPC reports per
 * locality, and Prescient renders one locality per gRPC endpoint whose sub_zone carries the
 * endpoint key (api/locality.ts). Reports naming neither are dropped and counted.
 *
 * Many clients report on the same endpoint, each for its own interval and at its own phase. The
 * endpoint's load is the sum over reporters of each one's latest report, so the adapter keeps that
 * latest report per reporter (node id) until it is `staleAfterIntervals` intervals old and records
 * the combined total every time a report arrives; the store keeps the last reading in a bucket
 * (aggregation `last`), so reports from several clients within a bucket add up.
 *
 * Request-path latency comes from the same totals by Little's law (request-latency.ts), shrunk
 * towards the cluster's own (all its endpoints' in-flight over all their completions per second),
 * for which the adapter keeps each endpoint's latest totals per cluster.
 *
 * One source cannot swing an endpoint (docs/security.md): reporters are grouped by their
 * authenticated source (the client certificate's identity, or the peer address without mTLS), and
 * in the quantities that move weights — the error rate, request-path latency and named load
 * metrics — no source weighs more than `maxSourceShare` of the whole while other sources report on
 * the endpoint (source-influence.ts). Request and in-flight totals are kept as reported: they
 * describe load, and capping them would undercount a caller that is simply big.
 */
import { endpointKeyFromSubZone } from '../../api/locality.ts';
import type { LoadReport, LoadReportSink } from '../../api/telemetry.ts';
import type { FeatureStore, MetricName } from '../features/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import { silentLogger, type Logger } from './log.ts';
import type { EndpointCatalog } from './known-endpoints.ts';
import { littleLatencyMs, requestLatencyMs } from './request-latency.ts';
import { capInfluence, DEFAULT_MAX_SOURCE_SHARE } from './source-influence.ts';

export interface LoadReportAdapterOptions {
  store: FeatureStore;
  /** Default 2: a reporter silent for two of its intervals no longer counts. */
  staleAfterIntervals?: number;
  /** Endpoints tracked at once; default 250,000. */
  maxEndpoints?: number;
  /** Reporters tracked per endpoint; default 4,096. */
  maxReportersPerEndpoint?: number;
  /** Endpoints reports may name; others are dropped (`unknown_endpoint`) before any state is kept. Unset: any. */
  known?: EndpointCatalog;
  /**
   * Most one source may weigh in an endpoint's error rate, request latency and load metrics while
   * other sources report on it, in (0, 1]; default 1/3. 1 turns the cap off.
   */
  maxSourceShare?: number;
  logger?: Logger;
  /** Where this source's counters go; default the module-level instance. */
  metrics?: ScorerMetrics;
}

interface ReporterState {
  /** The authenticated source of the stream the report came on (`LoadReport.source`). */
  source: string;
  expiresAt: number;
  /** Completed requests per second over the report's interval. */
  rps: number;
  completed: number;
  errors: number;
  inProgress: number;
  loadMetrics: LoadReport['loadMetrics'];
}

const SOURCE = 'lrs';
/** ORCA's standard utilisation name maps to the fixed metric; other names become custom metrics. */
const NAMED_METRICS: Record<string, MetricName> = { cpu_utilization: 'cpu' };

export class LoadReportAdapter implements LoadReportSink {
  private readonly store: FeatureStore;
  private readonly staleAfterIntervals: number;
  private readonly maxEndpoints: number;
  private readonly maxReportersPerEndpoint: number;
  private readonly logger: Logger;
  private readonly known: EndpointCatalog | undefined;
  /** `cluster \n endpoint` → source and node id → latest report. */
  private readonly endpoints = new Map<string, Map<string, ReporterState>>();
  /** cluster → endpoint → its latest combined in-flight and completed-per-second totals. */
  private readonly clusterLoad = new Map<string, Map<string, { inFlight: number; rps: number }>>();

  private readonly metrics: ScorerMetrics;
  private readonly maxSourceShare: number;

  constructor(options: LoadReportAdapterOptions) {
    this.metrics = options.metrics ?? defaultScorerMetrics;
    this.store = options.store;
    this.staleAfterIntervals = options.staleAfterIntervals ?? 2;
    this.maxEndpoints = options.maxEndpoints ?? 250_000;
    this.maxReportersPerEndpoint = options.maxReportersPerEndpoint ?? 4096;
    this.logger = options.logger ?? silentLogger;
    this.known = options.known;
    this.maxSourceShare = options.maxSourceShare ?? DEFAULT_MAX_SOURCE_SHARE;
  }

  onLoadReport(report: LoadReport): void {
    try {
      this.accept(report);
    } catch (err) {
      this.metrics.telemetrySourceMetrics.dropped.inc({ source: SOURCE, reason: 'internal_error' });
      this.logger.error({ err, nodeId: report.nodeId, cluster: report.cluster }, 'LRS_ADAPTER_FAILED: load report dropped');
    }
  }

  /** Forgets endpoints whose every reporter went stale by `now`; call every few seconds. */
  sweep(now: number): void {
    for (const [key, reporters] of this.endpoints) {
      expire(reporters, now);
      if (reporters.size === 0) {
        this.endpoints.delete(key);
        const [cluster, endpoint] = key.split('\n') as [string, string];
        this.clusterLoad.get(cluster)?.delete(endpoint);
      }
    }
  }

  private accept(report: LoadReport): void {
    const endpoint = report.endpoint ?? endpointKeyFromSubZone(report.locality.subZone);
    if (!endpoint) return this.drop('unattributed', report);
    if (!(report.intervalMs > 0)) return this.drop('no_interval', report);
    if (this.known && !this.known.has(report.cluster, endpoint)) return this.drop('unknown_endpoint', report);

    const key = `${report.cluster}\n${endpoint}`;
    let reporters = this.endpoints.get(key);
    if (!reporters) {
      if (this.endpoints.size >= this.maxEndpoints) return this.drop('endpoint_limit', report);
      this.endpoints.set(key, (reporters = new Map()));
    }
    expire(reporters, report.receivedAt);
    const source = report.source ?? '';
    // Keyed by source too: a node id claimed under another identity is another reporter.
    const reporter = `${source}\n${report.nodeId}`;
    if (!reporters.has(reporter) && reporters.size >= this.maxReportersPerEndpoint) return this.drop('reporter_limit', report);
    const completed = report.successfulRequests + report.errorRequests;
    reporters.set(reporter, {
      source,
      expiresAt: report.receivedAt + this.staleAfterIntervals * report.intervalMs,
      rps: completed / (report.intervalMs / 1000),
      completed,
      errors: report.errorRequests,
      inProgress: report.inProgressRequests,
      loadMetrics: report.loadMetrics,
    });
    const { metrics, latencyBasis } = combine(reporters, this.maxSourceShare);
    this.addRequestLatency(report.cluster, endpoint, metrics, latencyBasis);
    this.store.record({ service: report.cluster, endpoint, at: report.receivedAt, metrics });
    this.metrics.telemetryMetrics.accepted.inc({ source: SOURCE });
  }

  /** `basis`: the endpoint's in-flight and request rate with each source's influence capped. */
  private addRequestLatency(cluster: string, endpoint: string, metrics: Partial<Record<MetricName, number>>, basis: { inFlight: number; rps: number }): void {
    const inFlight = metrics.in_flight ?? 0;
    const rps = metrics.rps ?? 0;
    let load = this.clusterLoad.get(cluster);
    if (!load) this.clusterLoad.set(cluster, (load = new Map()));
    load.set(endpoint, { inFlight, rps });
    let totalInFlight = 0;
    let totalRps = 0;
    for (const l of load.values()) {
      totalInFlight += l.inFlight;
      totalRps += l.rps;
    }
    const latency = requestLatencyMs(basis.inFlight, basis.rps, littleLatencyMs(totalInFlight, totalRps));
    if (latency !== undefined) metrics.request_latency_ms = latency;
  }

  private drop(reason: string, report: LoadReport): void {
    this.metrics.telemetrySourceMetrics.dropped.inc({ source: SOURCE, reason });
    this.logger.debug({ reason, nodeId: report.nodeId, cluster: report.cluster, locality: report.locality }, 'load report not used');
  }
}

function expire(reporters: Map<string, ReporterState>, now: number): void {
  for (const [node, state] of reporters) if (state.expiresAt < now) reporters.delete(node);
}

interface SourceTotals {
  rps: number;
  completed: number;
  errors: number;
  inFlight: number;
  named: Map<MetricName, { sum: number; count: number }>;
}

/** The live reporters' latest reports summed per source. */
function perSource(reporters: Map<string, ReporterState>): SourceTotals[] {
  const bySource = new Map<string, SourceTotals>();
  for (const r of reporters.values()) {
    let t = bySource.get(r.source);
    if (!t) bySource.set(r.source, (t = { rps: 0, completed: 0, errors: 0, inFlight: 0, named: new Map() }));
    t.rps += r.rps;
    t.completed += r.completed;
    t.errors += r.errors;
    t.inFlight += r.inProgress;
    for (const name in r.loadMetrics) {
      const metric = metricForLoadName(name);
      if (!metric) continue;
      const { sum, count } = r.loadMetrics[name]!;
      const acc = t.named.get(metric) ?? { sum: 0, count: 0 };
      acc.sum += sum;
      acc.count += count;
      t.named.set(metric, acc);
    }
  }
  return [...bySource.values()];
}

/**
 * The endpoint's metrics over the live reporters: request and in-flight totals as reported; error
 * rate and named load metrics as means in which each source's weight is capped; and the capped
 * in-flight and request rate the request-path latency is computed from.
 */
function combine(reporters: Map<string, ReporterState>, maxSourceShare: number): { metrics: Partial<Record<MetricName, number>>; latencyBasis: { inFlight: number; rps: number } } {
  const sources = perSource(reporters);
  const sum = (f: (t: SourceTotals) => number) => sources.reduce((a, t) => a + f(t), 0);
  const metrics: Partial<Record<MetricName, number>> = { rps: sum((t) => t.rps), in_flight: sum((t) => t.inFlight) };

  // Error rate: Σ errors / Σ completed with each source's completed requests capped; its errors
  // scale with them, so its own error rate is kept, only its say in the mean shrinks.
  const completed = capInfluence(sources.map((t) => t.completed), maxSourceShare);
  const weighted = completed.reduce((a, c) => a + c, 0);
  // With no completed request there is no evidence about errors either way.
  if (weighted > 0) metrics.error_rate = sources.reduce((a, t, i) => a + (t.completed > 0 ? (t.errors * completed[i]!) / t.completed : 0), 0) / weighted;

  // Latency by Little's law: each source's in-flight and rate scale together, keeping its own W.
  const rates = capInfluence(sources.map((t) => t.rps), maxSourceShare);
  const latencyBasis = { rps: 0, inFlight: 0 };
  sources.forEach((t, i) => {
    latencyBasis.rps += rates[i]!;
    latencyBasis.inFlight += t.rps > 0 ? (t.inFlight * rates[i]!) / t.rps : 0;
  });

  const names = new Set(sources.flatMap((t) => [...t.named.keys()]));
  for (const metric of names) {
    const counts = capInfluence(sources.map((t) => t.named.get(metric)?.count ?? 0), maxSourceShare);
    let total = 0;
    let n = 0;
    sources.forEach((t, i) => {
      const m = t.named.get(metric);
      if (!m || m.count === 0) return;
      total += (m.sum / m.count) * counts[i]!;
      n += counts[i]!;
    });
    if (n > 0) metrics[metric] = total / n;
  }
  return { metrics, latencyBasis };
}

function metricForLoadName(name: string): MetricName | undefined {
  const fixed = NAMED_METRICS[name];
  if (fixed) return fixed;
  const clean = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return clean ? `custom:${clean}` : undefined;
}
