/**
 * Policy benchmark (`npm run bench:policies`): every scenario of a suite × every policy × N seeds
 * in the simulator (sandbox/sim), with the production scorer and the shipped ONNX model for
 * Prescient. Prints a markdown table (medians over seeds, 95% intervals) and writes
 * bench/results/policies.json: {scenarios: [{name, policies: [{name, p50Ms, p99Ms, p999Ms,
 * errorRate, goodput, ci: {...}, ...}]}]}.
 *
 * Options:
 *   --scenarios FILE   scenario file (YAML/JSON, sandbox/README.md); default the built-in suite
 *   --seeds N          seeds per cell (default 10)
 *   --policies LIST    comma-separated: round-robin, least-request, peak-ewma, static, prescient,
 *                      or a ScoringPolicy file (YAML/JSON) run as Prescient with that policy
 *   --only NAMES       comma-separated scenario names to run
 *   --out FILE         default bench/results/policies.json
 *   --no-model         Prescient with the EWMA forecaster only (what the root runs without a model)
 *   --naive-forecast   Prescient with a naive forecaster (the last value; forecaster ablation)
 *   --oracle-forecast  Prescient with the oracle forecaster (sandbox/sim/control/oracle-forecaster.ts:
 *                      the scenario's fault schedule at the target time applied to the measured
 *                      level; the forecaster ablation's upper bound on what a better model buys)
 *   --plots DIR        where the SVG pictures go (per scenario: latency CDF per policy, each
 *                      endpoint's share of requests and of the weights over time; seed 1);
 *                      default bench/results/plots, "" for none
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import type { ScoringPolicySpec } from '../../api/config.ts';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import { EwmaForecaster } from '../../scorer/forecast/ewma-forecaster.ts';
import type { Forecaster } from '../../scorer/forecast/types.ts';
import { formatTable, runBenchmark } from '../../sandbox/sim/bench/policy-benchmark.ts';
import type { RunSeries } from '../../sandbox/sim/report/run-result.ts';
import { writeScenarioPlots } from './plots.ts';
import { DEFAULT_POLICIES, policyByName, type PolicySpec } from '../../sandbox/sim/policies.ts';
import { DEFAULT_SUITE, loadScenarios } from '../../sandbox/sim/scenario/load-scenarios.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: DEFAULT_SUITE },
    seeds: { type: 'string', default: '10' },
    policies: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results/policies.json') },
    'no-model': { type: 'boolean', default: false },
    'naive-forecast': { type: 'boolean', default: false },
    'oracle-forecast': { type: 'boolean', default: false },
    plots: { type: 'string', default: path.join(ROOT, 'bench/results/plots') },
  },
});

function policyFromFile(file: string): PolicySpec {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as { kind?: string; spec?: ScoringPolicySpec } & ScoringPolicySpec;
  const spec = doc.kind === 'ScoringPolicy' ? doc.spec! : doc;
  return { name: `prescient:${path.basename(file).replace(/\.(ya?ml|json)$/, '')}`, kind: 'prescient', scoringPolicy: spec };
}

const policies: PolicySpec[] = values.policies
  ? values.policies.split(',').map((p) => (/\.(ya?ml|json)$/.test(p) ? policyFromFile(p) : policyByName(p)))
  : [...DEFAULT_POLICIES];
let scenarios = loadScenarios(values.scenarios);
if (values.only) {
  const only = new Set(values.only.split(','));
  scenarios = scenarios.filter((s) => only.has(s.name));
}
const seeds = Number(values.seeds);

let forecaster: Forecaster | undefined;
const oracleForecast = values['oracle-forecast'];
if (oracleForecast) forecaster = undefined; // made per run by simulate(), from the run's scenario, clock and feature store
else if (values['naive-forecast']) forecaster = new EwmaForecaster({ window: 48, horizons: [1, 3, 12], alpha: 1 });
else if (!values['no-model'] && policies.some((p) => p.kind === 'prescient')) forecaster = await loadForecaster({});

const started = performance.now();
let runs = 0;
const pictures = new Map<string, Map<string, RunSeries>>();
const { scenarios: summary } = await runBenchmark({
  scenarios,
  policies,
  seeds,
  forecaster,
  oracleForecast,
  onRun: (s, p, out) => {
    runs++;
    if (out.result.seed === 1) {
      if (!pictures.has(s.name)) pictures.set(s.name, new Map());
      pictures.get(s.name)!.set(p.name, out.series);
    }
    process.stderr.write(`\r${s.name} ${p.name} seed ${out.result.seed}          `);
  },
});
process.stderr.write('\n');
await forecaster?.close();
const wallS = (performance.now() - started) / 1000;

if (values.plots) {
  mkdirSync(values.plots, { recursive: true });
  for (const [scenario, series] of pictures) await writeScenarioPlots(values.plots, scenario, series);
}

const table = formatTable(summary);
console.log(table);
const forecasterName = oracleForecast ? 'oracle-schedule' : forecaster ? forecaster.version : 'EWMA only';
console.log(`\n${runs} runs in ${wallS.toFixed(0)} s; forecaster: ${forecasterName}`);
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(
  values.out!,
  `${JSON.stringify(
    {
      generatedBy: 'npm run bench:policies',
      seeds,
      forecaster: oracleForecast ? 'oracle-schedule' : forecaster ? forecaster.version : 'ewma',
      scenarioFile: path.relative(ROOT, values.scenarios!),
      scenarios: summary,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), values.out!)}`);
