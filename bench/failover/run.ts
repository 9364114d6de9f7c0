/**
 * `npm run bench:failover`: kill every primary of a Service, measure how long until ≥ 99% of
 * client RPCs succeed again, restore it, and measure how long until traffic is back — over N
 * trials (default 10), with real clients: proxyless gRPC (@grpc/grpc-js-xds) and plain gRPC
 * through a real Envoy 1.40, both configured only by a running Prescient (the composition root
 * `prescient serve` runs), under steady load. The primary is a gRPC server in a process of its
 * own (EDS priority 0), killed with SIGKILL; the standby one in this process (priority 1).
 *
 * Switch time (per client kind): from the kill to the start of the first 100 ms bucket after
 * which every bucket up to 5 s holds ≥ 99% successful calls. Failback time: from the restart of
 * the primary to the first call it answers (it includes the policy's dwell and verification,
 * which the flags set: short by default so trials are quick; the switch does not depend on them;
 * the flap window is 1 s so trials do not double each other's dwell). FailoverPolicy probe
 * interval and failAfter are the defaults (250 ms, 2). Writes
 * bench/results/failover.json.
 *
 *   npm run bench:failover -- --trials 10 --dwell 3s --verify 2s --out bench/results/failover.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { API_VERSION } from '../../api/config.ts';
import { parseDurationMs } from '../../api/duration.ts';
import { BackendServer } from '../../examples/demo/greeter-server.ts';
import { BackendProcess } from '../../scripts/backend/backend-process.ts';
import { EnvoyProxy } from '../../scripts/envoy/envoy-process.ts';
import { Prescient } from '../../xds-server/app/prescient.ts';
import { silentLogger } from '../../xds-server/log.ts';
import { envoyClient, RecordedLoad, xdsClient, type Call } from './clients.ts';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    dwell: { type: 'string', default: '3s' },
    verify: { type: 'string', default: '2s' },
    // Each trial is a new outage, not a flap of the last one: no dwell doubling between trials.
    'flap-window': { type: 'string', default: '1s' },
    concurrency: { type: 'string', default: '4' },
    out: { type: 'string', default: 'bench/results/failover.json' },
  },
});
const TRIALS = Number(flags.trials);
const BUCKET_MS = 100;
const HORIZON_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

/** First bucket start (ms after `t0`) from which every bucket to the horizon is ≥ 99% ok. */
function switchMs(calls: Call[], t0: number, okKey: string): number {
  const buckets = Math.ceil(HORIZON_MS / BUCKET_MS);
  const ok = new Array<number>(buckets).fill(0);
  const all = new Array<number>(buckets).fill(0);
  for (const c of calls) {
    const b = Math.floor((c.at - t0) / BUCKET_MS);
    if (b < 0 || b >= buckets) continue;
    all[b]!++;
    if (c.key === okKey) ok[b]!++;
  }
  let first = buckets;
  for (let b = buckets - 1; b >= 0; b--) {
    if (all[b]! > 0 && ok[b]! / all[b]! < 0.99) break;
    first = b;
  }
  return first * BUCKET_MS;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`bench:failover: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const primary = new BackendProcess('primary');
await primary.start();
const standby = new BackendServer('standby');
await standby.start();
const dir = await fs.mkdtemp(path.join(tmpdir(), 'prescient-bench-failover-'));
const configFile = path.join(dir, 'mesh.yaml');
const listenerPort = await (async () => {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
})();
const doc = (kind: string, name: string, spec: unknown) => YAML.stringify({ apiVersion: API_VERSION, kind, metadata: { name }, spec });
await fs.writeFile(configFile, [
  doc('Service', 'greeter', { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: primary.port }, { address: '127.0.0.1', port: standby.port, priority: 1 }] }),
  doc('FailoverPolicy', 'greeter', { service: 'greeter', dwell: flags.dwell, verifyWindow: flags.verify, flapWindow: flags['flap-window'] }),
  doc('Route', 'front', { hosts: ['front'], listener: { address: '127.0.0.1', port: listenerPort }, rules: [{ backends: [{ service: 'greeter' }] }] }),
].join('---\n'));

const prescient = await Prescient.start({ configPaths: [configFile], xdsAddress: '127.0.0.1:0', adminAddress: '127.0.0.1:0', scorer: false, logger: silentLogger });
const envoy = await EnvoyProxy.start({ xdsPort: prescient.xdsPort });
const clients = { grpc: xdsClient('xds:///greeter', prescient.xdsPort), envoy: envoyClient(listenerPort, 'front') };
const load = new RecordedLoad(clients, Number(flags.concurrency));
const state = () => (prescient.currentDecisions().get('failover')?.endpoints?.length ? 'failed-over' : 'primary');
const recent = (ms: number, client: string) => load.calls.filter((c) => c.client === client && c.at >= Date.now() - ms);

const trials: { grpcSwitchMs: number; envoySwitchMs: number; decisionMs: number; failbackMs: number }[] = [];
try {
  for (let i = 0; i < TRIALS; i++) {
    await until(() => state() === 'primary' && ['grpc', 'envoy'].every((c) => recent(500, c).length > 10 && recent(500, c).every((x) => x.key === 'primary')), 60_000, 'steady traffic on the primary');
    load.forget(Date.now());
    const killedAt = Date.now();
    await primary.kill();
    await until(() => state() === 'failed-over', 10_000, 'failover decision');
    const decisionMs = Date.now() - killedAt;
    await sleep(HORIZON_MS);
    const grpcSwitchMs = switchMs(load.calls.filter((c) => c.client === 'grpc'), killedAt, 'standby');
    const envoySwitchMs = switchMs(load.calls.filter((c) => c.client === 'envoy'), killedAt, 'standby');
    const restartedAt = Date.now();
    await primary.start();
    await until(() => load.calls.some((c) => c.at >= restartedAt && c.key === 'primary'), 120_000, 'traffic back on the primary');
    const failbackMs = Math.min(...load.calls.filter((c) => c.at >= restartedAt && c.key === 'primary').map((c) => c.at)) - restartedAt;
    trials.push({ grpcSwitchMs, envoySwitchMs, decisionMs, failbackMs });
    console.log(`trial ${i + 1}/${TRIALS}: switch grpc ${grpcSwitchMs} ms, envoy ${envoySwitchMs} ms (decision ${decisionMs} ms); failback ${failbackMs} ms after restart`);
  }
} finally {
  await load.stop();
  for (const c of Object.values(clients)) c.close();
  await envoy.stop();
  await prescient.stop();
  await primary.kill();
  await standby.stop();
  await fs.rm(dir, { recursive: true, force: true });
}

const summary = (key: keyof (typeof trials)[number]) => ({ p50: quantile(trials.map((t) => t[key]), 0.5), p99: quantile(trials.map((t) => t[key]), 0.99), max: Math.max(...trials.map((t) => t[key])) });
const result = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', load1: round(loadavg()[0]!) },
  settings: { trials: TRIALS, probeIntervalMs: 250, failAfter: 2, dwellMs: parseDurationMs(flags.dwell!), verifyMs: parseDurationMs(flags.verify!), flapWindowMs: parseDurationMs(flags['flap-window']!), bucketMs: BUCKET_MS, concurrencyPerClient: Number(flags.concurrency) },
  switchMs: { grpc: summary('grpcSwitchMs'), envoy: summary('envoySwitchMs') },
  decisionMs: summary('decisionMs'),
  failbackMs: summary('failbackMs'),
  trials,
};
mkdirSync(path.dirname(flags.out!), { recursive: true });
writeFileSync(flags.out!, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ switchMs: result.switchMs, decisionMs: result.decisionMs, failbackMs: result.failbackMs }, null, 2));
console.log(`wrote ${flags.out}`);
process.exit(0);
