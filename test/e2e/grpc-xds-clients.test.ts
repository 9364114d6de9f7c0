/**
 * Real proxyless gRPC clients (@grpc/grpc-js-xds, `xds:///` targets) sending real RPCs to real
 * gRPC servers on 127.0.0.1, configured only through a running Prescient and its config file.
 */
import assert from 'node:assert/strict';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { eventually } from '../support/eventually.ts';
import { EchoClient } from '../support/xds-channel.ts';
import { backendService } from '../support/meshes.ts';

function share(counts: Map<string, number>, id: string): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return (counts.get(id) ?? 0) / total;
}

describe('e2e: proxyless gRPC clients served by Prescient', function () {
  this.timeout(60_000);
  let backends: BackendServer[];
  let a1: BackendServer, a2: BackendServer, stable: BackendServer, canary: BackendServer;
  let h: PrescientHarness;
  const clients: EchoClient[] = [];

  const docs = (alphaWeights: [number, number], options: { dropA2?: boolean } = {}): DocSpec[] => [
    backendService('alpha', options.dropA2 ? [{ server: a1, weight: alphaWeights[0] }] : [
      { server: a1, weight: alphaWeights[0] },
      { server: a2, weight: alphaWeights[1] },
    ]),
    backendService('stable', [{ server: stable }]),
    backendService('canary', [{ server: canary }]),
    // Envoy's rules accept a host with a wildcard at both ends; gRPC refuses it in its RDS.
    { kind: 'Route', name: 'wild', spec: { hosts: ['wild', '*.wild.*'], rules: [{ backends: [{ service: 'stable', weight: 1 }] }] } },
    {
      kind: 'Route',
      name: 'split',
      spec: { hosts: ['split'], rules: [{ backends: [{ service: 'canary', weight: 1 }, { service: 'stable', weight: 3 }], timeout: '5s' }] },
    },
  ];

  const client = (target: string) => {
    const c = new EchoClient(target, h.xdsPort);
    clients.push(c);
    return c;
  };

  before(async () => {
    backends = await startBackends(['a1', 'a2', 'stable', 'canary']);
    [a1, a2, stable, canary] = backends as [BackendServer, BackendServer, BackendServer, BackendServer];
    h = await PrescientHarness.start(docs([1, 3]));
  });

  after(async () => {
    for (const c of clients) c.close();
    await h?.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it('splits 2,000 RPCs 1:3 between weighted clusters of a route (±5 points)', async () => {
    const c = client('xds:///split');
    const counts = await c.spread(2000);
    assert.equal([...counts.keys()].filter((k) => k.startsWith('error')).length, 0, `errors: ${[...counts]}`);
    const canaryShare = share(counts, 'canary');
    assert.ok(Math.abs(canaryShare - 0.25) <= 0.05, `canary share ${canaryShare.toFixed(3)} not within 0.25 ± 0.05`);
  });

  it('honours endpoint weights 1:3 inside one cluster, and a config edit shifts the split within 2 s', async () => {
    const c = client('xds:///alpha');
    const before = await c.spread(2000);
    const a1Share = share(before, 'a1');
    assert.ok(Math.abs(a1Share - 0.25) <= 0.05, `a1 share ${a1Share.toFixed(3)} not within 0.25 ± 0.05`);

    await h.writeConfig(docs([3, 1]));
    const editedAt = Date.now();
    // Small probes until the new weights show, then a large sample to check the new ratio.
    await eventually(async () => share(await c.spread(200), 'a1') > 0.6, 2000, 0);
    const tookMs = Date.now() - editedAt;
    assert.ok(tookMs <= 2000, `split shifted after ${tookMs} ms`);
    const after = await c.spread(2000);
    const shifted = share(after, 'a1');
    assert.ok(Math.abs(shifted - 0.75) <= 0.05, `a1 share after edit ${shifted.toFixed(3)} not within 0.75 ± 0.05`);
  });

  it('sends no traffic to an endpoint removed from the config once the push is acknowledged', async () => {
    const c = client('xds:///alpha');
    await c.spread(100);
    await h.writeConfig(docs([3, 1], { dropA2: true }));
    await eventually(async () => !(await c.spread(100)).has('a2'), 3000, 0);
    const hitsBefore = a2.hits;
    const counts = await c.spread(1000);
    assert.equal(counts.get('a1'), 1000);
    assert.equal(a2.hits, hitsBefore, 'a2 received RPCs after its removal was pushed');
  });

  it('keeps clients working on the last good config after an invalid edit, and shows the error', async () => {
    const c = client('xds:///split');
    await h.writeConfig(docs([3, 1], { dropA2: true }).map((d) => (d.name === 'stable' ? { ...d, spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 'not-a-port' }] } } : d)));
    await eventually(async () => (await h.adminJson('/debug/config')).lastReloadError !== undefined, 3000);
    const status = await h.adminJson('/debug/config');
    const message: string = status.lastReloadError.errors.join('\n');
    assert.match(message, /mesh\.yaml/);
    assert.match(message, /spec\.endpoints\[0\]\.port/);
    assert.match((await h.admin('/metrics')).body, /prescient_config_last_reload_success 0/);
    const counts = await c.spread(400);
    assert.equal([...counts.keys()].filter((k) => k.startsWith('error')).length, 0);
    assert.equal((counts.get('stable') ?? 0) + (counts.get('canary') ?? 0), 400);
    // A valid edit afterwards is taken again.
    await h.writeConfig(docs([3, 1], { dropA2: true }));
    await eventually(async () => (await h.adminJson('/debug/config')).lastReload.ok === true, 3000);
    assert.match((await h.admin('/metrics')).body, /prescient_config_last_reload_success 1/);
  });

  it('records a resource the client rejects as a NACK with its message, and does not resend it in a loop', async () => {
    const c = client('xds:///wild');
    const result = await c.call(1500);
    assert.notEqual(result.backend, 'stable', 'the call should not succeed on a rejected configuration');
    let nacked: any;
    await eventually(async () => {
      const { clients: all } = await h.adminJson('/debug/clients');
      nacked = all.flatMap((s: any) => s.types.map((t: any) => ({ s, t }))).find(({ t }: any) => t.lastNack);
      return nacked !== undefined;
    }, 5000);
    assert.equal(nacked.t.type, 'rds');
    assert.match(nacked.t.lastNack.message, /multiple wildcards: \*\.wild\.\*/);
    const metrics = (await h.admin('/metrics')).body;
    assert.match(metrics, /prescient_xds_rejects_total\{type="rds"\} [1-9]/);
    const nackCount = nacked.t.nackCount;
    await new Promise((r) => setTimeout(r, 1500));
    const { clients: later } = await h.adminJson('/debug/clients');
    const same = later.find((s: any) => s.streamId === nacked.s.streamId);
    const t = same.types.find((x: any) => x.lastNack);
    assert.equal(t.nackCount, nackCount, 'the rejected version was sent again');
  });
});
