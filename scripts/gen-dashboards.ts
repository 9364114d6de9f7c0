/**
 * `npm run gen:dashboards`: writes the Grafana dashboards in manifests/grafana/ from the panel
 * lists below (one line per panel instead of hand-laid JSON). `--check` writes nothing and exits 1
 * when a file differs (test/manifests/grafana-dashboards.test.ts runs the same check).
 *
 * Every query may use only metrics Prescient exports (the test checks each against a running
 * Prescient's /metrics and evaluates it on a real Prometheus scraping one). Queries take the max
 * over replicas where every replica exports the same value (weights, scores), and sum rates over
 * them. Template variables: `$datasource` (any Prometheus) and `$service`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_DIR = 'manifests/grafana';

type PanelType = 'timeseries' | 'stat' | 'state-timeline' | 'bargauge';

interface Target {
  expr: string;
  legend?: string;
}

interface PanelSpec {
  title: string;
  description: string;
  type?: PanelType;
  unit?: string;
  targets: Target[];
  /** Width in grid columns (24 per row); default 12. */
  w?: number;
  stack?: boolean;
  min?: number;
  max?: number;
  /** Stat panels: show the series name (a label such as a version) rather than the value. */
  showName?: boolean;
}

interface DashboardSpec {
  file: string;
  uid: string;
  title: string;
  description: string;
  rows: { title: string; panels: PanelSpec[] }[];
}

const R = '$__rate_interval';
const SVC = 'service=~"$service"';

export const DASHBOARDS: DashboardSpec[] = [
  {
    file: 'prescient-convergence.json',
    uid: 'prescient-convergence',
    title: 'Prescient / Convergence',
    description: 'How fast a change reaches every client: push time, convergence (published → acknowledged by every subscriber), versions acknowledged and rejected.',
    rows: [
      {
        title: 'Convergence',
        panels: [
          {
            title: 'Convergence time (p50, p99)',
            description: 'From a config or weight change being published to every subscriber having ACKed it (prescient_xds_convergence_seconds).',
            unit: 's',
            targets: [
              { expr: `histogram_quantile(0.5, sum by (le) (rate(prescient_xds_convergence_seconds_bucket[${R}])))`, legend: 'p50' },
              { expr: `histogram_quantile(0.99, sum by (le) (rate(prescient_xds_convergence_seconds_bucket[${R}])))`, legend: 'p99' },
            ],
          },
          {
            title: 'Push time (p50, p99)',
            description: 'Translate + validate + encode + publish time of one push (prescient_push_seconds).',
            unit: 's',
            targets: [
              { expr: `histogram_quantile(0.5, sum by (le) (rate(prescient_push_seconds_bucket[${R}])))`, legend: 'p50' },
              { expr: `histogram_quantile(0.99, sum by (le) (rate(prescient_push_seconds_bucket[${R}])))`, legend: 'p99' },
            ],
          },
          {
            title: 'Versions acknowledged (ACKs/s by type)',
            description: 'Responses clients ACKed: the version now runs there (prescient_xds_acks_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (type) (rate(prescient_xds_acks_total[${R}]))`, legend: '{{type}}' }],
          },
          {
            title: 'Rejected versions (NACKs/s by type)',
            description: 'Responses clients NACKed; they keep their last ACKed version (prescient_xds_rejects_total). Anything above zero needs a look at /debug/clients.',
            unit: 'ops',
            targets: [{ expr: `sum by (type) (rate(prescient_xds_rejects_total[${R}]))`, legend: '{{type}}' }],
          },
          {
            title: 'Responses sent (by type)',
            description: 'Discovery responses sent, by type and protocol (prescient_xds_pushes_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (type, protocol) (rate(prescient_xds_pushes_total[${R}]))`, legend: '{{type}} {{protocol}}' }],
          },
          {
            title: 'What triggers pushes',
            description: 'Push requests by source before debouncing (prescient_push_triggers_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (source) (rate(prescient_push_triggers_total[${R}]))`, legend: '{{source}}' }],
          },
        ],
      },
      {
        title: 'Clients',
        panels: [
          {
            title: 'Connected xDS streams',
            description: 'Open xDS streams by protocol, summed over replicas (prescient_xds_connected_streams).',
            targets: [{ expr: 'sum by (protocol) (prescient_xds_connected_streams)', legend: '{{protocol}}' }],
          },
          {
            title: 'Subscriptions by type',
            description: 'Streams subscribed to each resource type (prescient_xds_subscriptions).',
            targets: [{ expr: 'sum by (type) (prescient_xds_subscriptions)', legend: '{{type}}' }],
          },
          {
            title: 'Response bytes/s by type',
            description: 'Bytes of discovery responses sent (prescient_xds_response_bytes_total).',
            unit: 'Bps',
            targets: [{ expr: `sum by (type) (rate(prescient_xds_response_bytes_total[${R}]))`, legend: '{{type}}' }],
          },
          {
            title: 'istiod (MCP over xDS): pushes and NACKs by kind',
            description: 'Istio config sent to istiod and rejected by it (prescient_istio_pushes_total, prescient_istio_rejects_total); subscribers is the number of istiod streams.',
            unit: 'ops',
            targets: [
              { expr: `sum by (kind) (rate(prescient_istio_pushes_total[${R}]))`, legend: 'push {{kind}}' },
              { expr: `sum by (kind) (rate(prescient_istio_rejects_total[${R}]))`, legend: 'NACK {{kind}}' },
              { expr: 'sum(prescient_istio_subscribers)', legend: 'istiod streams' },
            ],
          },
        ],
      },
    ],
  },
  {
    file: 'prescient-rejects.json',
    uid: 'prescient-rejects',
    title: 'Prescient / Rejects and validation',
    description: 'What Prescient refused or clients rejected: config reloads, custom resources, rendered sets that failed validation, NACKs, refused streams, bad telemetry.',
    rows: [
      {
        title: 'Configuration',
        panels: [
          {
            title: 'Last reload succeeded',
            description: '0 on any replica means its last reload failed and the previous config keeps serving (prescient_config_last_reload_success).',
            type: 'stat',
            w: 6,
            targets: [{ expr: 'min(prescient_config_last_reload_success)', legend: 'last reload ok' }],
            min: 0,
            max: 1,
          },
          {
            title: 'Config reloads by result',
            description: 'Reloads of files and custom resources, success or error (prescient_config_reloads_total).',
            w: 9,
            unit: 'ops',
            targets: [{ expr: `sum by (result) (rate(prescient_config_reloads_total[${R}]))`, legend: '{{result}}' }],
          },
          {
            title: 'Rendered sets refused by validation',
            description: 'Resource sets that failed validation before publishing; clients keep the last good set (prescient_publish_rejected_total).',
            w: 9,
            unit: 'ops',
            targets: [{ expr: `sum(rate(prescient_publish_rejected_total[${R}]))`, legend: 'refused' }],
          },
          {
            title: 'Custom resources by kind and state',
            description: 'accepted; rejected (own errors, in status); refused (valid but the reload failed elsewhere) (prescient_config_custom_resources).',
            targets: [{ expr: 'max by (kind, state) (prescient_config_custom_resources)', legend: '{{kind}} {{state}}' }],
          },
          {
            title: 'Custom resource watches and status writes',
            description: 'Watches open per kind (1) or retrying (0), and status writes by result (prescient_config_custom_resource_watch_up, prescient_config_custom_resource_status_writes_total).',
            targets: [
              { expr: 'min by (kind) (prescient_config_custom_resource_watch_up)', legend: 'watch up {{kind}}' },
              { expr: `sum by (result) (rate(prescient_config_custom_resource_status_writes_total[${R}]))`, legend: 'status {{result}}/s' },
            ],
          },
        ],
      },
      {
        title: 'Clients and inputs',
        panels: [
          {
            title: 'NACKs by type',
            description: 'Responses clients rejected (prescient_xds_rejects_total; istiod: prescient_istio_rejects_total).',
            unit: 'ops',
            targets: [
              { expr: `sum by (type) (rate(prescient_xds_rejects_total[${R}]))`, legend: '{{type}}' },
              { expr: `sum by (kind) (rate(prescient_istio_rejects_total[${R}]))`, legend: 'istiod {{kind}}' },
            ],
          },
          {
            title: 'Streams refused and closed',
            description: 'New streams over the per-second cap, streams closed for protocol violations by reason, requests for unsupported types (prescient_xds_streams_refused_total, prescient_xds_protocol_errors_total, prescient_xds_unsupported_type_requests_total).',
            unit: 'ops',
            targets: [
              { expr: `sum(rate(prescient_xds_streams_refused_total[${R}]))`, legend: 'refused (cap)' },
              { expr: `sum by (reason) (rate(prescient_xds_protocol_errors_total[${R}]))`, legend: 'protocol: {{reason}}' },
              { expr: `sum by (protocol) (rate(prescient_xds_unsupported_type_requests_total[${R}]))`, legend: 'unsupported type ({{protocol}})' },
            ],
          },
          {
            title: 'Load reports by result',
            description: 'LRS reports accepted, or refused for identity (prescient_lrs_reports_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (result) (rate(prescient_lrs_reports_total[${R}]))`, legend: '{{result}}' }],
          },
          {
            title: 'Telemetry refused or dropped',
            description: 'Malformed or oversized input by source; valid input that could not be used by source and reason; values the feature store refused by reason (prescient_telemetry_rejected_total, prescient_telemetry_dropped_total, prescient_feature_store_rejected_total).',
            unit: 'ops',
            targets: [
              { expr: `sum by (source) (rate(prescient_telemetry_rejected_total[${R}]))`, legend: 'rejected {{source}}' },
              { expr: `sum by (source, reason) (rate(prescient_telemetry_dropped_total[${R}]))`, legend: 'dropped {{source}} {{reason}}' },
              { expr: `sum by (reason) (rate(prescient_feature_store_rejected_total[${R}]))`, legend: 'store {{reason}}' },
            ],
          },
          {
            title: 'Istio translation errors and refused istiod streams',
            description: 'Models the Istio translation failed on (istiod keeps the previous config) and streams refused Istio config by the access rules (prescient_istio_render_errors_total, prescient_istio_refused_total).',
            unit: 'ops',
            targets: [
              { expr: `sum(rate(prescient_istio_render_errors_total[${R}]))`, legend: 'render errors' },
              { expr: `sum(rate(prescient_istio_refused_total[${R}]))`, legend: 'refused streams' },
            ],
          },
        ],
      },
    ],
  },
  {
    file: 'prescient-weights.json',
    uid: 'prescient-weights',
    title: 'Prescient / Weights and scores',
    description: 'Per-endpoint weights pushed to clients, the scorer\'s weights and scores, and where endpoints come from.',
    rows: [
      {
        title: 'Weights',
        panels: [
          {
            title: 'Share of traffic pushed (effective weight / service total)',
            description: 'Each endpoint\'s share of its service\'s EDS weight as pushed, after WeightOverrides, health and decisions (prescient_endpoint_effective_weight).',
            unit: 'percentunit',
            stack: true,
            targets: [
              {
                expr: `max by (service, endpoint) (prescient_endpoint_effective_weight{${SVC}}) / on (service) group_left () sum by (service) (max by (service, endpoint) (prescient_endpoint_effective_weight{${SVC}}))`,
                legend: '{{service}} {{endpoint}}',
              },
            ],
            min: 0,
            max: 1,
          },
          {
            title: 'Effective weight pushed in EDS',
            description: 'Weight in EDS per endpoint (0 when not serving) (prescient_endpoint_effective_weight).',
            targets: [{ expr: `max by (service, endpoint) (prescient_endpoint_effective_weight{${SVC}})`, legend: '{{service}} {{endpoint}}' }],
          },
          {
            title: 'Scorer weight (before overrides and health)',
            description: 'Integer weight out of about 1000 per service the scorer computed (prescient_endpoint_weight; capped at 500 series).',
            targets: [{ expr: `max by (service, endpoint) (prescient_endpoint_weight{${SVC}})`, legend: '{{service}} {{endpoint}}' }],
          },
          {
            title: 'Endpoint score',
            description: 'Score 0..1 of each endpoint within its service (prescient_endpoint_score).',
            unit: 'percentunit',
            targets: [{ expr: `max by (service, endpoint) (prescient_endpoint_score{${SVC}})`, legend: '{{service}} {{endpoint}}' }],
            min: 0,
            max: 1,
          },
        ],
      },
      {
        title: 'Scorer and inputs',
        panels: [
          {
            title: 'Scoring ticks by role and result',
            description: 'Leader ticks compute, followers read the store (prescient_scorer_ticks_total); service scorings that kept their shares, by reason (prescient_scorer_shares_held_total: dead_band, or no_evidence when request-path differences are within their noise).',
            unit: 'ops',
            targets: [
              { expr: `sum by (role, result) (rate(prescient_scorer_ticks_total[${R}]))`, legend: '{{role}} {{result}}' },
              { expr: `sum by (reason) (rate(prescient_scorer_shares_held_total[${R}]))`, legend: 'held {{reason}}' },
            ],
          },
          {
            title: 'Leader tick time (p99)',
            description: 'Features, batched forecast, scores, weights and store write of one leader tick (prescient_scorer_tick_seconds).',
            unit: 's',
            targets: [{ expr: `histogram_quantile(0.99, sum by (le) (rate(prescient_scorer_tick_seconds_bucket[${R}])))`, legend: 'p99' }],
          },
          {
            title: 'Telemetry accepted by source',
            description: 'Observations accepted from LRS, the ingest API, Prometheus and probes (prescient_telemetry_accepted_total); probes by kind and result (prescient_probes_total).',
            unit: 'ops',
            targets: [
              { expr: `sum by (source) (rate(prescient_telemetry_accepted_total[${R}]))`, legend: '{{source}}' },
              { expr: `sum by (kind, result) (rate(prescient_probes_total[${R}]))`, legend: 'probe {{kind}} {{result}}' },
            ],
          },
          {
            title: 'Endpoints discovered from Kubernetes',
            description: 'EndpointSlice endpoints per Service by condition, and Services whose watch is failing (last known endpoints keep serving) (prescient_kube_discovery_endpoints, prescient_kube_discovery_stale).',
            targets: [
              { expr: 'max by (service, condition) (prescient_kube_discovery_endpoints)', legend: '{{service}} {{condition}}' },
              { expr: 'max by (service) (prescient_kube_discovery_stale) > 0', legend: 'stale {{service}}' },
            ],
          },
        ],
      },
    ],
  },
  {
    file: 'prescient-forecasts.json',
    uid: 'prescient-forecasts',
    title: 'Prescient / Forecasts vs actual',
    description: 'How far the forecasts the scorer acts on are from what was then observed, which forecaster is in use, and the model\'s life cycle.',
    rows: [
      {
        title: 'Forecast accuracy',
        panels: [
          {
            title: 'Latency forecast vs actual, per endpoint',
            description: 'The last latency forecasts whose target time came, by forecaster, beside the latency then observed (prescient_endpoint_forecast_latency_ms, prescient_endpoint_actual_latency_ms; capped at 500 endpoints).',
            unit: 'ms',
            w: 24,
            targets: [
              { expr: `max by (service, endpoint) (prescient_endpoint_actual_latency_ms{${SVC}})`, legend: 'actual {{service}} {{endpoint}}' },
              { expr: `max by (service, endpoint, forecaster) (prescient_endpoint_forecast_latency_ms{${SVC}})`, legend: '{{forecaster}} {{service}} {{endpoint}}' },
            ],
          },
          {
            title: 'Forecast error per endpoint',
            description: '|forecast − actual| / actual of the last forecast that came due, per endpoint and forecaster (prescient_endpoint_forecast_latency_ms against prescient_endpoint_actual_latency_ms).',
            unit: 'percentunit',
            targets: [
              {
                expr: `abs(max by (service, endpoint, forecaster) (prescient_endpoint_forecast_latency_ms{${SVC}}) - on (service, endpoint) group_left () max by (service, endpoint) (prescient_endpoint_actual_latency_ms{${SVC}})) / on (service, endpoint) group_left () max by (service, endpoint) (prescient_endpoint_actual_latency_ms{${SVC}})`,
                legend: '{{forecaster}} {{service}} {{endpoint}}',
              },
            ],
            min: 0,
          },
          {
            title: 'Forecast error vs actual, by forecaster',
            description: 'Mean tracked relative error |forecast − actual| / actual (1 − EWMA accuracy) over endpoints: model vs the EWMA fallback (prescient_forecast_error_ratio).',
            unit: 'percentunit',
            targets: [{ expr: 'max by (forecaster) (prescient_forecast_error_ratio)', legend: '{{forecaster}}' }],
            min: 0,
          },
          {
            title: 'Model advantage over the fallback',
            description: 'Fallback error minus model error: above zero the model forecasts actual load better than the EWMA baseline (prescient_forecast_error_ratio).',
            unit: 'percentunit',
            targets: [
              {
                expr: 'max(prescient_forecast_error_ratio{forecaster="fallback"}) - max(prescient_forecast_error_ratio{forecaster="model"})',
                legend: 'fallback − model',
              },
            ],
          },
          {
            title: 'Endpoints on the fallback forecaster',
            description: 'Endpoints forecast by the EWMA fallback because the model was less accurate there or failed (prescient_forecast_fallback_endpoints), and switches by reason (prescient_forecast_fallbacks_total).',
            targets: [
              { expr: 'max(prescient_forecast_fallback_endpoints)', legend: 'on fallback' },
              { expr: `sum by (reason) (rate(prescient_forecast_fallbacks_total[${R}]))`, legend: 'switches/s {{reason}}' },
            ],
          },
          {
            title: 'Inference time (p99) by forecaster',
            description: 'One batched forecast over all endpoints (prescient_forecast_inference_seconds).',
            unit: 's',
            targets: [{ expr: `histogram_quantile(0.99, sum by (le, forecaster) (rate(prescient_forecast_inference_seconds_bucket[${R}])))`, legend: '{{forecaster}}' }],
          },
        ],
      },
      {
        title: 'Model and actuals',
        panels: [
          {
            title: 'Model version in use',
            description: 'The forecast model version per replica (prescient_model_info).',
            type: 'stat',
            showName: true,
            targets: [{ expr: 'max by (version) (prescient_model_info)', legend: '{{version}}' }],
          },
          {
            title: 'Retrainings by trigger and result',
            description: 'Drift- or schedule-triggered retraining, swapped in or failed (prescient_model_retrains_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (reason, result) (rate(prescient_model_retrains_total[${R}]))`, legend: '{{reason}} {{result}}' }],
          },
          {
            title: 'Actuals arriving (observations/s by source)',
            description: 'What the forecasts are checked against: observations accepted per source (prescient_telemetry_accepted_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (source) (rate(prescient_telemetry_accepted_total[${R}]))`, legend: '{{source}}' }],
          },
          {
            title: 'Feature store',
            description: 'Series and endpoints held (prescient_feature_store_series, prescient_feature_store_endpoints).',
            targets: [
              { expr: 'max(prescient_feature_store_series)', legend: 'series' },
              { expr: 'max(prescient_feature_store_endpoints)', legend: 'endpoints' },
            ],
          },
        ],
      },
    ],
  },
  {
    file: 'prescient-failover.json',
    uid: 'prescient-failover',
    title: 'Prescient / Failover state',
    description: 'FailoverPolicy state per service, transitions and holds; which replica leads; store and discovery failures.',
    rows: [
      {
        title: 'Failover',
        panels: [
          {
            title: 'Failover state by service',
            description: 'The state each FailoverPolicy\'s service is in: primary, failing-over, on-shadow, verifying, failing-back (prescient_failover_state, exported by the failover leader).',
            type: 'state-timeline',
            w: 24,
            targets: [{ expr: 'max by (service, state) (prescient_failover_state) == 1', legend: '{{service}}: {{state}}' }],
          },
          {
            title: 'Transitions by state entered',
            description: 'Failover state changes (prescient_failover_transitions_total); each is also in the audit trail.',
            unit: 'short',
            targets: [{ expr: 'sum by (service, to) (increase(prescient_failover_transitions_total[$__range]))', legend: '{{service}} → {{to}}' }],
          },
          {
            title: 'Held by an operator',
            description: '1 while `prescient failover hold` freezes a service\'s machine (prescient_failover_held).',
            targets: [{ expr: 'max by (service) (prescient_failover_held)', legend: '{{service}}' }],
            min: 0,
            max: 1,
          },
        ],
      },
      {
        title: 'Replicas',
        panels: [
          {
            title: 'Scoring leader by replica',
            description: '1 on the replica holding the scoring lease (prescient_scorer_leader); exactly one should be 1.',
            targets: [{ expr: 'max by (instance) (prescient_scorer_leader)', legend: '{{instance}}' }],
            min: 0,
            max: 1,
          },
          {
            title: 'Score store errors by code',
            description: 'Failed shared-store operations (STORE_UNAVAILABLE, STORE_FENCED, STORE_CORRUPT) (prescient_score_store_errors_total).',
            unit: 'ops',
            targets: [{ expr: `sum by (code) (rate(prescient_score_store_errors_total[${R}]))`, legend: '{{code}}' }],
          },
          {
            title: 'EndpointSlice watch failures',
            description: 'Failed lists or watches (retried; endpoints stay as last known) (prescient_kube_discovery_watch_failures_total).',
            unit: 'ops',
            targets: [{ expr: `sum(rate(prescient_kube_discovery_watch_failures_total[${R}]))`, legend: 'failures' }],
          },
          {
            title: 'Build per replica',
            description: 'Version and Node.js of each running replica (prescient_build_info).',
            type: 'stat',
            showName: true,
            targets: [{ expr: 'max by (instance, version, node_version) (prescient_build_info)', legend: '{{instance}} {{version}}' }],
          },
        ],
      },
    ],
  },
];

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function panelJson(p: PanelSpec, id: number, x: number, y: number): object {
  const type = p.type ?? 'timeseries';
  const defaults: Record<string, unknown> = { unit: p.unit ?? 'short' };
  if (p.min !== undefined) defaults.min = p.min;
  if (p.max !== undefined) defaults.max = p.max;
  if (type === 'timeseries') defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: p.stack ? 30 : 10, showPoints: 'never', stacking: { mode: p.stack ? 'normal' : 'none', group: 'A' } };
  return {
    id,
    type,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: p.w ?? 12, x, y },
    fieldConfig: { defaults, overrides: [] },
    options: optionsOf(type, p),
    targets: p.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend ?? '__auto', range: true })),
  };
}

function optionsOf(type: PanelType, p: PanelSpec): object {
  const legend = { displayMode: 'list', placement: 'bottom', showLegend: true };
  switch (type) {
    case 'timeseries':
      return { legend, tooltip: { mode: 'multi', sort: 'desc' } };
    case 'stat':
      return { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: p.showName ? 'name' : 'value', colorMode: 'none', graphMode: 'none', justifyMode: 'auto' };
    case 'state-timeline':
      return { mergeValues: true, showValue: 'never', rowHeight: 0.9, legend, tooltip: { mode: 'single' } };
    default:
      return {};
  }
}

export function dashboardJson(d: DashboardSpec): object {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of d.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    for (const p of row.panels) {
      const w = p.w ?? 12;
      if (x + w > 24) {
        x = 0;
        y += 8;
      }
      panels.push(panelJson(p, id++, x, y));
      x += w;
    }
    y += 8;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['prescient'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        {
          name: 'service',
          label: 'Service',
          type: 'query',
          datasource: DATASOURCE,
          definition: 'label_values(prescient_endpoint_effective_weight, service)',
          query: { query: 'label_values(prescient_endpoint_effective_weight, service)', refId: 'PrometheusVariableQueryEditor-VariableQuery' },
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          refresh: 2,
          sort: 1,
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    links: [{ title: 'Prescient dashboards', type: 'dashboards', tags: ['prescient'], asDropdown: true }],
    panels,
  };
}

/** Repository-relative path → file content. */
export function generatedDashboards(): Map<string, string> {
  return new Map(DASHBOARDS.map((d) => [`${DASHBOARD_DIR}/${d.file}`, `${JSON.stringify(dashboardJson(d), null, 2)}\n`]));
}

export function dashboardDrift(root: string = REPO_ROOT): string[] {
  return [...generatedDashboards()].filter(([rel, text]) => !fs.existsSync(path.join(root, rel)) || fs.readFileSync(path.join(root, rel), 'utf8') !== text).map(([rel]) => rel);
}

function main(argv: readonly string[]): number {
  const drift = dashboardDrift();
  if (argv.includes('--check')) {
    for (const rel of drift) console.error(`out of date: ${rel} (run npm run gen:dashboards)`);
    return drift.length ? 1 : 0;
  }
  const wanted = generatedDashboards();
  for (const rel of drift) {
    fs.mkdirSync(path.dirname(path.join(REPO_ROOT, rel)), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, rel), wanted.get(rel)!);
    console.log(`wrote ${rel}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
