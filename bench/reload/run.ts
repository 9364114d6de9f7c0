/**
 * `npm run bench:reload`: how long a config reload takes to apply and how long /healthz waits
 * meanwhile, for 1,000, 10,000 and 50,000 endpoints (the last as 5 Services × 10,000, the most
 * one Service may hold), plus how fast a 50,000-endpoint Service is refused. A real Prescient
 * (scorer off: this measures the config path) with one connected xDS client, so every accepted
 * config is also rendered and pushed. Each size is reloaded `RUNS` times (alternating weights so
 * every reload changes something); the median apply time and the worst /healthz are reported.
 * Writes bench/results/reload.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFiles } from '../../xds-server/config/index.ts';
import { Prescient } from '../../xds-server/app/prescient.ts';
import { silentLogger } from '../../xds-server/log.ts';
import { AckingCdsClient } from './cds-client.ts';
import { largeConfigText } from './large-config.ts';
import { measureReload } from './measure-reload.ts';

const RUNS = Number(process.env.RELOAD_RUNS ?? 3);
const SIZES: [services: number, endpoints: number][] = [
  [1, 1_000],
  [1, 10_000],
  [5, 10_000],
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number): number => Math.round(x * 10) / 10;

const dir = await fs.mkdtemp(path.join(tmpdir(), 'prescient-bench-reload-'));
const configFile = path.join(dir, 'mesh.yaml');
await fs.writeFile(configFile, largeConfigText(1, 10));
const prescient = await Prescient.start({
  configPaths: [configFile],
  xdsAddress: '127.0.0.1:0',
  adminAddress: '127.0.0.1:0',
  debounce: { quietMs: 50, maxDelayMs: 250 },
  scorer: false,
  logger: silentLogger,
});
const client = new AckingCdsClient(`127.0.0.1:${prescient.xdsPort}`, 'bench');
await client.firstResponse;

const runs = [];
for (const [services, endpoints] of SIZES) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await measureReload(prescient, configFile, largeConfigText(services, endpoints, i + 1)));
  const run = {
    endpoints: services * endpoints,
    services,
    applyMs: round(median(samples.map((s) => s.applyMs))),
    worstHealthzMs: round(Math.max(...samples.map((s) => s.worstHealthzMs))),
    maxLoopDelayMs: round(Math.max(...samples.map((s) => s.maxLoopDelayMs))),
    reloads: RUNS,
  };
  console.log(`${String(run.endpoints).padStart(6)} endpoints (${services} × ${endpoints}): apply ${run.applyMs} ms, worst /healthz ${run.worstHealthzMs} ms, event loop held ≤ ${run.maxLoopDelayMs} ms`);
  runs.push(run);
}
client.close();
await prescient.stop();

const huge = path.join(dir, 'huge.yaml');
await fs.writeFile(huge, largeConfigText(1, 50_000));
const started = performance.now();
const refused = await loadConfigFiles([huge]);
const rejectMs = round(performance.now() - started);
await fs.rm(dir, { recursive: true, force: true });
if (refused.ok) throw new Error('a 50,000-endpoint Service was accepted');
console.log(`a 50,000-endpoint Service refused in ${rejectMs} ms`);

const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', load1: round(loadavg()[0]!) };
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '../results/reload.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ machine, runs, reject50kServiceMs: rejectMs }, null, 2)}\n`);
console.log(`wrote ${out}`);
