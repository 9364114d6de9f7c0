/**
 * The scorer's loop closed through a real Envoy 1.40: plain gRPC clients send steady load through
 * Envoy's listener to three real servers; Envoy (shipped bootstrap, with load_stats_config)
 * reports per-endpoint load to Prescient over LRS, Prescient probes the servers itself, and the
 * weights it pushes back over EDS move Envoy's traffic. No proxyless client runs here, so every
 * load report the scorer gets is Envoy's.
 */
import assert from 'node:assert/strict';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { ProxiedEchoClient } from '../support/envoy-client.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { scoredMesh } from '../support/meshes.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { SteadyLoad } from '../support/steady-load.ts';

/** The value of one Prometheus sample in an exposition text, 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('e2e: closed scoring loop through Envoy 1.40', function () {
  this.timeout(120_000);
  let backends: BackendServer[];
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  let clients: ProxiedEchoClient[] = [];
  let load: SteadyLoad;

  before(async () => {
    backends = await startBackends(['s1', 's2', 's3']);
    const port = await freePort();
    h = await PrescientHarness.start(
      [...scoredMesh(backends), { kind: 'Route', name: 'scored', spec: { hosts: ['scored'], listener: { address: '127.0.0.1', port }, rules: [{ backends: [{ service: 'scored' }] }] } }],
      { scorer: {}, lrsIntervalMs: 1000 },
    );
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
    clients = [new ProxiedEchoClient(port, 'scored'), new ProxiedEchoClient(port, 'scored')];
    load = new SteadyLoad(clients);
    await eventually(async () => {
      const w = await load.shareOver(1000, (k) => k === 's1');
      return w.total > 50 && w.share > 0.2 && w.share < 0.45;
    }, 20_000, 0, 'every server takes about a third');
  });

  after(async () => {
    await load?.stop();
    for (const c of clients) c.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  it('receives Envoy\'s load reports per endpoint over LRS', async () => {
    const before = (await h.admin('/metrics')).body;
    await new Promise((r) => setTimeout(r, 2500));
    const after = (await h.admin('/metrics')).body;
    const reports = (t: string) => sample(t, 'prescient_lrs_reports_total', 'result="accepted"');
    assert.ok(reports(after) - reports(before) >= 2, `LRS reports accepted: ${reports(before)} → ${reports(after)}`);
    // Only reports that name their endpoint become observations (Envoy's per-locality totals are
    // dropped as unattributed): at least one per server per report.
    const observations = (t: string) => sample(t, 'prescient_telemetry_accepted_total', 'source="lrs"');
    assert.ok(observations(after) - observations(before) >= 6, `per-endpoint LRS observations: ${observations(before)} → ${observations(after)}`);
  });

  it('moves Envoy\'s traffic away from a server with +200 ms latency within 10 s', async () => {
    const slow = backends[0]!;
    slow.faults.latencyMs = 200;
    try {
      const injected = Date.now();
      await eventually(async () => (await load.shareOver(1000, (k) => k === 's1')).share < 0.1, 10_000, 0, 's1 below 10%');
      const fellAfter = Date.now() - injected;
      console.log(`      Envoy: s1 share below 10% after ${fellAfter} ms`);
      assert.ok(fellAfter <= 10_000, `share fell below 10% only after ${fellAfter} ms`);
      const weights = (await envoy.hosts('scored')).map((x) => [x.endpoint, x.weight]);
      const slowWeight = weights.find(([e]) => e === slow.endpoint)![1] as number;
      assert.ok(weights.every(([e, w]) => e === slow.endpoint || (w as number) > slowWeight), `Envoy holds the pushed weights: ${JSON.stringify(weights)}`);
    } finally {
      slow.faults.latencyMs = 0;
    }
  });
});
