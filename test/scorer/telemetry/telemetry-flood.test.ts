import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeshConfig, ServiceDocument } from '../../../api/config.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { createIngestHandler } from '../../../scorer/telemetry/ingest-api.ts';
import { KnownEndpoints } from '../../../scorer/telemetry/known-endpoints.ts';
import { LoadReportAdapter } from '../../../scorer/telemetry/load-reports.ts';
import { SourceBudget } from '../../../scorer/telemetry/source-budget.ts';
import { registry } from '../../../scorer/metrics.ts';

const NOW = 1_700_000_000_000;

/** A config with one Service `web` whose endpoints are 10.0.0.1..n:8080. */
function meshWith(endpoints: number): MeshConfig {
  const doc = {
    apiVersion: 'prescient.dev/v1alpha1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { endpoints: Array.from({ length: endpoints }, (_, i) => ({ address: `10.0.0.${i + 1}`, port: 8080 })) },
  } as unknown as ServiceDocument;
  return { services: new Map([['web', doc]]), routes: new Map(), weightOverrides: [], scoringPolicies: new Map() };
}

async function dropped(source: string, reason: string): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'prescient_telemetry_dropped_total');
  return Number(m?.values.find((v) => v.labels.source === source && v.labels.reason === reason)?.value ?? 0);
}

function post(port: number, body: unknown): Promise<{ status: number; body: any; headers: http.IncomingHttpHeaders }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/telemetry', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('telemetry floods', () => {
  let server: http.Server;
  let port: number;
  let store: RingFeatureStore;
  let now: number;
  const known = new KnownEndpoints(meshWith(3));

  beforeEach(async () => {
    now = NOW;
    store = new RingFeatureStore();
    const handler = createIngestHandler({ store, known, budget: new SourceBudget({ perWindow: 50, windowMs: 60_000, clock: { now: () => now } }), maxBodyBytes: 4 * 1024 * 1024, clock: { now: () => now } });
    server = http.createServer((req, res) => void handler(req, res, new URL(req.url!, 'http://x')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a batch naming made-up endpoints with 422 TELEMETRY_UNKNOWN_ENDPOINT, storing nothing, and counts them', async () => {
    const before = await dropped('ingest_api', 'unknown_endpoint');
    const res = await post(port, {
      observations: [
        { service: 'web', endpoint: '10.0.0.1:8080', metrics: { error_rate: 1 } },
        { service: 'web', endpoint: '10.9.9.9:8080', metrics: { error_rate: 1 } },
        { service: 'ghost', endpoint: '10.0.0.1:8080', metrics: { error_rate: 1 } },
      ],
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'TELEMETRY_UNKNOWN_ENDPOINT');
    assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['/observations/1', '/observations/2']);
    assert.equal(store.seriesCount, 0);
    assert.equal((await dropped('ingest_api', 'unknown_endpoint')) - before, 2);
    const ok = await post(port, { observations: [{ service: 'web', endpoint: '10.0.0.1:8080', metrics: { error_rate: 0.5 } }] });
    assert.equal(ok.status, 202);
    assert.equal(store.seriesCount, 1);
  });

  it('keeps a per-client budget: over it, 429 with Retry-After; it refills with time', async () => {
    const batch = (n: number) => ({ observations: Array.from({ length: n }, () => ({ service: 'web', endpoint: '10.0.0.2:8080', metrics: { rps: 1 } })) });
    assert.equal((await post(port, batch(40))).status, 202);
    const over = await post(port, batch(20));
    assert.equal(over.status, 429);
    assert.equal(over.body.error.code, 'TELEMETRY_RATE_LIMITED');
    assert.ok(Number(over.headers['retry-after']) >= 1);
    assert.equal((await post(port, batch(10))).status, 202, 'what still fits is accepted');
    now += 60_000;
    assert.equal((await post(port, batch(50))).status, 202);
  });

  it('creates no series for twenty POSTs of 10,000 made-up endpoints each', async () => {
    for (let i = 0; i < 20; i++) {
      const observations = Array.from({ length: 10_000 }, (_, j) => ({ service: `svc-${i}`, endpoint: `10.${i}.${j >> 8}.${j & 255}:80`, metrics: { error_rate: 1 } }));
      assert.equal((await post(port, { observations })).status, 422);
    }
    assert.equal(store.seriesCount, 0);
    assert.deepEqual(store.serviceNames(), []);
  });

  it('drops load reports for endpoints the config does not define before keeping any state', async () => {
    const before = await dropped('lrs', 'unknown_endpoint');
    const adapter = new LoadReportAdapter({ store, known });
    const report = (cluster: string, endpoint: string) => ({
      nodeId: 'n',
      cluster,
      endpoint,
      locality: { region: '', zone: '', subZone: '' },
      intervalMs: 10_000,
      receivedAt: NOW,
      successfulRequests: 0,
      errorRequests: 100,
      issuedRequests: 100,
      inProgressRequests: 0,
      loadMetrics: {},
    });
    adapter.onLoadReport(report('web', '10.0.0.3:8080'));
    adapter.onLoadReport(report('web', '192.168.0.1:8080'));
    adapter.onLoadReport(report('made-up', '10.0.0.3:8080'));
    assert.deepEqual(store.endpoints('web'), ['10.0.0.3:8080']);
    assert.deepEqual(store.serviceNames(), ['web']);
    assert.equal((await dropped('lrs', 'unknown_endpoint')) - before, 2);
  });
});

describe('feature store budgets', () => {
  it('keeps half the series budget for fixed metrics: custom metrics cannot crowd them out', () => {
    const store = new RingFeatureStore({ maxSeries: 10 });
    for (let i = 0; i < 10; i++) store.record({ service: 'web', endpoint: `e${i}`, at: NOW, metrics: { 'custom:junk': 1 } as never });
    assert.equal(store.seriesCount, 5);
    for (let i = 0; i < 5; i++) assert.equal(store.record({ service: 'web', endpoint: `e${i}`, at: NOW, metrics: { rps: 1 } }), 0);
    assert.equal(store.seriesCount, 10);
  });

  it('returns ring memory after a sweep frees a flood of series', () => {
    const store = new RingFeatureStore({ retentionMs: 10_000 });
    for (let i = 0; i < 2_000; i++) store.record({ service: 'web', endpoint: `e${i}`, at: NOW, metrics: { rps: 1 } });
    const grown = store.ringBytes;
    assert.ok(grown >= 2_000 * 10 * 5, `rings hold ${grown} bytes`);
    store.record({ service: 'web', endpoint: 'live', at: NOW + 60_000, metrics: { rps: 1 } });
    assert.equal(store.sweep(NOW + 60_000), 2_000);
    assert.ok(store.ringBytes <= 256 * 10 * 5, `after the sweep rings still hold ${store.ringBytes} bytes`);
  });
});
