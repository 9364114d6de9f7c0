/**
 * Prometheus metrics of Kubernetes endpoint discovery, in one registry per running Prescient (the
 * root merges it into /metrics). The `service` label takes the names of Services that declare
 * `discovery`, so it is bounded by the config; gauges are read from the module at scrape time.
 */
import client from 'prom-client';

export interface DiscoveredServiceMeasure {
  readonly service: string;
  readonly serving: number;
  readonly draining: number;
  /** True while the watch fails and the last known endpoints are served. */
  readonly stale: boolean;
  /** Unix ms the slices were last known current. */
  readonly lastSyncAt?: number;
}

export interface DiscoveryMetrics {
  readonly registry: client.Registry;
  readonly watchFailures: client.Counter;
  readonly updates: client.Counter;
}

export function createDiscoveryMetrics(measure: () => readonly DiscoveredServiceMeasure[], registry = new client.Registry()): DiscoveryMetrics {
  new client.Gauge({
    name: 'prescient_kube_discovery_endpoints',
    help: 'Endpoints discovered from Kubernetes EndpointSlices per Service, by condition (serving = ready; draining = terminating but still serving)',
    labelNames: ['service', 'condition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const m of measure()) {
        this.set({ service: m.service, condition: 'serving' }, m.serving);
        this.set({ service: m.service, condition: 'draining' }, m.draining);
      }
    },
  });
  new client.Gauge({
    name: 'prescient_kube_discovery_stale',
    help: '1 while the EndpointSlice watch of a Service fails and its last known endpoints keep serving',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const m of measure()) this.set({ service: m.service }, m.stale ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'prescient_kube_discovery_last_sync_timestamp_seconds',
    help: 'When the EndpointSlices of a Service were last known current (a list landed or a watch opened), Unix seconds',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const m of measure()) if (m.lastSyncAt !== undefined) this.set({ service: m.service }, m.lastSyncAt / 1000);
    },
  });
  return {
    registry,
    watchFailures: new client.Counter({
      name: 'prescient_kube_discovery_watch_failures_total',
      help: 'EndpointSlice lists or watches that failed (each is retried with backoff; endpoints stay as last known)',
      registers: [registry],
    }),
    updates: new client.Counter({
      name: 'prescient_kube_discovery_updates_total',
      help: 'Changed sets of discovered endpoints handed to the configuration (each leads to one push)',
      registers: [registry],
    }),
  };
}
