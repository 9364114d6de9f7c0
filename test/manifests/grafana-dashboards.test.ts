/**
 * The Grafana dashboards in manifests/grafana/ ask only for what Prescient exports, and work:
 *   - they are what scripts/gen-dashboards.ts generates, and well-formed Grafana JSON;
 *   - every query (panel targets and the `$service` variable's label_values) is parsed by the
 *     Prometheus project's PromQL grammar, and every metric it names is one a running Prescient
 *     exposes on /metrics (histograms as _bucket/_sum/_count);
 *   - a real Prometheus scrapes a running Prescient that serves real xDS clients, scores their
 *     load reports, reloads its config (once badly) and fails a service over: every query
 *     evaluates without error through /api/v1/query, and the core panels return data.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dashboardDrift, DASHBOARD_DIR, REPO_ROOT } from '../../scripts/gen-dashboards.ts';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { scoredMesh } from '../support/meshes.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { expandGrafanaVariables, exposedMetricNames, metricNamesOf } from '../support/promql-metrics.ts';
import { SteadyLoad } from '../support/steady-load.ts';
import { EchoClient } from '../support/xds-channel.ts';
import { PrometheusServer } from '../scorer/telemetry/prometheus-server.ts';

interface Query {
  dashboard: string;
  panel: string;
  expr: string;
}

const DIR = path.join(REPO_ROOT, DASHBOARD_DIR);
const FILES = fs.readdirSync(DIR).filter((n) => n.endsWith('.json')).sort();
const DASHBOARDS = FILES.map((f) => ({ file: f, json: JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) }));

function queries(): Query[] {
  return DASHBOARDS.flatMap(({ json }) =>
    json.panels.filter((p: any) => p.type !== 'row').flatMap((p: any) => p.targets.map((t: any) => ({ dashboard: json.title, panel: p.title, expr: t.expr as string }))),
  );
}

/** The metric in each `label_values(metric, label)` variable query. */
function variableMetrics(): string[] {
  return DASHBOARDS.flatMap(({ json }) =>
    json.templating.list.filter((v: any) => v.type === 'query').map((v: any) => {
      const m = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*), *[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(v.definition);
      assert.ok(m, `${json.title}: variable ${v.name} is a label_values(metric, label) query`);
      return m[1]!;
    }),
  );
}

/** Panels that must show data in the scenario below: the core of each dashboard. */
const CORE_PANELS: Record<string, string[]> = {
  'Prescient / Convergence': ['Convergence time (p50, p99)', 'Push time (p50, p99)', 'Versions acknowledged (ACKs/s by type)', 'Responses sent (by type)', 'What triggers pushes', 'Connected xDS streams', 'Subscriptions by type'],
  'Prescient / Rejects and validation': ['Last reload succeeded', 'Config reloads by result', 'Load reports by result'],
  'Prescient / Weights and scores': ['Share of traffic pushed (effective weight / service total)', 'Effective weight pushed in EDS', 'Scorer weight (before overrides and health)', 'Endpoint score', 'Scoring ticks by role and result', 'Leader tick time (p99)', 'Telemetry accepted by source'],
  'Prescient / Forecasts vs actual': ['Latency forecast vs actual, per endpoint', 'Forecast error per endpoint', 'Forecast error vs actual, by forecaster', 'Inference time (p99) by forecaster', 'Model version in use', 'Actuals arriving (observations/s by source)', 'Feature store'],
  'Prescient / Failover state': ['Failover state by service', 'Transitions by state entered', 'Held by an operator', 'Scoring leader by replica', 'Build per replica'],
};

describe('Grafana dashboards (manifests/grafana)', function () {
  this.timeout(180_000);

  it('are what npm run gen:dashboards writes', () => {
    assert.deepEqual(dashboardDrift(), [], 'run npm run gen:dashboards and commit the result');
    assert.deepEqual(FILES, ['prescient-convergence.json', 'prescient-failover.json', 'prescient-forecasts.json', 'prescient-rejects.json', 'prescient-weights.json']);
  });

  it('are well-formed: unique uids and panel ids, a Prometheus datasource variable, a query on every panel', () => {
    assert.equal(new Set(DASHBOARDS.map((d) => d.json.uid)).size, DASHBOARDS.length);
    for (const { file, json } of DASHBOARDS) {
      const ids = json.panels.map((p: any) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: panel ids`);
      assert.ok(json.templating.list.some((v: any) => v.name === 'datasource' && v.type === 'datasource' && v.query === 'prometheus'), file);
      for (const p of json.panels.filter((p: any) => p.type !== 'row')) {
        assert.ok(p.targets.length > 0 && p.targets.every((t: any) => t.expr && t.refId), `${file}: ${p.title}`);
        assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, `${file}: ${p.title}`);
        assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${file}: ${p.title} fits the grid`);
      }
    }
    for (const [title, panels] of Object.entries(CORE_PANELS)) {
      const dashboard = DASHBOARDS.find((d) => d.json.title === title);
      assert.ok(dashboard, title);
      for (const panel of panels) assert.ok(dashboard.json.panels.some((p: any) => p.title === panel), `${title}: ${panel}`);
    }
  });

  it('parse every query with the PromQL grammar (and the extractor catches what it must)', () => {
    for (const q of queries()) {
      const { names, problems } = metricNamesOf(expandGrafanaVariables(q.expr, { rateInterval: '1m', range: '1h' }));
      assert.deepEqual(problems, [], `${q.dashboard} / ${q.panel}: ${q.expr}`);
      assert.ok(names.length > 0, `${q.dashboard} / ${q.panel} reads no metric`);
    }
    assert.deepEqual(metricNamesOf('sum(rate(a_total[1m])) / on (x) group_left () b{c="d"} + {__name__="e"}').names, ['a_total', 'b', 'e']);
    assert.ok(metricNamesOf('{__name__=~"prescient_.*"}').problems.length > 0);
    assert.ok(metricNamesOf('sum(rate(a_total[1m])').problems.length > 0);
  });

  describe('against a running Prescient and a real Prometheus', () => {
    let backends: BackendServer[];
    let h: PrescientHarness;
    let clients: EchoClient[];
    let load: SteadyLoad;
    let prometheus: PrometheusServer;
    let docs: DocSpec[];

    before(async function () {
      this.timeout(120_000);
      backends = await startBackends(['s1', 's2', 's3', 'standby']);
      // A FailoverPolicy whose primary listens nowhere: it fails over to the standby.
      const deadPort = await freePort();
      docs = [
        ...scoredMesh(backends.slice(0, 3)),
        {
          kind: 'Service',
          name: 'payments',
          spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: deadPort }, { address: '127.0.0.1', port: backends[3]!.port, priority: 1 }] },
        },
        { kind: 'FailoverPolicy', name: 'payments', spec: { service: 'payments', probeInterval: '100ms', probeTimeout: '200ms' } },
      ];
      h = await PrescientHarness.start(docs, { scorer: {}, lrsIntervalMs: 1000 });
      prometheus = new PrometheusServer();
      await prometheus.start([`127.0.0.1:${h.prescient.adminPort}`]);
      clients = [new EchoClient('xds:///scored', h.xdsPort), new EchoClient('xds:///scored', h.xdsPort)];
      load = new SteadyLoad(clients, 4);
      // A good reload and a bad one (the previous config keeps serving), then the good one back.
      await h.writeConfig([...docs, { kind: 'WeightOverride', name: 'cap', spec: { service: 'scored', endpoint: `127.0.0.1:${backends[0]!.port}`, ceiling: 900, reason: 'dashboard test' } }]);
      await eventually(async () => /prescient_config_reloads_total\{result="success"\} [1-9]/.test((await h.admin('/metrics')).body), 10_000);
      await h.writeConfig('kind: [');
      await eventually(async () => /prescient_config_reloads_total\{result="error"\} [1-9]/.test((await h.admin('/metrics')).body), 10_000);
      await h.writeConfig(docs);
      await eventually(async () => /prescient_failover_transitions_total\{[^}]*\} [1-9]/.test((await h.admin('/metrics')).body), 20_000, 200, 'a failover transition');
      await prometheus.waitForData('prescient_endpoint_weight');
      // Rates over the 10 s window the queries below use need a few scrapes of the activity.
      await new Promise((r) => setTimeout(r, 12_000));
    });

    after(async () => {
      await load?.stop();
      for (const c of clients ?? []) c.close();
      await prometheus?.stop();
      await h?.stop();
      await Promise.all((backends ?? []).map((b) => b.stop()));
    });

    it('every metric a query names is one Prescient exposes on /metrics', async () => {
      const exposed = exposedMetricNames((await h.admin('/metrics')).body);
      assert.ok(exposed.has('prescient_xds_convergence_seconds_bucket') && !exposed.has('prescient_xds_convergence_seconds'), 'histograms as their series');
      const unknown = [
        ...queries().flatMap((q) => metricNamesOf(expandGrafanaVariables(q.expr, { rateInterval: '1m', range: '1h' })).names.filter((n) => !exposed.has(n)).map((n) => `${q.dashboard} / ${q.panel}: ${n}`)),
        ...variableMetrics().filter((n) => !exposed.has(n)).map((n) => `variable: ${n}`),
      ];
      assert.deepEqual(unknown, []);
      assert.equal(exposed.has('prescient_no_such_metric_total'), false);
    });

    it('every query evaluates without error on Prometheus, and the core panels return data', async () => {
      const empty: string[] = [];
      for (const q of queries()) {
        const expr = expandGrafanaVariables(q.expr, { rateInterval: '10s', range: '1m' });
        const res = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
        const body = (await res.json()) as { status: string; error?: string; warnings?: string[]; data?: { result: unknown[] } };
        assert.equal(body.status, 'success', `${q.dashboard} / ${q.panel}: ${expr}: ${body.error}`);
        assert.deepEqual(body.warnings ?? [], [], `${q.dashboard} / ${q.panel}`);
        if ((body.data?.result.length ?? 0) === 0) empty.push(`${q.dashboard} / ${q.panel}`);
      }
      const panelsWithData = new Set(queries().map((q) => `${q.dashboard} / ${q.panel}`).filter((k) => !empty.includes(k)));
      const missing = Object.entries(CORE_PANELS).flatMap(([d, panels]) => panels.map((p) => `${d} / ${p}`)).filter((k) => !panelsWithData.has(k));
      assert.deepEqual(missing, [], `core panels without data (all empty: ${JSON.stringify(empty)})`);
    });

    it('a query naming a metric Prescient does not export would be caught here', async () => {
      const res = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: 'sum(rate(prescient_no_such_metric_total[10s]))' })}`);
      const body = (await res.json()) as { status: string; data: { result: unknown[] } };
      assert.equal(body.status, 'success');
      assert.deepEqual(body.data.result, [], 'Prometheus answers an unknown metric with no data, not an error: hence the /metrics check above');
    });
  });
});
