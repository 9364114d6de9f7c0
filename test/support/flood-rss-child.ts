/**
 * Run in a child process by test/scorer/telemetry/flood-rss.test.ts (its own heap, so other tests'
 * garbage does not blur the numbers): measures RSS around (1) twenty POSTs of 10,000 made-up
 * endpoints to the ingest API and (2) a flood of real endpoints' series that a sweep then frees.
 * Prints one JSON line of MB values.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeshConfig, ServiceDocument } from '../../api/config.ts';
import { RingFeatureStore } from '../../scorer/features/ring-feature-store.ts';
import { createIngestHandler } from '../../scorer/telemetry/ingest-api.ts';
import { KnownEndpoints } from '../../scorer/telemetry/known-endpoints.ts';

const REAL = 100_000;
const mb = (): number => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};
const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const doc = { kind: 'Service', metadata: { name: 'web' }, spec: { endpoints: Array.from({ length: REAL }, (_, i) => ({ address: address(i), port: 80 })) } } as unknown as ServiceDocument;
const config: MeshConfig = { services: new Map([['web', doc]]), routes: new Map(), weightOverrides: [], scoringPolicies: new Map() };
const store = new RingFeatureStore();
const handler = createIngestHandler({ store, known: new KnownEndpoints(config), maxBodyBytes: 8 * 1024 * 1024 });
const server = http.createServer((req, res) => void handler(req, res, new URL(req.url!, 'http://x')));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const post = (body: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/telemetry', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });

const baseline = mb();
const statuses = new Set<number>();
for (let i = 0; i < 20; i++) {
  const observations = Array.from({ length: 10_000 }, (_, j) => ({ service: `made-up-${i}`, endpoint: `${address(j)}:9`, metrics: { error_rate: 1, rps: 100, latency_ms: 5 } }));
  statuses.add(await post(JSON.stringify({ observations })));
}
const afterJunk = mb();
const now = Date.now();
for (let i = 0; i < REAL; i++) store.record({ service: 'web', endpoint: `${address(i)}:80`, at: now, metrics: { rps: 1, error_rate: 0, latency_ms: 3 } });
const afterReal = mb();
store.sweep(now + store.retentionMs + 60_000);
const afterSweep = mb();
server.close();
console.log(JSON.stringify({ baseline, afterJunk, afterReal, afterSweep, junkStatuses: [...statuses], ringBytesAfterSweep: store.ringBytes }));
