import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { createIngestHandler, type IngestApiOptions } from '../../../scorer/telemetry/ingest-api.ts';
import { registry } from '../../../scorer/metrics.ts';

const NOW = 1_700_000_000_000;
const TOKEN = 's3cret';

interface Reply {
  status: number;
  body: any;
}

/** One request over a real socket; `chunked` streams the body without a Content-Length. */
function post(port: number, path: string, body: string | Buffer, headers: Record<string, string> = {}, chunked = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    if (!chunked) req.setHeader('content-length', Buffer.byteLength(body));
    // The server may answer 413 before the body is written; a reset afterwards is not the test's concern.
    req.on('socket', (s) => s.on('error', () => {}));
    req.end(body);
  });
}

async function rejectedCount(): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'prescient_telemetry_rejected_total');
  return Number(m?.values.find((v) => v.labels.source === 'ingest_api')?.value ?? 0);
}

describe('ingest API over HTTP', () => {
  let server: http.Server;
  let port: number;
  let store: RingFeatureStore;

  async function start(options: Partial<IngestApiOptions> = {}): Promise<void> {
    store = new RingFeatureStore({ maxCustomMetricsPerEndpoint: 1 });
    const handler = createIngestHandler({ store, bearerToken: TOKEN, maxBodyBytes: 4096, clock: { now: () => NOW }, ...options });
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (!(await handler(req, res, url))) {
        res.writeHead(404);
        res.end('null');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const auth = { authorization: `Bearer ${TOKEN}` };
  const good = JSON.stringify({
    observations: [
      { service: 'checkout', endpoint: '10.0.0.1:8080', at: NOW - 1000, metrics: { latency_ms: 12.5, error_rate: 0.01, 'custom:queue_depth': 4 } },
      { service: 'checkout', endpoint: '[fd00::2]:8080', metrics: { rps: 120 } },
    ],
  });

  it('accepts a good batch into the store', async () => {
    await start();
    const reply = await post(port, '/v1/telemetry', good, auth);
    assert.deepEqual(reply, { status: 202, body: { accepted: 2, rejectedValues: 0 } });
    assert.equal(store.latest('checkout', '10.0.0.1:8080', 'latency_ms')?.value, 12.5);
    assert.equal(store.latest('checkout', '10.0.0.1:8080', 'custom:queue_depth')?.value, 4);
    assert.deepEqual(store.latest('checkout', '[fd00::2]:8080', 'rps'), { value: 120, at: NOW }, '`at` defaults to receipt');
  });

  it('records cost rates as cost_per_hour', async () => {
    await start();
    const reply = await post(port, '/v1/cost', JSON.stringify({ rates: [{ service: 'checkout', endpoint: '10.0.0.1:8080', perHour: 0.42 }] }), auth);
    assert.equal(reply.status, 202);
    assert.equal(Math.round(store.latest('checkout', '10.0.0.1:8080', 'cost_per_hour')!.value * 100) / 100, 0.42);
  });

  it('reports values the store refused (custom metric cap) without failing the batch', async () => {
    await start();
    const body = JSON.stringify({ observations: [{ service: 's', endpoint: 'a:1', metrics: { 'custom:a': 1, 'custom:b': 2, rps: 3 } }] });
    assert.deepEqual((await post(port, '/v1/telemetry', body, auth)).body, { accepted: 1, rejectedValues: 1 });
  });

  it('refuses malformed batches with the exact path and message, and keeps serving', async () => {
    await start();
    const before = await rejectedCount();
    const bad = JSON.stringify({
      observations: [
        { service: 'checkout', endpoint: '10.0.0.1:8080', metrics: { latency_ms: 3 } },
        { service: 'checkout', endpoint: '10.0.0.1', metrics: { loss: 1.5, latency: 3, 'custom:Bad-Name': 1 } },
      ],
    });
    const reply = await post(port, '/v1/telemetry', bad, auth);
    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.code, 'TELEMETRY_INVALID');
    const details = reply.body.error.details as { path: string; message: string }[];
    const byPath = new Map(details.map((d) => [d.path, d.message]));
    assert.match(byPath.get('/observations/1/endpoint')!, /must match pattern/);
    assert.equal(byPath.get('/observations/1/metrics/loss'), 'must be <= 1');
    assert.match(byPath.get('/observations/1/metrics/latency')!, /^unknown metric "latency": known metrics are latency_ms, /);
    assert.match(byPath.get('/observations/1/metrics/custom:Bad-Name')!, /unknown metric/);
    assert.deepEqual(store.endpoints('checkout'), [], 'a bad batch stores nothing');

    const missing = await post(port, '/v1/telemetry', JSON.stringify({ observations: [{ service: 'x', metrics: { rps: 1 } }] }), auth);
    assert.deepEqual(missing.body.error.details, [{ path: '/observations/0/endpoint', message: 'is required' }]);

    const notJson = await post(port, '/v1/telemetry', '{"observations": [', auth);
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'TELEMETRY_BAD_JSON');

    const future = JSON.stringify({ observations: [{ service: 's', endpoint: 'a:1', at: NOW + 3_600_000, metrics: { rps: 1 } }] });
    const ahead = await post(port, '/v1/telemetry', future, auth);
    assert.equal(ahead.status, 400);
    assert.equal(ahead.body.error.details[0].path, '/observations/0/at');

    assert.equal(await rejectedCount(), before + 4);
    assert.equal((await post(port, '/v1/telemetry', good, auth)).status, 202);
  });

  it('refuses bodies over the limit, declared or streamed, with 413', async () => {
    await start();
    const big = JSON.stringify({ observations: [{ service: 's'.repeat(5000), endpoint: 'a:1', metrics: { rps: 1 } }] });
    const declared = await post(port, '/v1/telemetry', big, auth);
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error.code, 'TELEMETRY_TOO_LARGE');
    const streamed = await post(port, '/v1/telemetry', big, auth, true);
    assert.equal(streamed.status, 413);
    assert.equal((await post(port, '/v1/telemetry', good, auth)).status, 202, 'still serving');
  });

  it('requires the bearer token when one is configured', async () => {
    await start();
    const none = await post(port, '/v1/telemetry', good);
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'TELEMETRY_UNAUTHORIZED');
    assert.equal((await post(port, '/v1/telemetry', good, { authorization: 'Bearer wrong' })).status, 401);
    assert.deepEqual(store.endpoints('checkout'), []);
  });

  it('refuses other methods and media types, and leaves other paths to the next handler', async () => {
    await start({ bearerToken: undefined });
    assert.equal((await post(port, '/v1/telemetry', good, { 'content-type': 'text/plain' })).status, 415);
    const get = await new Promise<number>((resolve) => http.get({ host: '127.0.0.1', port, path: '/v1/cost' }, (res) => (res.resume(), resolve(res.statusCode!))));
    assert.equal(get, 405);
    assert.equal((await post(port, '/v1/other', good)).status, 404);
  });
});
