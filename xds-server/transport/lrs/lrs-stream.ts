/**
 * One LRS stream (DESIGN §4.2 rule 12): the first request names the node; the server answers once
 * with `send_all_clusters` (gRPC never reports a cluster listed first in `clusters`),
 * `report_endpoint_granularity` (Envoy then reports per endpoint, which the scorer needs; gRPC
 * ignores it and reports per locality, which Prescient renders one per endpoint) and the
 * reporting interval. Every later report is validated per cluster: valid entries go to the sink as
 * LoadReports, invalid ones are counted, logged, and dropped without ending the stream.
 */
import type { LoadReportSink } from '../../../api/telemetry.ts';
import { lookupType } from '../../envoy/protos.ts';
import type { Logger } from '../../log.ts';
import { xdsMetrics, type XdsMetrics } from '../../metrics.ts';
import type { DecodedLoadStatsRequest } from './load-stats-request.ts';
import { validateClusterStats } from './load-report-validation.ts';

export interface LrsStreamContext {
  sink: LoadReportSink | undefined;
  /** Whether this stream's authenticated source may report for `cluster` (xds-access.ts); default: any. */
  mayReport?: (cluster: string) => boolean;
  /** The peer identity or address, for logs. */
  source?: string;
  intervalMs: number;
  clock: () => number;
  logger: Logger;
  /** The server's metrics; default the module-level instance. */
  metrics?: XdsMetrics;
}

export function encodeLoadStatsResponse(intervalMs: number): Buffer {
  const type = lookupType('envoy.service.load_stats.v3.LoadStatsResponse');
  const seconds = Math.floor(intervalMs / 1000);
  const message = type.fromObject({ send_all_clusters: true, report_endpoint_granularity: true, load_reporting_interval: { seconds, nanos: (intervalMs - seconds * 1000) * 1e6 } });
  return Buffer.from(type.encode(message).finish());
}

export class LrsStream {
  private nodeId: string | undefined;
  /** Clusters already logged as not allowed on this stream (each is logged once). */
  private readonly refusedLogged = new Set<string>();

  constructor(
    private readonly ctx: LrsStreamContext,
    private readonly write: (response: Buffer) => void,
  ) {}

  handle(request: DecodedLoadStatsRequest): void {
    if (!request.ok) {
      this.reject('', [request.error]);
      return;
    }
    if (this.nodeId === undefined) {
      this.nodeId = request.message.node?.id ?? '';
      this.write(encodeLoadStatsResponse(this.ctx.intervalMs));
    }
    const receivedAt = this.ctx.clock();
    for (const stats of request.message.cluster_stats) {
      const result = validateClusterStats(stats, this.nodeId, receivedAt, this.ctx.source);
      if (!result.ok) {
        this.reject(result.cluster, result.problems);
        continue;
      }
      const cluster = String(stats.cluster_name);
      if (this.ctx.mayReport && !this.ctx.mayReport(cluster)) {
        this.refuse(cluster);
        continue;
      }
      (this.ctx.metrics ?? xdsMetrics).loadReports.inc({ result: 'accepted' });
      for (const report of result.reports) this.deliver(report);
    }
  }

  private deliver(report: Parameters<LoadReportSink['onLoadReport']>[0]): void {
    try {
      this.ctx.sink?.onLoadReport(report);
    } catch (err) {
      this.ctx.logger.error({ err, cluster: report.cluster }, 'load report sink threw; report dropped');
    }
  }

  /** A valid report for a cluster this source may not report for: dropped, counted, logged once per cluster. */
  private refuse(cluster: string): void {
    (this.ctx.metrics ?? xdsMetrics).loadReports.inc({ result: 'unauthorized' });
    if (this.refusedLogged.has(cluster) || this.refusedLogged.size >= 64) return;
    this.refusedLogged.add(cluster);
    this.ctx.logger.warn({ code: 'XDS_LRS_UNAUTHORIZED', node: this.nodeId, source: this.ctx.source, cluster }, 'load reports for this cluster are not accepted from this client identity; dropped');
  }

  private reject(cluster: string, problems: string[]): void {
    (this.ctx.metrics ?? xdsMetrics).loadReports.inc({ result: 'rejected' });
    this.ctx.logger.warn({ code: 'XDS_LRS_INVALID_REPORT', node: this.nodeId, cluster, problems }, 'invalid load report dropped');
  }
}
