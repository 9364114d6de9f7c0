/**
 * Every Prometheus metric of xds-server/, declared in one place (DESIGN §11). Label values are
 * bounded: type URLs are the four xDS types, protocols are `sotw`/`delta`/`per-type`, reasons are
 * fixed strings. Per-client detail (NACK messages) lives on /debug/clients, not in labels.
 */
import fs from 'node:fs';
import client from 'prom-client';

/** This build's version (package.json), for `prescient_build_info`. */
export const BUILD_VERSION: string = (() => {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export type XdsProtocol = 'sotw' | 'delta' | 'per-type';

/** Short label for a type URL: cds, eds, lds, rds (or "other"). */
export function typeLabel(typeUrl: string): string {
  if (typeUrl.endsWith('.Cluster')) return 'cds';
  if (typeUrl.endsWith('.ClusterLoadAssignment')) return 'eds';
  if (typeUrl.endsWith('.Listener')) return 'lds';
  if (typeUrl.endsWith('.RouteConfiguration')) return 'rds';
  return 'other';
}

/**
 * Every metric of the folder in `registry`: one instance per running Prescient (the root makes its
 * own). The registry also gets prom-client's default process metrics (`process_*`, `nodejs_*`,
 * including event-loop lag `nodejs_eventloop_lag_*`) and `prescient_build_info`.
 */
export function createXdsMetrics(registry = new client.Registry()) {
  client.collectDefaultMetrics({ register: registry });
  new client.Gauge({
    name: 'prescient_build_info',
    help: 'Always 1; labels name the running build',
    labelNames: ['version', 'node_version'] as const,
    registers: [registry],
  }).set({ version: BUILD_VERSION, node_version: process.versions.node }, 1);
  /** Set by the effective-weight sink on every model; read only when /metrics is scraped. */
  const effectiveWeights: { visit?: (set: (service: string, endpoint: string, weight: number) => void) => void } = {};
  const xdsMetrics = {
    effectiveWeights,
    unsupportedTypes: new client.Counter({
      name: 'prescient_xds_unsupported_type_requests_total',
      help: 'Requests for resource types Prescient does not serve (SDS, RTDS, ECDS, unknown), answered empty',
      labelNames: ['protocol'] as const,
      registers: [registry],
    }),
    endpointEffectiveWeight: new client.Gauge({
      name: 'prescient_endpoint_effective_weight',
      help: 'Weight pushed in EDS for each configured endpoint (after WeightOverrides, health and decisions; 0 when not serving)',
      labelNames: ['service', 'endpoint'] as const,
      registers: [registry],
      // Filled at scrape time from the latest model: a push with 50,000 endpoints pays nothing for it.
      collect() {
        this.reset();
        effectiveWeights.visit?.((service, endpoint, weight) => this.set({ service, endpoint }, weight));
      },
    }),
    connectedStreams: new client.Gauge({
      name: 'prescient_xds_connected_streams',
      help: 'Open xDS streams by protocol',
      labelNames: ['protocol'] as const,
      registers: [registry],
    }),
    subscriptions: new client.Gauge({
      name: 'prescient_xds_subscriptions',
      help: 'Streams subscribed to each resource type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    pushes: new client.Counter({
      name: 'prescient_xds_pushes_total',
      help: 'Discovery responses sent',
      labelNames: ['type', 'protocol'] as const,
      registers: [registry],
    }),
    responseBytes: new client.Counter({
      name: 'prescient_xds_response_bytes_total',
      help: 'Bytes of discovery responses sent',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    rejects: new client.Counter({
      name: 'prescient_xds_rejects_total',
      help: 'NACKs received from clients',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    acks: new client.Counter({
      name: 'prescient_xds_acks_total',
      help: 'Responses clients acknowledged (ACK: the version now runs there), by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    streamsRefused: new client.Counter({
      name: 'prescient_xds_streams_refused_total',
      help: 'New streams refused by the per-second cap (clients retry with backoff)',
      registers: [registry],
    }),
    protocolErrors: new client.Counter({
      name: 'prescient_xds_protocol_errors_total',
      help: 'Streams closed for protocol violations',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    convergenceSeconds: new client.Histogram({
      name: 'prescient_xds_convergence_seconds',
      help: 'From a config or weight change being published to every subscriber having acknowledged it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    pushSeconds: new client.Histogram({
      name: 'prescient_push_seconds',
      help: 'Translate + validate + encode + publish time of one push',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    pushTriggers: new client.Counter({
      name: 'prescient_push_triggers_total',
      help: 'Push requests by source, before debouncing',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    publishRejected: new client.Counter({
      name: 'prescient_publish_rejected_total',
      help: 'Rendered resource sets that failed validation and were not published',
      registers: [registry],
    }),
    configReloads: new client.Counter({
      name: 'prescient_config_reloads_total',
      help: 'Configuration reloads by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    configLastReloadSuccess: new client.Gauge({
      name: 'prescient_config_last_reload_success',
      help: '1 when the last configuration reload succeeded, 0 when it failed and the previous config is serving',
      registers: [registry],
    }),
    configResources: new client.Gauge({
      name: 'prescient_config_custom_resources',
      help: 'Prescient custom resources after the last reload, by kind and state (accepted; rejected: own errors, last accepted version or nothing serving; refused: valid but the reload was refused for errors in files)',
      labelNames: ['kind', 'state'] as const,
      registers: [registry],
    }),
    configResourceStatusWrites: new client.Counter({
      name: 'prescient_config_custom_resource_status_writes_total',
      help: 'Status writes to Prescient custom resources, by result (written, error)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    configResourceWatchUp: new client.Gauge({
      name: 'prescient_config_custom_resource_watch_up',
      help: '1 while the watch of a Prescient custom resource kind is open, 0 while it is failing and retrying (the resources last seen stay)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    loadReports: new client.Counter({
      name: 'prescient_lrs_reports_total',
      help: 'LRS load reports received, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
  return { registry, ...xdsMetrics };
}

export type XdsMetrics = ReturnType<typeof createXdsMetrics>;

/** The instance used by components built without one (unit tests, tools); the root passes its own. */
export const xdsMetrics = createXdsMetrics();
export const registry = xdsMetrics.registry;
