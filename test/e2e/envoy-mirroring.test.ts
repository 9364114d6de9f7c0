/**
 * MirrorRules for real through Envoy 1.40: a real Envoy configured only by a running Prescient
 * sends HTTP/1.1 requests to a primary server and mirrors them, 10% to a sandbox service (a real
 * server counting what it receives) and 25% to Prescient's own capture sink. Checked: the
 * fractions the targets see over 10,000 requests (±1.5 points), the `-shadow` host suffix at
 * both, that a slow and failing target adds no latency or errors at the client, and that a
 * percentage edit in the config file changes the mirrored fraction within 2 s. A ShadowNetwork
 * with full fidelity then receives every request, marked with the -shadow host suffix.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CaptureRecord } from '../../xds-server/capture/capture-record.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { HttpBackend, HttpViaProxy } from '../support/http-backends.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { RecordingHttpServer } from '../support/recording-http-server.ts';
import { errorsIn, spreadCalls } from '../support/call-tally.ts';

const figures: string[] = [];

describe('e2e: mirroring through Envoy 1.40', function () {
  this.timeout(120_000);
  let primary: HttpBackend;
  let sandbox: RecordingHttpServer;
  let shadow: RecordingHttpServer;
  let capturePort: number;
  let captureDir: string;
  let h: PrescientHarness;
  let envoy: EnvoyProxy;
  let port: number;
  let client: HttpViaProxy;

  const http = (name: string, p: number): DocSpec => ({ kind: 'Service', name, spec: { protocol: 'http', endpoints: [{ address: '127.0.0.1', port: p }] } });
  const docs = (sandboxPercent: number, capturePercent: number, withShadow = false): DocSpec[] => [
    ...(withShadow ? [{ kind: 'ShadowNetwork', name: 'primary', spec: { service: 'primary', endpoints: [{ address: '127.0.0.1', port: shadow.port }] } }] : []),
    http('primary', primary.port),
    http('sandbox', sandbox.port),
    http('capture', capturePort),
    { kind: 'Route', name: 'front', spec: { hosts: ['front'], listener: { address: '127.0.0.1', port }, rules: [{ backends: [{ service: 'primary' }], timeout: '10s' }] } },
    { kind: 'MirrorRule', name: 'primary-copies', spec: { service: 'primary', targets: [{ service: 'sandbox', percent: sandboxPercent }, { service: 'capture', percent: capturePercent }] } },
  ];

  /** Mirrored requests trail their originals by a little; wait until the counts stop moving. */
  const captured = async (): Promise<number> => {
    const s = await h.adminJson('/debug/capture');
    return s.written + s.shed;
  };
  async function settledHits(): Promise<[number, number]> {
    let last = [-1, -1];
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const now = [sandbox.hits, await captured()];
      if (now[0] === last[0] && now[1] === last[1]) return now as [number, number];
      last = now;
    }
  }

  before(async () => {
    primary = new HttpBackend('primary');
    sandbox = new RecordingHttpServer('sandbox');
    shadow = new RecordingHttpServer('shadow');
    await Promise.all([primary.start(), sandbox.start(), shadow.start()]);
    port = await freePort();
    capturePort = await freePort();
    captureDir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-capture-'));
    h = await PrescientHarness.start(docs(10, 25), { capture: { address: `127.0.0.1:${capturePort}`, dir: captureDir } });
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
    client = new HttpViaProxy(port, 'front');
    await eventually(async () => (await client.call()).backend === 'primary', 10_000, 100, 'Envoy routes to the primary');
  });

  after(async () => {
    client?.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all([primary?.stop(), sandbox?.stop(), shadow?.stop()]);
    if (captureDir) await fs.rm(captureDir, { recursive: true, force: true });
    if (figures.length) console.log(`      Envoy mirroring figures: ${figures.join('; ')}`);
  });

  it('mirrors 10% and 25% of 10,000 requests (±1.5 points), with the -shadow host suffix', async () => {
    const [s0, c0] = await settledHits();
    const n = 10_000;
    const counts = await spreadCalls(client, n, 20);
    assert.deepEqual(errorsIn(counts), []);
    assert.equal(counts.get('primary'), n);
    const [s1, c1] = await settledHits();
    const [sShare, cShare] = [(s1 - s0) / n, (c1 - c0) / n];
    figures.push(`sandbox ${(sShare * 100).toFixed(2)}%`, `capture ${(cShare * 100).toFixed(2)}%`);
    assert.ok(Math.abs(sShare - 0.1) <= 0.015, `sandbox got ${(sShare * 100).toFixed(2)}%, not 10 ± 1.5`);
    assert.ok(Math.abs(cShare - 0.25) <= 0.015, `capture got ${(cShare * 100).toFixed(2)}%, not 25 ± 1.5`);
    assert.deepEqual([...sandbox.hosts.keys()], ['front-shadow'], 'copies carry Envoy\'s -shadow host suffix');
    const status = await h.adminJson('/debug/capture');
    assert.equal(status.shed, 0);
    const files = (await fs.readdir(captureDir)).filter((f) => f.endsWith('.jsonl'));
    const records: CaptureRecord[] = (await Promise.all(files.map((f) => fs.readFile(path.join(captureDir, f), 'utf8')))).flatMap((t) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l)));
    assert.equal(records.length, status.written);
    assert.deepEqual([...new Set(records.map((r) => `${r.protocol} ${r.method} ${r.authority} ${r.path}`))], ['http/1.1 GET front-shadow /']);
    assert.equal(primary.hits >= n, true);
  });

  it('a slow (1 s) and failing (503) target adds no latency and no errors at the client', async () => {
    const timed = async (n: number) => {
      const latencies: number[] = [];
      let errors = 0;
      let i = 0;
      await Promise.all(Array.from({ length: 10 }, async () => {
        while (i++ < n) {
          const t0 = performance.now();
          const r = await client.call();
          latencies.push(performance.now() - t0);
          if (r.backend !== 'primary') errors++;
        }
      }));
      latencies.sort((a, b) => a - b);
      return { errors, p50: latencies[Math.floor(n * 0.5)]!, p99: latencies[Math.floor(n * 0.99)]! };
    };
    const healthy = await timed(1000);
    sandbox.delayMs = 1000;
    sandbox.status = 503;
    try {
      const hurt = await timed(1000);
      figures.push(`client p50/p99 ${healthy.p50.toFixed(1)}/${healthy.p99.toFixed(1)} ms with healthy targets, ${hurt.p50.toFixed(1)}/${hurt.p99.toFixed(1)} ms with a 1 s 503 target`);
      assert.equal(hurt.errors, 0, 'no client request fails because a mirror target does');
      // Any coupling to the slow target would put ~10% of requests at ≥ 1 s, so p99 would show it.
      assert.ok(hurt.p99 < 500, `client p99 ${hurt.p99.toFixed(1)} ms while the sandbox takes 1 s`);
    } finally {
      sandbox.delayMs = 0;
      sandbox.status = 200;
    }
  });

  it('a percentage edit in the config file changes the mirrored fraction within 2 s', async () => {
    await settledHits();
    await h.writeConfig(docs(60, 25));
    const editedAt = Date.now();
    await eventually(async () => {
      const before = sandbox.hits;
      await spreadCalls(client, 100, 10);
      await new Promise((r) => setTimeout(r, 20));
      return (sandbox.hits - before) / 100 > 0.4;
    }, 2000, 0, 'sandbox share above 40%');
    const tookMs = Date.now() - editedAt;
    figures.push(`edit 10% → 60% seen after ${tookMs} ms`);
    assert.ok(tookMs <= 2000, `took ${tookMs} ms`);
    const [s0] = await settledHits();
    await spreadCalls(client, 2000, 20);
    const [s1] = await settledHits();
    const share = (s1 - s0) / 2000;
    figures.push(`after edit sandbox ${(share * 100).toFixed(1)}%`);
    assert.ok(Math.abs(share - 0.6) <= 0.05, `sandbox got ${(share * 100).toFixed(1)}% after the edit`);
  });

  it('a ShadowNetwork with full fidelity gets every request, marked -shadow, and its answers are dropped', async () => {
    shadow.status = 500;
    await h.writeConfig(docs(60, 25, true));
    await eventually(async () => {
      const before = shadow.hits;
      await spreadCalls(client, 20, 5);
      await new Promise((r) => setTimeout(r, 100));
      return shadow.hits - before === 20;
    }, 5000, 0, 'the shadow cluster gets copies');
    const before = shadow.hits;
    const counts = await spreadCalls(client, 1000, 20);
    assert.deepEqual(errorsIn(counts), [], 'a failing shadow never fails the client');
    await eventually(() => shadow.hits - before === 1000, 3000, 50, 'every request copied to the shadow');
    assert.deepEqual([...shadow.hosts.keys()], ['front-shadow']);
    const status = await h.adminJson('/debug/mirrors');
    assert.deepEqual(status.shadows.map((x: any) => [x.cluster, x.fidelity, x.percent]), [['primary-shadow', 'full', 100]]);
  });
});
