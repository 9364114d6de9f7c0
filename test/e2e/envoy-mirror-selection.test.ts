/**
 * MirrorRule selections for real through Envoy 1.40: a rule copying only `POST /orders/*` (and
 * one copying requests with header `x-tenant: acme` and a path matching an RE2 regex) to a real
 * recording server. Every kind of request is sent; the target must see exactly the selected ones,
 * with the `-shadow` host suffix, and the client every answer from the primary. Then a Service's
 * shadow template with `event` fidelity: its shadow gets exactly the state-changing requests.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { HttpBackend } from '../support/http-backends.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { RecordingHttpServer } from '../support/recording-http-server.ts';

describe('e2e: mirror selection by path, method and header through Envoy 1.40', function () {
  this.timeout(60_000);
  let primary: HttpBackend;
  let writes: RecordingHttpServer;
  let tenant: RecordingHttpServer;
  let shadow: RecordingHttpServer;
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });

  const send = (method: string, path: string, headers: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, timeout: 5000, headers: { host: 'front', ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(`${res.statusCode} ${body}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.end(['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined);
    });

  const http1 = (name: string, p: number): DocSpec => ({ kind: 'Service', name, spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: p }] } });

  before(async () => {
    primary = new HttpBackend('primary');
    writes = new RecordingHttpServer('writes');
    tenant = new RecordingHttpServer('tenant');
    shadow = new RecordingHttpServer('shadow');
    await Promise.all([primary.start(), writes.start(), tenant.start(), shadow.start()]);
    port = await freePort();
    h = await PrescientHarness.start([
      http1('primary', primary.port),
      http1('writes', writes.port),
      http1('tenant', tenant.port),
      { kind: 'Route', name: 'front', spec: { hosts: ['front'], listener: { address: '127.0.0.1', port }, rules: [{ backends: [{ service: 'primary' }], timeout: '10s' }] } },
      { kind: 'MirrorRule', name: 'order-writes', spec: { service: 'primary', match: { prefix: '/orders/', methods: ['POST'] }, targets: [{ service: 'writes', percent: 100 }] } },
      { kind: 'MirrorRule', name: 'acme-items', spec: { service: 'primary', match: { regex: '/orders/[0-9]+/items', headers: [{ name: 'x-tenant', exact: 'acme' }] }, targets: [{ service: 'tenant', percent: 100 }] } },
    ]);
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
    await eventually(async () => (await send('GET', '/')) === '200 primary', 10_000, 100, 'Envoy routes to the primary');
  });

  after(async () => {
    agent.destroy();
    await envoy?.stop();
    await h?.stop();
    await Promise.all([primary?.stop(), writes?.stop(), tenant?.stop(), shadow?.stop()]);
  });

  it('copies exactly the selected requests, marked -shadow; every client request is answered by the primary', async () => {
    const sent: [string, string, Record<string, string>?][] = [];
    for (let i = 0; i < 20; i++) {
      sent.push(['POST', `/orders/${i}`], ['GET', `/orders/${i}`], ['PUT', `/orders/${i}`], ['POST', `/users/${i}`], ['POST', '/orders']);
      sent.push(['GET', `/orders/${i}/items`, { 'x-tenant': 'acme' }], ['GET', `/orders/${i}/items`, { 'x-tenant': 'other' }], ['GET', `/orders/x${i}/items`, { 'x-tenant': 'acme' }]);
    }
    sent.push(['POST', '/orders/7/items', { 'x-tenant': 'acme' }]); // both selections: both targets
    const answers = await Promise.all(sent.map(([m, p, hd]) => send(m, p, hd)));
    assert.deepEqual([...new Set(answers)], ['200 primary']);

    const wantWrites = sent.filter(([m, p]) => m === 'POST' && p.startsWith('/orders/')).map(([m, p]) => `${m} ${p}`).sort();
    const wantTenant = sent.filter(([, p, hd]) => /^\/orders\/[0-9]+\/items$/.test(p) && hd?.['x-tenant'] === 'acme').map(([m, p]) => `${m} ${p}`).sort();
    assert.equal(wantWrites.length, 21);
    assert.equal(wantTenant.length, 21);
    // Copies trail their originals a little; wait for the exact sets (never more arrive later).
    await eventually(() => writes.requests.length >= wantWrites.length && tenant.requests.length >= wantTenant.length, 10_000, 50, 'copies arrive');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...writes.requests].sort(), wantWrites);
    assert.deepEqual([...tenant.requests].sort(), wantTenant);
    assert.deepEqual([...writes.hosts.keys()], ['front-shadow']);
    assert.deepEqual([...tenant.hosts.keys()], ['front-shadow']);

    const status = await h.adminJson('/debug/mirrors');
    assert.deepEqual(status.conflicts, []);
  });

  it('a Service template with event fidelity shadows exactly the state-changing requests', async () => {
    await h.writeConfig([
      { kind: 'Service', name: 'primary', spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: primary.port }], shadowNetwork: { fidelity: { mode: 'event' }, endpoints: [{ address: '127.0.0.1', port: shadow.port }] } } },
      { kind: 'Route', name: 'front', spec: { hosts: ['front'], listener: { address: '127.0.0.1', port }, rules: [{ backends: [{ service: 'primary' }], timeout: '10s' }] } },
    ]);
    await eventually(async () => {
      const before = shadow.requests.length;
      await send('DELETE', '/probe');
      await new Promise((r) => setTimeout(r, 100));
      return shadow.requests.length > before;
    }, 10_000, 0, 'the shadow gets copies');
    const probes = shadow.requests.length;
    const methods = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const sent = Array.from({ length: 10 }, (_, i) => methods.map((m) => [m, `/orders/${i}`] as const)).flat();
    const answers = await Promise.all(sent.map(([m, p]) => send(m, p)));
    assert.deepEqual([...new Set(answers.map((a) => a.split(' ')[0]))], ['200']);
    const want = sent.filter(([m]) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)).map(([m, p]) => `${m} ${p}`).sort();
    await eventually(() => shadow.requests.length - probes >= want.length, 10_000, 50, 'copies arrive');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(shadow.requests.slice(probes).sort(), want);
    assert.deepEqual([...shadow.hosts.keys()], ['front-shadow']);
    const status = await h.adminJson('/debug/mirrors');
    assert.deepEqual(status.shadows.map((x: any) => [x.source, x.cluster, x.fidelity, x.events]), [['Service', 'primary-shadow', 'event', [{ methods: ['POST', 'PUT', 'PATCH', 'DELETE'] }]]]);
  });
});
