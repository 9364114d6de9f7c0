/**
 * Failover with real clients: proxyless gRPC (@grpc/grpc-js-xds and grpc-go's xDS client) and
 * plain gRPC through a real Envoy 1.40, all configured only by a running Prescient, under steady load against a primary
 * gRPC server in a process of its own (EDS priority 0) with a standby server (priority 1).
 * SIGKILL the primary: at least 99% of the RPCs started 2 s after the kill succeed (the switch
 * time is measured and printed). Restart it: traffic returns only after the dwell time and the
 * verification window. Every transition is in the audit trail with its evidence, and
 * `prescient audit revert` of the failback moves traffic to the standby again (held there until
 * `prescient failover release`). A primary that flips between up and down every 5 s, with the
 * default verification window (10 s), makes one failover and no failback: traffic does not flap.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { promisify } from 'node:util';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { BackendProcess } from '../support/backend-process.ts';
import { tallyKey, type EchoCaller } from '../support/call-tally.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { ProxiedEchoClient } from '../support/envoy-client.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { EchoClient } from '../support/xds-channel.ts';

const run = promisify(execFile);
type Obj = Record<string, any>;

/** Calls from several clients in a loop, each call recorded with its start time and outcome. */
class RecordedLoad {
  readonly calls: { client: string; at: number; key: string }[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  constructor(clients: Record<string, EchoCaller>, concurrency = 4) {
    this.loops = Object.entries(clients).flatMap(([name, c]) =>
      Array.from({ length: concurrency }, async () => {
        while (this.running) {
          const at = Date.now();
          const key = tallyKey(await c.call(2000));
          this.calls.push({ client: name, at, key });
          if (key.startsWith('error')) await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
  }
  since(t: number, client?: string) {
    return this.calls.filter((c) => c.at >= t && (client === undefined || c.client === client));
  }
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

describe('e2e: failover with real clients (grpc-js-xds, grpc-go and Envoy 1.40)', function () {
  this.timeout(120_000);
  const DWELL_MS = 4000;
  const VERIFY_MS = 2000;
  let primary: BackendProcess;
  let standby: BackendServer;
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  let load: RecordedLoad;
  let port: number;
  const closers: { close(): void }[] = [];
  /** The remediation webhook: a real HTTP server collecting what Prescient POSTs. */
  let hook: http.Server;
  let hookUrl: string;
  const hooked: Obj[] = [];
  const figures: string[] = [];

  const docs = (verifyWindow = `${VERIFY_MS}ms`): DocSpec[] => [
    {
      kind: 'Service',
      name: 'greeter',
      spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: primary.port }, { address: '127.0.0.1', port: standby.port, priority: 1 }] },
    },
    { kind: 'FailoverPolicy', name: 'greeter', spec: { service: 'greeter', probeInterval: '250ms', dwell: `${DWELL_MS}ms`, verifyWindow, healthyProbes: 5, webhook: hookUrl } },
    { kind: 'Route', name: 'front', spec: { hosts: ['front'], listener: { address: '127.0.0.1', port }, rules: [{ backends: [{ service: 'greeter' }] }] } },
  ];
  const transitions = async () => (await h.adminJson('/debug/audit?action=failover.transition')).entries as Obj[];
  const cli = async (...args: string[]) => (await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), ...args, '--admin', `http://127.0.0.1:${h.prescient.adminPort}`], { timeout: 30_000 })).stdout;

  before(async function () {
    // grpc-go's xDS client (test/interop): the first build takes minutes, later ones nothing.
    this.timeout(600_000);
    await run('bash', [path.join(REPO_ROOT, 'scripts/build-interop.sh')], { timeout: 590_000 });
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooked.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/remediate`;
    primary = new BackendProcess('primary');
    await primary.start();
    [standby] = (await startBackends(['standby'])) as [BackendServer];
    port = await freePort();
    h = await PrescientHarness.start(docs());
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
    const grpcClient = new EchoClient('xds:///greeter', h.xdsPort);
    const viaEnvoy = new ProxiedEchoClient(port, 'front');
    closers.push(grpcClient, viaEnvoy);
    await eventually(async () => (await grpcClient.call()).backend === 'primary' && (await viaEnvoy.call()).backend === 'primary', 15_000, 100, 'both clients reach the primary');
    load = new RecordedLoad({ grpc: grpcClient, envoy: viaEnvoy });
  });

  after(async () => {
    await load?.stop();
    for (const c of closers) c.close();
    await envoy?.stop();
    await h?.stop();
    await primary?.kill();
    await standby?.stop();
    hook?.close();
    if (figures.length) console.log(`      failover figures: ${figures.join('; ')}`);
  });

  it('SIGKILL of the primary: ≥ 99% of RPCs started 2 s after the kill succeed, on the standby', async () => {
    // grpc-go calls continuously and prints one tally per second (received at the second's end).
    const go = spawn(path.join(REPO_ROOT, 'test/interop/go-xds-client/bin/go-xds-client'), ['-xds-server', `127.0.0.1:${h.xdsPort}`, '-node-id', `go-failover-${process.pid}`, '-target', 'xds:///greeter', '-seconds', '12', '-concurrency', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const goSeconds: { end: number; backends: Record<string, number>; errors: Record<string, number> }[] = [];
    createInterface({ input: go.stdout! }).on('line', (line) => goSeconds.push({ end: Date.now(), ...JSON.parse(line) }));
    const goExited = new Promise((resolve) => go.once('exit', resolve));
    await eventually(() => goSeconds.some((x) => (x.backends.primary ?? 0) > 0), 10_000, 50, 'grpc-go reaches the primary');
    await new Promise((r) => setTimeout(r, 1000));
    const killedAt = Date.now();
    await primary.kill();
    await new Promise((r) => setTimeout(r, 5000));
    go.kill('SIGTERM');
    await goExited;
    const goAfter = goSeconds.filter((x) => x.end - 1000 >= killedAt + 2000);
    const goOk = goAfter.reduce((n, x) => n + (x.backends.standby ?? 0), 0);
    const goAll = goAfter.reduce((n, x) => n + Object.values(x.backends).reduce((a, b) => a + b, 0) + Object.values(x.errors).reduce((a, b) => a + b, 0), 0);
    assert.ok(goAll > 100, `grpc-go: ${goAll} calls in the seconds from 2 s after the kill`);
    assert.ok(goOk / goAll >= 0.99, `grpc-go: ${goOk}/${goAll} succeeded: ${JSON.stringify(goAfter)}`);
    const goFailed = goSeconds.filter((x) => x.end >= killedAt).reduce((n, x) => n + Object.values(x.errors).reduce((a, b) => a + b, 0), 0);
    figures.push(`grpc-go: ${goFailed} failed RPCs after the kill, ${((100 * goOk) / goAll).toFixed(2)}% ok in whole seconds from 2 s`);
    for (const client of ['grpc', 'envoy']) {
      const after2s = load.since(killedAt + 2000, client);
      const ok = after2s.filter((c) => c.key === 'standby').length;
      assert.ok(after2s.length > 100, `${client}: ${after2s.length} calls`);
      assert.ok(ok / after2s.length >= 0.99, `${client}: ${ok}/${after2s.length} succeeded`);
      const failures = load.since(killedAt, client).filter((c) => c.key !== 'standby' && c.key !== 'primary');
      const lastFailure = failures.length ? Math.max(...failures.map((c) => c.at)) - killedAt : 0;
      figures.push(`${client}: last failed RPC started ${lastFailure} ms after the kill (${failures.length} failed), ${((100 * ok) / after2s.length).toFixed(2)}% ok from 2 s`);
    }
    const t = await transitions();
    assert.deepEqual(t.map((e) => e.after.state), ['failing-over', 'on-shadow']);
    figures.push(`decision ${t[0]!.at - killedAt} ms after the kill`);
    assert.equal(t[0]!.evidence.healthy, '0/1');
    assert.match(JSON.stringify(t[0]!.evidence.endpoints), /ECONNREFUSED/);
    assert.equal(t[0]!.actor.module, 'failover');
    await eventually(() => hooked.length >= 2, 2000, 20, 'the remediation webhook hears the transitions');
    assert.deepEqual(hooked.slice(0, 2).map((e) => [e.action, e.subject, e.after.state, e.id]), [['failover.transition', 'greeter', 'failing-over', t[0]!.id], ['failover.transition', 'greeter', 'on-shadow', t[1]!.id]]);
  });

  it('restarted primary: traffic returns only after the dwell and the verification window', async () => {
    const restartedAt = Date.now();
    await primary.start();
    await eventually(async () => (await transitions()).some((e) => e.after.state === 'failing-back'), 20_000, 100, 'failback');
    const entries = await transitions();
    const back = entries.find((e) => e.after.state === 'failing-back')!;
    const failedOverAt = entries.find((e) => e.after.state === 'failing-over')!.at;
    assert.ok(back.at - failedOverAt >= DWELL_MS, 'dwell respected');
    const verifying = entries.find((e) => e.after.state === 'verifying')!;
    assert.ok(verifying.at >= restartedAt - 300);
    assert.ok(back.at - verifying.at >= VERIFY_MS, 'verification window respected');
    assert.ok(back.evidence.goodStreak >= 5);
    const early = load.calls.filter((c) => c.at >= restartedAt && c.at < back.at - 200 && c.key === 'primary');
    assert.deepEqual(early, [], 'no call reached the primary before the failback');
    await eventually(async () => load.since(Date.now() - 500).filter((c) => c.key === 'primary').length > 20, 5000, 100, 'traffic back on the primary');
    figures.push(`failback ${back.at - restartedAt} ms after restart (dwell ${DWELL_MS} ms, verify ${VERIFY_MS} ms)`);
    await eventually(async () => (await transitions()).length === 5, 2000, 50, 'the last transition');
    assert.deepEqual((await transitions()).map((e) => e.after.state), ['failing-over', 'on-shadow', 'verifying', 'failing-back', 'primary']);
  });

  it('`prescient audit list` shows the evidence; `audit revert` of the failback moves traffic to the standby, held until released', async () => {
    const list = await cli('audit', 'list');
    assert.match(list, /failover\.transition\s+greeter\s+verifying → failing-back/);
    const back = (await transitions()).find((e) => e.after.state === 'failing-back')!;
    const out = JSON.parse(await cli('audit', 'revert', back.id, '--json'));
    assert.equal(out.entry.revertOf, back.id);
    assert.equal(out.entry.actor.module, 'operator');
    assert.equal(out.entry.after.state, 'on-shadow');
    await eventually(async () => load.since(Date.now() - 500).every((c) => c.key === 'standby') && load.since(Date.now() - 500).length > 20, 5000, 100, 'traffic on the standby after revert');
    const status = JSON.parse(await cli('failover', 'status', '--json'));
    assert.deepEqual([status.services[0].state, status.services[0].held], ['on-shadow', true]);
    await new Promise((r) => setTimeout(r, DWELL_MS + VERIFY_MS));
    assert.equal(JSON.parse(await cli('failover', 'status', '--json')).services[0].state, 'on-shadow', 'held: no automatic failback');
    await cli('failover', 'release', 'greeter');
    await eventually(async () => JSON.parse(await cli('failover', 'status', '--json')).services[0].state === 'primary', 15_000, 200, 'failback after release');
    const actions = (await h.adminJson('/debug/audit')).entries.map((e: Obj) => e.action);
    assert.ok(actions.includes('failover.release'));
  });

  it('a primary flipping every 5 s (default 10 s verification) makes one failover and no failback', async () => {
    const hash = (await h.adminJson('/debug/config')).configHash;
    await h.writeConfig(docs('10s'));
    await eventually(async () => (await h.adminJson('/debug/config')).configHash !== hash, 5000, 50, 'the 10 s verification window applies');
    const before = (await transitions()).length;
    const flipStart = Date.now();
    for (let i = 0; i < 3; i++) {
      await primary.kill();
      await new Promise((r) => setTimeout(r, 5000));
      await primary.start();
      await new Promise((r) => setTimeout(r, 5000));
    }
    const during = (await transitions()).slice(before);
    const failovers = during.filter((e) => e.after.state === 'failing-over').length;
    const failbacks = during.filter((e) => e.after.state === 'failing-back').length;
    const firstFailover = during.find((e) => e.after.state === 'failing-over')!.at;
    const onPrimaryAfter = load.calls.filter((c) => c.at > firstFailover + 500 && c.key === 'primary').length;
    figures.push(`flipping primary (3 × 5 s down / 5 s up): ${failovers} failover(s), ${failbacks} failback(s), ${onPrimaryAfter} calls on the primary after the failover`);
    assert.equal(failovers, 1, JSON.stringify(during.map((e) => e.after.state)));
    assert.equal(failbacks, 0);
    assert.equal(onPrimaryAfter, 0, 'traffic stayed on the standby');
    assert.ok(Date.now() - flipStart >= 30_000);
  });
});
