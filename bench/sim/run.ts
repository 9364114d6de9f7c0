/**
 * Simulator benchmark (`npm run bench:sim`): how fast the simulator runs 1,000,000 requests with
 * the production scorer in the loop (ONNX model on one intra-op thread, a tick every simulated
 * second, probes and LRS reports feeding it) — ten replicas, four Envoy clients, 2,000 req/s for
 * 500 simulated seconds, one replica slowed by 200 ms halfway. Also runs the same scenario under
 * round robin (no scorer) to show what the scorer costs. Writes bench/results/sim.json.
 *
 * Options: `--requests N` (default 1,000,000), `--out FILE`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import { policyByName } from '../../sandbox/sim/policies.ts';
import type { Scenario } from '../../sandbox/sim/scenario/scenario.ts';
import { simulate } from '../../sandbox/sim/simulate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/sim.json') },
  },
});
const RPS = 2000;
const durationS = Math.ceil(Number(values.requests) / RPS);
const scenario: Scenario = {
  name: 'bench-sim',
  durationS,
  endpoints: Array.from({ length: 10 }, () => ({ servers: 16 })),
  clients: { count: 4 },
  load: { kind: 'constant', rps: RPS },
  faults: [{ kind: 'slowdown', endpoints: [9], atS: durationS / 2, extraMs: 200 }],
};

const forecaster = await loadForecaster({ intraOpNumThreads: 1 });
const rows = [];
for (const policy of ['round-robin', 'prescient']) {
  const load = loadavg()[0];
  const t0 = performance.now();
  const { result } = await simulate(scenario, { policy: policyByName(policy), seed: 1, forecaster });
  const wallMs = performance.now() - t0;
  const row = {
    policy,
    requests: result.requests,
    simulatedS: durationS,
    scorerTicks: result.scorerTicks,
    wallMs: Math.round(wallMs),
    requestsPerWallSecond: Math.round(result.requests / (wallMs / 1000)),
    loadAverageBefore: Number(load!.toFixed(2)),
  };
  rows.push(row);
  console.log(`${policy.padEnd(12)} ${row.requests} requests, ${row.scorerTicks} scorer ticks: ${(wallMs / 1000).toFixed(2)} s (${row.requestsPerWallSecond} req/s)`);
}
await forecaster.close();
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(
  values.out!,
  `${JSON.stringify({ generatedBy: 'npm run bench:sim', node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, model: forecaster.version, rows }, null, 2)}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), values.out!)}`);
