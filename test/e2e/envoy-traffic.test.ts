/**
 * The real-client proofs of grpc-xds-clients.test.ts, through a real Envoy 1.40: plain gRPC and
 * HTTP/1.1 clients (no xDS) call Envoy's listeners, and Envoy, configured only by a running
 * Prescient, forwards to real servers on 127.0.0.1. The suite runs twice, with an Envoy started
 * from each shipped bootstrap: state-of-the-world ADS (envoy.yaml) and delta ADS (envoy-delta.yaml).
 * (One at a time: Envoy binds its listeners with SO_REUSEPORT, so two Envoys given the same
 * listener port would share its connections.) Within a run the tests share one Prescient and one
 * Envoy and run in order: each edits the config the next one starts from.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { errorsIn, shareOf, spreadCalls } from '../support/call-tally.ts';
import { ProxiedEchoClient } from '../support/envoy-client.ts';
import type { AdsVariant } from '../support/envoy-bootstrap.ts';
import { dumpedResources, EnvoyProxy } from '../support/envoy-proxy.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { HttpBackend, HttpViaProxy } from '../support/http-backends.ts';
import { backendService } from '../support/meshes.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { SteadyLoad } from '../support/steady-load.ts';

const run = promisify(execFile);

interface MeshShape {
  alpha: [number, number];
  dropA2?: boolean;
  /** Route `split` sends everything to the new Service `green` and `stable`/`canary` are gone. */
  swapped?: boolean;
  /**
   * Adds a Route whose listener port another process already holds: valid by every proto rule,
   * but Envoy cannot bind it and rejects the listener.
   */
  taken?: boolean;
}

/** What a measurement found, per Envoy, printed once at the end for the README and the report. */
const figures: string[] = [];

for (const variant of ['sotw', 'delta'] as AdsVariant[]) describe(`e2e: Envoy 1.40 served by Prescient over ${variant === 'sotw' ? 'state-of-the-world' : 'delta'} ADS`, function () {
  this.timeout(60_000);
  let grpcBackends: BackendServer[];
  let a1: BackendServer, a2: BackendServer, stable: BackendServer, canary: BackendServer, green: BackendServer;
  let webA: HttpBackend, webB: HttpBackend;
  let ports: { split: number; alpha: number; web: number };
  let busy: net.Server;
  let busyPort: number;
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  const closers: { close(): void }[] = [];

  const listener = (port: number) => ({ address: '127.0.0.1', port });
  const docs = (m: MeshShape): DocSpec[] => [
    backendService('alpha', m.dropA2 ? [{ server: a1, weight: m.alpha[0] }] : [
      { server: a1, weight: m.alpha[0] },
      { server: a2, weight: m.alpha[1] },
    ]),
    ...(m.swapped ? [backendService('green', [{ server: green }])] : [backendService('stable', [{ server: stable }]), backendService('canary', [{ server: canary }])]),
    { kind: 'Service', name: 'web-a', spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: webA.port }] } },
    { kind: 'Service', name: 'web-b', spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: webB.port }] } },
    {
      kind: 'Route',
      name: 'split',
      spec: {
        hosts: ['split'],
        listener: listener(ports.split),
        rules: [{ backends: m.swapped ? [{ service: 'green' }] : [{ service: 'canary', weight: 1 }, { service: 'stable', weight: 3 }], timeout: '5s' }],
      },
    },
    { kind: 'Route', name: 'alpha', spec: { hosts: ['alpha'], listener: listener(ports.alpha), rules: [{ backends: [{ service: 'alpha' }] }] } },
    { kind: 'Route', name: 'web', spec: { hosts: ['web'], listener: listener(ports.web), rules: [{ backends: [{ service: 'web-a', weight: 1 }, { service: 'web-b', weight: 3 }] }] } },
    ...(m.taken ? [{ kind: 'Route', name: 'taken', spec: { hosts: ['taken'], listener: listener(busyPort), rules: [{ backends: [{ service: 'alpha' }] }] } }] : []),
  ];

  const grpcVia = (host: 'split' | 'alpha') => {
    const c = new ProxiedEchoClient(host === 'split' ? ports.split : ports.alpha, host);
    closers.push(c);
    return c;
  };
  const figure = (what: string) => figures.push(`${variant} ${what}`);

  before(async () => {
    grpcBackends = await startBackends(['a1', 'a2', 'stable', 'canary', 'green']);
    [a1, a2, stable, canary, green] = grpcBackends as [BackendServer, BackendServer, BackendServer, BackendServer, BackendServer];
    [webA, webB] = [new HttpBackend('web-a'), new HttpBackend('web-b')];
    await Promise.all([webA.start(), webB.start()]);
    ports = { split: await freePort(), alpha: await freePort(), web: await freePort() };
    busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as net.AddressInfo).port;
    h = await PrescientHarness.start(docs({ alpha: [1, 3] }));
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort, variant });
  });

  after(async () => {
    for (const c of closers) c.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all([...(grpcBackends ?? []).map((b) => b.stop()), webA?.stop(), webB?.stop()]);
    busy?.close();
    if (variant === 'delta' && figures.length) console.log(`      Envoy figures: ${figures.join('; ')}`);
  });

  it(`connects over ${variant} ADS from the shipped bootstrap and ACKs every type`, async () => {
    const { clients } = await h.adminJson('/debug/clients');
    const stream = clients.find((c: any) => c.nodeId === envoy.nodeId);
    assert.ok(stream, `${envoy.nodeId} has a stream`);
    assert.deepEqual([stream.protocol, stream.service, stream.flavor], [variant, 'ads', 'envoy']);
    assert.deepEqual(stream.types.map((t: any) => t.type).sort(), ['cds', 'eds', 'lds', 'rds']);
    for (const t of stream.types) {
      assert.equal(t.nackCount, 0, `${t.type}: ${t.lastNack?.message}`);
      assert.ok(t.ackedVersion, `${t.type} acknowledged`);
    }
  });

  /**
   * `prescient status --json` (the CLI, reading the admin API) against Envoy's /config_dump: the
   * version Envoy last ACKed per type is the one its dump shows for the whole type (CDS, LDS;
   * delta: the system version of the last response) and, in state of the world, on the route
   * configurations the last RDS response carried. Envoy's dump has no version for endpoint
   * assignments, and a delta resource's own version is per resource, which `status` does not list.
   */
  async function assertStatusMatchesEnvoy(): Promise<void> {
    await eventually(async () => {
      const { clients } = await h.adminJson('/debug/clients');
      return clients.find((c: any) => c.nodeId === envoy.nodeId).types.every((t: any) => !t.pendingNonce && t.ackedVersion === t.lastSent?.version);
    }, 3000, 50, 'Envoy in sync');
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), 'status', '--json', '--admin', `http://127.0.0.1:${h.prescient.adminPort}`], { timeout: 30_000 });
    const stream = JSON.parse(stdout).find((c: any) => c.nodeId === envoy.nodeId);
    const acked = Object.fromEntries(stream.types.map((t: any) => [t.type, t.ackedVersion]));
    for (const t of stream.types) assert.equal(t.ackedVersion, t.lastSent.version, `${t.type} is SYNCED`);
    const dump = await envoy.configDump();
    const top = (kind: string) => dump.configs.find((c: any) => c['@type'].endsWith(`.${kind}`)).version_info;
    assert.equal(top('ClustersConfigDump'), acked.cds);
    assert.equal(top('ListenersConfigDump'), acked.lds);
    if (variant === 'sotw') assert.ok(dumpedResources(dump).some((r) => r.type === 'rds' && r.version === acked.rds), `a route configuration at ${acked.rds}`);
  }

  it('shows in `prescient status` the versions Envoy\'s own /config_dump says it runs (CSDS)', async () => {
    await assertStatusMatchesEnvoy();
  });

  it('splits 2,000 gRPC calls 1:3 between weighted clusters of a route (±5 points)', async () => {
    const counts = await grpcVia('split').spread(2000);
    assert.deepEqual(errorsIn(counts), []);
    const share = shareOf(counts, 'canary');
    figure(`weighted clusters canary ${share.toFixed(3)}`);
    assert.ok(Math.abs(share - 0.25) <= 0.05, `canary share ${share.toFixed(3)} not within 0.25 ± 0.05`);
  });

  it('splits 2,000 HTTP/1.1 requests 1:3 between weighted clusters (±5 points)', async () => {
    const http = new HttpViaProxy(ports.web, 'web');
    closers.push(http);
    const counts = await spreadCalls(http, 2000);
    assert.deepEqual(errorsIn(counts), []);
    const share = shareOf(counts, 'web-a');
    figure(`HTTP/1.1 web-a ${share.toFixed(3)}`);
    assert.ok(Math.abs(share - 0.25) <= 0.05, `web-a share ${share.toFixed(3)} not within 0.25 ± 0.05`);
  });

  it('honours endpoint weights 1:3 inside one cluster, and a config edit shifts the split within 2 s', async () => {
    const c = grpcVia('alpha');
    const before = shareOf(await c.spread(2000), 'a1');
    figure(`endpoint weights a1 ${before.toFixed(3)}`);
    assert.ok(Math.abs(before - 0.25) <= 0.05, `a1 share ${before.toFixed(3)} not within 0.25 ± 0.05`);

    await h.writeConfig(docs({ alpha: [3, 1] }));
    const editedAt = Date.now();
    // Small probes until the new weights show, then a large sample to check the new ratio.
    await eventually(async () => shareOf(await c.spread(40, 4), 'a1') > 0.6, 2000, 0);
    const tookMs = Date.now() - editedAt;
    figure(`weight edit shift ${tookMs} ms`);
    assert.ok(tookMs <= 2000, `split shifted after ${tookMs} ms`);
    const after = shareOf(await c.spread(2000), 'a1');
    figure(`after edit a1 ${after.toFixed(3)}`);
    assert.ok(Math.abs(after - 0.75) <= 0.05, `a1 share after edit ${after.toFixed(3)} not within 0.75 ± 0.05`);
  });

  it('sends no traffic to an endpoint removed from the config once Envoy has it', async () => {
    await h.writeConfig(docs({ alpha: [3, 1], dropA2: true }));
    await eventually(async () => (await envoy.hosts('alpha')).length === 1, 3000, 50, 'Envoy drops a2');
    const hitsBefore = a2.hits;
    const counts = await grpcVia('alpha').spread(1000);
    assert.equal(counts.get('a1'), 1000, `${[...counts]}`);
    assert.equal(a2.hits, hitsBefore, 'a2 received calls after its removal reached Envoy');
  });

  it('keeps Envoy serving the previous config after an invalid edit, with the error on the admin API', async () => {
    const before = await envoy.dynamicResources();
    const broken = docs({ alpha: [3, 1], dropA2: true }).map((d) => (d.name === 'stable' && d.kind === 'Service' ? { ...d, spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 'not-a-port' }] } } : d));
    await h.writeConfig(broken);
    await eventually(async () => (await h.adminJson('/debug/config')).lastReloadError !== undefined, 3000);
    assert.match((await h.adminJson('/debug/config')).lastReloadError.errors.join('\n'), /spec\.endpoints\[0\]\.port/);
    const counts = await grpcVia('split').spread(400);
    assert.deepEqual(errorsIn(counts), []);
    assert.equal((counts.get('stable') ?? 0) + (counts.get('canary') ?? 0), 400);
    assert.deepEqual(await envoy.dynamicResources(), before, 'Envoy applied something after the invalid edit');
    await h.writeConfig(docs({ alpha: [3, 1], dropA2: true }));
    await eventually(async () => (await h.adminJson('/debug/config')).lastReload.ok === true, 3000);
  });

  it('swaps a route to a new cluster make-before-break: no failed call during the switch', async () => {
    const load = new SteadyLoad([grpcVia('split')], 8);
    let all = new Map<string, number>();
    const count = (w: Map<string, number>) => w.forEach((n, k) => all.set(k, (all.get(k) ?? 0) + n));
    try {
      await new Promise((r) => setTimeout(r, 300));
      load.take();
      await h.writeConfig(docs({ alpha: [3, 1], dropA2: true, swapped: true }));
      const editedAt = Date.now();
      // Every call from the edit until the old clusters are gone from Envoy, and a little after.
      await eventually(async () => {
        await new Promise((r) => setTimeout(r, 100));
        const w = load.take();
        count(w);
        return w.size === 1 && w.has('green');
      }, 5000, 0, 'all calls on green');
      figure(`cluster swap done in ${Date.now() - editedAt} ms`);
      await eventually(async () => !(await envoy.clusterNames()).includes('stable'), 5000, 50, 'Envoy removes the old cluster');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await load.stop();
      count(load.take());
    }
    assert.deepEqual(errorsIn(all), [], `calls failed during the swap: ${[...all]}`);
    await assertStatusMatchesEnvoy();
    assert.ok((all.get('green') ?? 0) > 50 && (all.get('stable') ?? 0) + (all.get('canary') ?? 0) > 0, `the load spanned the swap: ${[...all]}`);
  });

  it('records a resource Envoy rejects as a NACK with Envoy\'s own message, and does not resend it in a loop', async () => {
    await h.writeConfig(docs({ alpha: [3, 1], dropA2: true, swapped: true, taken: true }));
    const lds = async () => {
      const { clients } = await h.adminJson('/debug/clients');
      return clients.find((c: any) => c.nodeId === envoy.nodeId).types.find((t: any) => t.type === 'lds');
    };
    let t: any;
    await eventually(async () => (t = await lds()).lastNack !== undefined, 5000, 100, 'Envoy NACKs');
    assert.match(t.lastNack.message, new RegExp(`cannot bind '127\\.0\\.0\\.1:${busyPort}': Address already in use`));
    assert.match((await h.admin('/metrics')).body, /prescient_xds_rejects_total\{type="lds"\} [1-9]/);
    // Envoy keeps its other listeners: calls still work.
    assert.equal((await grpcVia('split').spread(100)).get('green'), 100);
    const nackCount = t.nackCount;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await lds()).nackCount, nackCount, 'the rejected version was sent again');
  });
});
