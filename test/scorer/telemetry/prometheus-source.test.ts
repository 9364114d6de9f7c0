import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { PrometheusSource } from '../../../scorer/telemetry/prometheus-source.ts';
import { registry } from '../../../scorer/metrics.ts';
import { PrometheusServer } from './prometheus-server.ts';

/** Serves `body` on every path: the /metrics endpoint Prometheus scrapes, or a fake API answer. */
async function serve(body: () => string, contentType = 'text/plain; version=0.0.4'): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType });
    res.end(body());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function errorCount(code: string): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'prescient_prometheus_source_errors_total');
  return Number(m?.values.find((v) => v.labels.code === code)?.value ?? 0);
}

describe('PrometheusSource against a real Prometheus', function () {
  this.timeout(60_000);
  const prometheus = new PrometheusServer();
  let app: { server: http.Server; address: string };
  let store: RingFeatureStore;

  before(async () => {
    app = await serve(() =>
      [
        '# TYPE app_latency_ms gauge',
        'app_latency_ms{service="checkout",endpoint="10.0.0.1:8080"} 12.5',
        'app_latency_ms{service="checkout",endpoint="10.0.0.2:8080"} 48',
        'app_latency_ms{service="checkout"} 7',
        'app_broken{service="checkout",endpoint="10.0.0.3:8080"} NaN',
        'app_cpu_percent{service="checkout",endpoint="10.0.0.1:8080"} 85',
        '',
      ].join('\n'),
    );
    await prometheus.start([app.address]);
    await prometheus.waitForData('app_latency_ms');
  });
  after(async () => {
    await prometheus.stop();
    await stopServer(app.server);
  });
  beforeEach(() => {
    store = new RingFeatureStore();
  });

  it('maps result labels to service and endpoint and records the metric', async () => {
    const source = new PrometheusSource({
      url: prometheus.url,
      store,
      queries: [
        { name: 'latency', query: 'app_latency_ms', metric: 'latency_ms', endpointLabel: 'endpoint' },
        { name: 'up', query: 'up{job="app"}', metric: 'custom:up', service: 'scraped' },
      ],
    });
    const [latency, up] = await source.pollOnce();
    assert.deepEqual(latency, { name: 'latency', recorded: 2, skipped: 1 }, 'the sample without an endpoint label is skipped');
    assert.equal(store.latest('checkout', '10.0.0.1:8080', 'latency_ms')?.value, 12.5);
    assert.equal(store.latest('checkout', '10.0.0.2:8080', 'latency_ms')?.value, 48);
    const at = store.latest('checkout', '10.0.0.1:8080', 'latency_ms')!.at;
    assert.ok(Math.abs(at - Date.now()) < 60_000, 'observation time is the evaluation time Prometheus returned');
    assert.equal(up!.recorded, 1);
    assert.equal(store.latest('scraped', app.address, 'custom:up')?.value, 1, 'the instance label is the endpoint by default');
  });

  it('skips non-finite samples', async () => {
    const source = new PrometheusSource({ url: prometheus.url, store, queries: [{ query: 'app_broken', metric: 'rps', endpointLabel: 'endpoint' }] });
    const [outcome] = await source.pollOnce();
    assert.deepEqual(outcome, { name: 'app_broken', recorded: 0, skipped: 1 });
  });

  it('refuses values a metric cannot take (a cpu query in percent) instead of storing them', async () => {
    await prometheus.waitForData('app_cpu_percent');
    const source = new PrometheusSource({ url: prometheus.url, store, queries: [{ query: 'app_cpu_percent', metric: 'cpu', endpointLabel: 'endpoint' }] });
    const [outcome] = await source.pollOnce();
    assert.deepEqual(outcome, { name: 'app_cpu_percent', recorded: 0, skipped: 1 });
    assert.equal(store.latest('checkout', '10.0.0.1:8080', 'cpu'), undefined);
    const fraction = new PrometheusSource({ url: prometheus.url, store, queries: [{ query: 'app_cpu_percent / 100', metric: 'cpu', endpointLabel: 'endpoint' }] });
    assert.equal((await fraction.pollOnce())[0]!.recorded, 1);
  });

  it('reports query errors and range vectors with stable codes instead of throwing', async () => {
    const before = await errorCount('PROM_QUERY_ERROR');
    const source = new PrometheusSource({
      url: `${prometheus.url}/`,
      store,
      queries: [
        { name: 'syntax', query: 'sum(', metric: 'rps' },
        { name: 'range', query: 'app_latency_ms[1m]', metric: 'rps' },
      ],
    });
    const [syntax, range] = await source.pollOnce();
    assert.equal(syntax!.error?.code, 'PROM_QUERY_ERROR');
    assert.match(syntax!.error!.message, /^bad_data: /);
    assert.equal(range!.error?.code, 'PROM_UNSUPPORTED_RESULT');
    assert.equal(await errorCount('PROM_QUERY_ERROR'), before + 1);
  });

  it('survives an unreachable server and a server that is not Prometheus, and keeps polling', async () => {
    const impostor = await serve(() => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: 'x' }] } }), 'application/json');
    const html = await serve(() => '<html>proxy error</html>', 'text/html');
    await stopServer(html.server);
    const down = `http://${html.address}`;
    try {
      const bad = new PrometheusSource({ url: `http://${impostor.address}`, store, queries: [{ query: 'x', metric: 'rps' }] });
      const [shape] = await bad.pollOnce();
      assert.equal(shape!.error?.code, 'PROM_BAD_RESPONSE');
      assert.match(shape!.error!.message, /\/0\/value/);

      let timerSet!: () => void;
      const timers = {
        setTimeout: (fn: () => void) => ((timerSet = fn), 1),
        clearTimeout: () => {},
      };
      const before = await errorCount('PROM_UNREACHABLE');
      const unreachable = new PrometheusSource({ url: down, store, queries: [{ query: 'up', metric: 'rps' }], timers, timeoutMs: 2000 });
      unreachable.start();
      while (!timerSet) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await errorCount('PROM_UNREACHABLE'), before + 1, 'the failed poll was counted and the next one scheduled');
      unreachable.stop();
    } finally {
      await stopServer(impostor.server);
    }
  });
});
