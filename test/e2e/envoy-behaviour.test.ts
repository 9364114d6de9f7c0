/**
 * What Prescient renders for Envoy beyond weights, checked against a real Envoy 1.40 (started from
 * the shipped state-of-the-world bootstrap) and real gRPC servers on 127.0.0.1: outlier detection,
 * active health checks, draining, retries, timeouts, HTTP/2 upstreams and EDS priorities
 * (spec.endpoints[].priority; the failover issue builds on it), each seen in Envoy's
 * own admin API (/clusters, /stats) as well as in where calls went.
 */
import assert from 'node:assert/strict';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { errorsIn, spreadCalls } from '../support/call-tally.ts';
import { ProxiedEchoClient } from '../support/envoy-client.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { HttpBackend, HttpViaProxy } from '../support/http-backends.ts';
import { backendService } from '../support/meshes.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';

type Route = 'od' | 'hc' | 'drain' | 'retry' | 'slow' | 'web' | 'prio';
const ROUTES: Route[] = ['od', 'hc', 'drain', 'retry', 'slow', 'web', 'prio'];

describe('e2e: Envoy 1.40 behaviour rendered by Prescient', function () {
  this.timeout(60_000);
  let servers: Record<string, BackendServer>;
  let web: HttpBackend;
  const ports = {} as Record<Route, number>;
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  const closers: { close(): void }[] = [];

  const route = (name: Route, extra: object = {}): DocSpec => ({
    kind: 'Route',
    name,
    spec: { hosts: [name], listener: { address: '127.0.0.1', port: ports[name] }, rules: [{ backends: [{ service: name }], ...extra }] },
  });
  const pair = (name: string) => [{ server: servers[`${name}1`]! }, { server: servers[`${name}2`]! }];
  const docs = (): DocSpec[] => [
    backendService('od', pair('od'), { outlierDetection: { consecutive5xx: 3, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 } }),
    backendService('hc', pair('hc'), { healthChecks: [{ type: 'grpc', interval: '200ms', timeout: '1s', unhealthyThreshold: 1, healthyThreshold: 1 }] }),
    backendService('drain', pair('drain')),
    { kind: 'WeightOverride', name: 'drain-2', spec: { service: 'drain', endpoint: servers.drain2!.endpoint, drain: true, reason: 'e2e' } },
    backendService('retry', pair('retry')),
    backendService('slow', [{ server: servers.slow1! }]),
    { kind: 'Service', name: 'web', spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: web.port }] } },
    {
      kind: 'Service',
      name: 'prio',
      spec: {
        protocol: 'grpc',
        endpoints: [
          { address: '127.0.0.1', port: servers.prio1!.port, priority: 0 },
          { address: '127.0.0.1', port: servers.prio2!.port, priority: 1 },
        ],
        healthChecks: [{ type: 'grpc', interval: '200ms', timeout: '1s', unhealthyThreshold: 1, healthyThreshold: 1 }],
      },
    },
    route('od'),
    route('hc'),
    route('drain'),
    route('retry', { retries: { attempts: 3, retryOn: ['unavailable'] } }),
    route('slow', { timeout: '300ms' }),
    route('web'),
    route('prio'),
  ];
  const via = (name: Route) => {
    const c = new ProxiedEchoClient(ports[name], name);
    closers.push(c);
    return c;
  };

  before(async () => {
    const ids = ['od1', 'od2', 'hc1', 'hc2', 'drain1', 'drain2', 'retry1', 'retry2', 'slow1', 'prio1', 'prio2'];
    servers = Object.fromEntries((await startBackends(ids)).map((s) => [s.id, s]));
    web = new HttpBackend('web');
    await web.start();
    for (const r of ROUTES) ports[r] = await freePort();
    h = await PrescientHarness.start(docs());
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
  });

  after(async () => {
    for (const c of closers) c.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all([...Object.values(servers ?? {}).map((s) => s.stop()), web?.stop()]);
  });

  it('ejects an endpoint failing with UNAVAILABLE (outlier detection), seen in /clusters, and stops sending to it', async () => {
    const [bad, good] = [servers.od1!, servers.od2!];
    bad.faults.failFast = true;
    const c = via('od');
    await eventually(async () => {
      await c.spread(20, 4);
      return (await envoy.hosts('od')).find((x) => x.endpoint === bad.endpoint)!.health.includes('failed_outlier_check');
    }, 5000, 0, 'od1 ejected');
    assert.ok(!(await envoy.hosts('od')).find((x) => x.endpoint === good.endpoint)!.health.includes('failed_outlier_check'));
    assert.ok((await envoy.stat('cluster.od.outlier_detection.ejections_enforced_consecutive_5xx')) >= 1);
    const counts = await c.spread(200);
    assert.deepEqual([...counts], [['od2', 200]]);
  });

  it('marks an endpoint failing its gRPC health check unhealthy, routes around it, and takes it back when it passes', async () => {
    const [bad] = [servers.hc1!];
    const health = async () => (await envoy.hosts('hc')).find((x) => x.endpoint === bad.endpoint)!.health;
    assert.ok(!(await health()).includes('failed_active_health_check'));
    bad.faults.failFast = true;
    await eventually(async () => (await health()).includes('failed_active_health_check'), 3000, 50, 'hc1 fails its health check');
    const counts = await via('hc').spread(200);
    assert.deepEqual([...counts], [['hc2', 200]]);
    bad.faults.failFast = false;
    await eventually(async () => !(await health()).includes('failed_active_health_check'), 3000, 50, 'hc1 passes again');
    const c = via('hc');
    await eventually(async () => (await c.spread(50, 5)).has('hc1'), 3000, 50, 'hc1 takes calls again');
  });

  it('sends no new calls to an endpoint a WeightOverride drains (EDS health DRAINING)', async () => {
    const drained = (await envoy.hosts('drain')).find((x) => x.endpoint === servers.drain2!.endpoint)!;
    assert.ok(drained.health.includes('eds_health_status=DRAINING'), drained.health.join(','));
    const counts = await via('drain').spread(200);
    assert.deepEqual([...counts], [['drain1', 200]]);
  });

  it('retries UNAVAILABLE on the route\'s retry policy, so calls succeed while one endpoint fails', async () => {
    servers.retry1!.faults.failFast = true;
    try {
      // One call at a time, so Envoy's round robin sends each retry to the other endpoint (Prescient
      // renders no retry host predicate, and Envoy allows 3 concurrent retries per cluster).
      const counts = await via('retry').spread(200, 1);
      assert.deepEqual(errorsIn(counts), []);
      assert.equal(counts.get('retry2'), 200);
      assert.ok((await envoy.stat('cluster.retry.upstream_rq_retry')) > 0, 'Envoy retried');
    } finally {
      servers.retry1!.faults.failFast = false;
    }
  });

  it('ends a call at the route timeout, not the client deadline', async () => {
    servers.slow1!.faults.latencyMs = 2000;
    try {
      const started = Date.now();
      const r = await via('slow').call(10_000);
      const took = Date.now() - started;
      assert.equal(r.backend, undefined);
      assert.match(r.details ?? '', /upstream request timeout/);
      assert.ok(took >= 280 && took < 1500, `the call ended after ${took} ms`);
      assert.ok((await envoy.stat('cluster.slow.upstream_rq_timeout')) >= 1);
    } finally {
      servers.slow1!.faults.latencyMs = 0;
    }
  });

  it('speaks HTTP/2 to gRPC services and HTTP/1.1 to HTTP services', async () => {
    const http = new HttpViaProxy(ports.web, 'web');
    closers.push(http);
    assert.deepEqual(errorsIn(await spreadCalls(http, 20)), []);
    assert.ok((await envoy.stat('cluster.drain.upstream_cx_http2_total')) >= 1);
    assert.equal(await envoy.stat('cluster.drain.upstream_cx_http1_total'), 0);
    assert.ok((await envoy.stat('cluster.web.upstream_cx_http1_total')) >= 1);
    assert.equal(await envoy.stat('cluster.web.upstream_cx_http2_total'), 0);
  });

  it('sends everything to priority 0 while it is healthy, fails over to priority 1 when it is gone, and back', async () => {
    const [first, second] = [servers.prio1!, servers.prio2!];
    const hosts = await envoy.hosts('prio');
    assert.deepEqual(hosts.map((x) => [x.endpoint, x.priority]).sort(), [[first.endpoint, 0], [second.endpoint, 1]].sort());
    const c = via('prio');
    assert.deepEqual([...(await c.spread(200))], [['prio1', 200]]);
    first.faults.failFast = true;
    try {
      await eventually(async () => (await c.spread(20, 5)).get('prio2') === 20, 3000, 50, 'priority 1 takes every call');
      assert.deepEqual([...(await c.spread(200))], [['prio2', 200]]);
    } finally {
      first.faults.failFast = false;
    }
    await eventually(async () => (await c.spread(20, 5)).get('prio1') === 20, 3000, 50, 'priority 0 takes every call again');
  });
});
