/**
 * Telemetry as production's sources produce it, into the production feature store:
 * - probes (the prober's records: latency_ms and loss 0 on success, loss 1 on failure), every
 *   probe interval, staggered over the endpoints as the prober staggers them;
 * - LRS load reports per client every load-reporting interval, through the production
 *   LoadReportAdapter (per endpoint for Envoy; per locality, the endpoint in its sub_zone, for
 *   gRPC), optionally with ORCA cpu_utilization in load_metric_stats.
 */
import { endpointLocality } from '../../../api/locality.ts';
import type { LoadReport } from '../../../api/telemetry.ts';
import type { FeatureStore } from '../../../scorer/features/types.ts';
import { LoadReportAdapter } from '../../../scorer/telemetry/load-reports.ts';
import type { EndpointServer } from '../endpoint/endpoint-server.ts';
import type { EventQueue } from '../event-queue.ts';
import type { SimClient } from '../lb/client-types.ts';

/** Per client, per endpoint counters since the client's last report. */
export class LoadCounters {
  readonly success: Float64Array;
  readonly errors: Float64Array;
  readonly issued: Float64Array;
  readonly utilSum: Float64Array;
  readonly utilCount: Float64Array;
  constructor(readonly endpoints: number) {
    this.success = new Float64Array(endpoints);
    this.errors = new Float64Array(endpoints);
    this.issued = new Float64Array(endpoints);
    this.utilSum = new Float64Array(endpoints);
    this.utilCount = new Float64Array(endpoints);
  }
  reset(): void {
    this.success.fill(0);
    this.errors.fill(0);
    this.issued.fill(0);
    this.utilSum.fill(0);
    this.utilCount.fill(0);
  }
}

export interface TelemetryFeedOptions {
  readonly queue: EventQueue;
  readonly now: () => number;
  readonly store: FeatureStore;
  readonly service: string;
  readonly endpoints: readonly EndpointServer[];
  /** Endpoint indexes currently in the service. */
  readonly present: () => readonly number[];
  readonly clients: readonly SimClient[];
  readonly counters: readonly LoadCounters[];
  readonly flavor: 'envoy' | 'grpc';
  readonly probeIntervalMs: number;
  readonly lrsIntervalMs: number;
  readonly networkMs: number;
  readonly orca: boolean;
  readonly untilMs: number;
}

export function startTelemetry(o: TelemetryFeedOptions): LoadReportAdapter {
  const adapter = new LoadReportAdapter({ store: o.store });
  const q = o.queue;
  const probeRound = () => {
    const present = o.present();
    present.forEach((i, k) => {
      q.after((o.probeIntervalMs * k) / present.length, () => {
        const latency = o.endpoints[i]!.probe();
        const at = o.now();
        const endpoint = o.endpoints[i]!.key;
        o.store.record({ service: o.service, endpoint, at, metrics: latency === undefined ? { loss: 1 } : { latency_ms: latency + 2 * o.networkMs, loss: 0 } });
      });
    });
    if (q.now + o.probeIntervalMs < o.untilMs) q.after(o.probeIntervalMs, probeRound);
  };
  q.at(0, probeRound);

  o.clients.forEach((client, c) => {
    const counters = o.counters[c]!;
    const report = () => {
      const receivedAt = o.now();
      for (const h of client.hosts()) {
        const i = h.index;
        const r: LoadReport = {
          nodeId: client.name,
          cluster: o.service,
          locality: o.flavor === 'grpc' ? { ...endpointLocality({ region: 'sim', zone: h.zone }, h.key) } : { region: 'sim', zone: h.zone, subZone: '' },
          ...(o.flavor === 'envoy' && { endpoint: h.key }),
          intervalMs: o.lrsIntervalMs,
          receivedAt,
          successfulRequests: counters.success[i]!,
          errorRequests: counters.errors[i]!,
          issuedRequests: counters.issued[i]!,
          inProgressRequests: h.active,
          loadMetrics: o.orca && counters.utilCount[i]! > 0 ? { cpu_utilization: { sum: counters.utilSum[i]!, count: counters.utilCount[i]! } } : {},
        };
        adapter.onLoadReport(r);
      }
      counters.reset();
      if (q.now + o.lrsIntervalMs < o.untilMs) q.after(o.lrsIntervalMs, report);
    };
    // Clients report at their own phase within the interval.
    q.at(o.lrsIntervalMs * ((c + 1) / o.clients.length), report);
  });
  return adapter;
}
