/**
 * The policy benchmark: every scenario × policy × seed simulated, then per scenario and policy the
 * median over seeds with a 95% interval of the latency percentiles, error rate and goodput, and
 * the medians of the other measures. Seeds are 1..N, so anyone can rerun a cell.
 */
import type { Forecaster } from '../../../scorer/forecast/types.ts';
import type { PolicySpec } from '../policies.ts';
import type { RunResult } from '../report/run-result.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { simulate, type SimulateOutput } from '../simulate.ts';
import { medianCi, type MedianCi } from './stats.ts';

export interface PolicySummary {
  readonly name: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly errorRate: number;
  readonly goodput: number;
  readonly timeToShiftS: number | null;
  readonly herdingIndex: number;
  readonly weightUpdates: number;
  readonly ci: { readonly p50Ms: MedianCi; readonly p99Ms: MedianCi; readonly p999Ms: MedianCi; readonly errorRate: MedianCi; readonly goodput: MedianCi };
  readonly seeds: number;
}

export interface ScenarioSummary {
  readonly name: string;
  readonly description?: string;
  readonly policies: PolicySummary[];
}

export interface BenchmarkOptions {
  readonly scenarios: readonly Scenario[];
  readonly policies: readonly PolicySpec[];
  readonly seeds: number;
  readonly forecaster?: Forecaster;
  /** Prescient with the oracle forecaster (simulate's `oracleForecast`) instead of `forecaster`. */
  readonly oracleForecast?: boolean;
  /** Called after each run (progress, pictures). */
  readonly onRun?: (scenario: Scenario, policy: PolicySpec, out: SimulateOutput) => void;
}

function summarise(name: string, runs: readonly RunResult[]): PolicySummary {
  const ci = (f: (r: RunResult) => number) => medianCi(runs.map(f));
  const shifts = runs.map((r) => r.timeToShiftS).filter((x): x is number => x !== null);
  const c = {
    p50Ms: ci((r) => r.p50Ms),
    p99Ms: ci((r) => r.p99Ms),
    p999Ms: ci((r) => r.p999Ms),
    errorRate: ci((r) => r.errorRate),
    goodput: ci((r) => r.goodput),
  };
  return {
    name,
    p50Ms: c.p50Ms.median,
    p99Ms: c.p99Ms.median,
    p999Ms: c.p999Ms.median,
    errorRate: c.errorRate.median,
    goodput: c.goodput.median,
    // Median over the seeds where it shifted at all; null when it never did in most seeds.
    timeToShiftS: shifts.length * 2 > runs.length ? medianCi(shifts).median : null,
    herdingIndex: medianCi(runs.map((r) => r.herdingIndex)).median,
    weightUpdates: medianCi(runs.map((r) => r.weightChurn.updates)).median,
    ci: c,
    seeds: runs.length,
  };
}

export async function runBenchmark(o: BenchmarkOptions): Promise<{ scenarios: ScenarioSummary[]; runs: RunResult[] }> {
  const scenarios: ScenarioSummary[] = [];
  const all: RunResult[] = [];
  for (const scenario of o.scenarios) {
    const policies: PolicySummary[] = [];
    for (const policy of o.policies) {
      const runs: RunResult[] = [];
      for (let seed = 1; seed <= o.seeds; seed++) {
        const out = await simulate(scenario, { policy, seed, forecaster: o.forecaster, oracleForecast: o.oracleForecast });
        runs.push(out.result);
        o.onRun?.(scenario, policy, out);
      }
      all.push(...runs);
      policies.push(summarise(policy.name, runs));
    }
    scenarios.push({ name: scenario.name, ...(scenario.description && { description: scenario.description }), policies });
  }
  return { scenarios, runs: all };
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** A markdown table: one row per scenario and policy, best p99.9 per scenario in bold. */
export function formatTable(scenarios: readonly ScenarioSummary[]): string {
  const lines = [
    '| scenario | policy | p50 ms | p99 ms [95% CI] | p99.9 ms [95% CI] | error rate | goodput | shift s |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of scenarios) {
    const best = Math.min(...s.policies.map((p) => p.p999Ms));
    for (const p of s.policies) {
      const p999 = `${fmt(p.p999Ms)} [${fmt(p.ci.p999Ms.lo)}–${fmt(p.ci.p999Ms.hi)}]`;
      lines.push(
        `| ${s.name} | ${p.name} | ${fmt(p.p50Ms)} | ${fmt(p.p99Ms)} [${fmt(p.ci.p99Ms.lo)}–${fmt(p.ci.p99Ms.hi)}] | ${p.p999Ms === best ? `**${p999}**` : p999} | ${(p.errorRate * 100).toFixed(2)}% | ${(p.goodput * 100).toFixed(2)}% | ${p.timeToShiftS ?? '-'} |`,
      );
    }
  }
  return lines.join('\n');
}
