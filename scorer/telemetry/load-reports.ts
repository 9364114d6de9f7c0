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
 */
import { endpointKeyFromSubZone } from '../../api/locality.ts';
import type { LoadReport, LoadReportSink } from '../../api/telemetry.ts';
import type { FeatureStore, MetricName } from '../features/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import { silentLogger, type Logger } from './log.ts';
import type { EndpointCatalog } from './known-endpoints.ts';
import { littleLatencyMs, requestLatencyMs } from './request-latency.ts';

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
  logger?: Logger;
  /** Where this source's counters go; default the module-level instance. */
  metrics?: ScorerMetrics;
}

interface ReporterState {
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
  /** `cluster \n endpoint` → node id → latest report. */
  private readonly endpoints = new Map<string, Map<string, ReporterState>>();
  /** cluster → endpoint → its latest combined in-flight and completed-per-second totals. */
  private readonly clusterLoad = new Map<string, Map<string, { inFlight: number; rps: number }>>();

  private readonly metrics: ScorerMetrics;

  constructor(options: LoadReportAdapterOptions) {
    this.metrics = options.metrics ?? defaultScorerMetrics;
    this.store = options.store;
    this.staleAfterIntervals = options.staleAfterIntervals ?? 2;
    this.maxEndpoints = options.maxEndpoints ?? 250_000;
    this.maxReportersPerEndpoint = options.maxReportersPerEndpoint ?? 4096;
    this.logger = options.logger ?? silentLogger;
    this.known = options.known;
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
    if (!reporters.has(report.nodeId) && reporters.size >= this.maxReportersPerEndpoint) return this.drop('reporter_limit', report);
    const completed = report.successfulRequests + report.errorRequests;
    reporters.set(report.nodeId, {
      expiresAt: report.receivedAt + this.staleAfterIntervals * report.intervalMs,
      rps: completed / (report.intervalMs / 1000),
      completed,
      errors: report.errorRequests,
      inProgress: report.inProgressRequests,
      loadMetrics: report.loadMetrics,
    });
    const metrics = combine(reporters);
    this.addRequestLatency(report.cluster, endpoint, metrics);
    this.store.record({ service: report.cluster, endpoint, at: report.receivedAt, metrics });
    this.metrics.telemetryMetrics.accepted.inc({ source: SOURCE });
  }

  private addRequestLatency(cluster: string, endpoint: string, metrics: Partial<Record<MetricName, number>>): void {
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
    const latency = requestLatencyMs(inFlight, rps, littleLatencyMs(totalInFlight, totalRps));
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

/** The endpoint's totals over the live reporters. */
function combine(reporters: Map<string, ReporterState>): Partial<Record<MetricName, number>> {
  let rps = 0;
  let completed = 0;
  let errors = 0;
  let inFlight = 0;
  const named = new Map<MetricName, { sum: number; count: number }>();
  for (const r of reporters.values()) {
    rps += r.rps;
    completed += r.completed;
    errors += r.errors;
    inFlight += r.inProgress;
    for (const name in r.loadMetrics) {
      const metric = metricForLoadName(name);
      if (!metric) continue;
      const { sum, count } = r.loadMetrics[name]!;
      const acc = named.get(metric) ?? { sum: 0, count: 0 };
      acc.sum += sum;
      acc.count += count;
      named.set(metric, acc);
    }
  }
  const metrics: Partial<Record<MetricName, number>> = { rps, in_flight: inFlight };
  // With no completed request there is no evidence about errors either way.
  if (completed > 0) metrics.error_rate = errors / completed;
  for (const [metric, { sum, count }] of named) if (count > 0) metrics[metric] = sum / count;
  return metrics;
}

function metricForLoadName(name: string): MetricName | undefined {
  const fixed = NAMED_METRICS[name];
  if (fixed) return fixed;
  const clean = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return clean ? `custom:${clean}` : undefined;
}
