/**
 * Dynamic DNS as a module of the root and a sink of the mesh model (DESIGN §8): every DnsZone
 * document becomes a zone the DnsSink keeps pointed at the endpoints the model serves, judged
 * with the scorer's latest error rates and latencies. Only the replica holding the scorer's lease
 * writes (a single replica without the scorer always does).
 */
import type { MeshConfig } from '../../api/config.ts';
import type { Clock } from '../../api/clock.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import type { FeatureStore } from '../../api/telemetry.ts';
import { DnsSink, type DnsZoneStatus } from '../dns/dns-sink.ts';
import type { DnsMetrics } from '../dns/metrics.ts';
import { endpointViewFromModel, type EndpointSignals, type SignalSource } from '../dns/model-view.ts';
import { dnsZoneConfig, type DnsZoneSpec } from '../dns/zone-config.ts';
import type { Logger } from '../log.ts';
import type { ModelSink } from '../pipeline/model-sink.ts';
import type { PrescientModule } from './module.ts';

export interface DnsModuleDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: DnsMetrics;
  /** The DnsZone documents of a configuration, by name. */
  readonly zonesOf: (config: MeshConfig) => ReadonlyMap<string, { spec: DnsZoneSpec }>;
  /** True while this replica may write (the scorer's lease). */
  readonly isWriter?: () => boolean;
  readonly signals?: SignalSource;
  /** Longest time between syncs (tests shorten it). Default 1000 ms. */
  readonly tickMs?: number;
}

/**
 * What the scorer's feature store says of an endpoint lately: error rate (the latest report) and
 * probe loss and latency averaged over the last `windowBuckets` buckets (one lost probe is not an
 * outage), ignoring values older than `staleAfterMs`. Probe loss counts as errors: an endpoint
 * whose health checks fail is as bad for a DNS client as one whose calls fail.
 */
export function featureSignals(features: FeatureStore, now: () => number, staleAfterMs = 30_000, windowBuckets = 2): SignalSource {
  return (service, endpoint): EndpointSignals | undefined => {
    const t = now();
    const fresh = (metric: 'error_rate' | 'loss' | 'latency_ms') => {
      const v = features.latest(service, endpoint, metric);
      return v && t - v.at <= staleAfterMs && Number.isFinite(v.value) ? v.value : undefined;
    };
    const recent = (metric: 'loss' | 'latency_ms') => {
      if (fresh(metric) === undefined) return undefined;
      const values = [...features.window(service, endpoint, metric, windowBuckets, t)].filter(Number.isFinite);
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
    };
    const errors = [fresh('error_rate'), recent('loss')].filter((v): v is number => v !== undefined);
    const latencyMs = recent('latency_ms');
    if (!errors.length && latencyMs === undefined) return undefined;
    return { ...(errors.length ? { errorRate: Math.max(...errors) } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}) };
  };
}

export class DnsModule implements PrescientModule, ModelSink {
  readonly name = 'dns';
  private model: MeshModel | undefined;
  private readonly sink: DnsSink;
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DnsModuleDeps) {
    const log = deps.logger.child({ component: 'dns' });
    this.sink = new DnsSink({
      clock: deps.clock,
      log,
      view: () => (this.model ? endpointViewFromModel(this.model, deps.signals) : () => undefined),
      metrics: deps.metrics,
      ...(deps.isWriter ? { isWriter: deps.isWriter } : {}),
      ...(deps.tickMs !== undefined ? { tickMs: deps.tickMs } : {}),
    });
  }

  onConfig(config: MeshConfig): void {
    const zones = [...this.deps.zonesOf(config)].map(([id, doc]) => dnsZoneConfig(id, doc.spec));
    // Key files are read asynchronously; configurations apply in the order they came.
    this.applying = this.applying.then(() => this.sink.setZones(zones));
  }

  onModel(model: MeshModel): void {
    this.model = model;
    this.sink.notify();
  }

  async start(): Promise<void> {
    await this.applying;
    this.sink.start();
  }

  async stop(): Promise<void> {
    await this.sink.stop();
  }

  status(): { zones: DnsZoneStatus[] } {
    return { zones: this.sink.status() };
  }
}
