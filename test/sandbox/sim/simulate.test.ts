import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rateFunction } from '../../../sandbox/sim/load/load-profile.ts';
import { formatTable, runBenchmark } from '../../../sandbox/sim/bench/policy-benchmark.ts';
import { medianCi } from '../../../sandbox/sim/bench/stats.ts';
import { DEFAULT_POLICIES, policyByName } from '../../../sandbox/sim/policies.ts';
import { loadScenarios } from '../../../sandbox/sim/scenario/load-scenarios.ts';
import type { Scenario } from '../../../sandbox/sim/scenario/scenario.ts';
import { simulate } from '../../../sandbox/sim/simulate.ts';

const small: Scenario = {
  name: 'small',
  durationS: 30,
  endpoints: [{}, {}, {}],
  load: { kind: 'constant', rps: 300 },
  faults: [{ kind: 'fast-errors', endpoints: [2], atS: 5 }],
};

describe('simulate', () => {
  it('is deterministic: the same seed gives byte-identical results and series; another seed does not', async () => {
    const policy = policyByName('prescient');
    const a = await simulate(small, { policy, seed: 7 });
    const b = await simulate(small, { policy, seed: 7 });
    const c = await simulate(small, { policy, seed: 8 });
    assert.equal(JSON.stringify(a.result), JSON.stringify(b.result));
    assert.deepEqual(Buffer.from(a.series.perSecond.buffer), Buffer.from(b.series.perSecond.buffer));
    assert.deepEqual(Buffer.from(a.series.weightShare.buffer), Buffer.from(b.series.weightShare.buffer));
    assert.notEqual(JSON.stringify(a.result), JSON.stringify(c.result));
  });

  it('closes the loop: the production scorer ticks every second, its weights reach the clients and cut a fast-failing replica\'s traffic', async () => {
    const rr = (await simulate(small, { policy: policyByName('round-robin'), seed: 1 })).result;
    const { result, series } = await simulate(small, { policy: policyByName('prescient'), seed: 1 });
    assert.equal(result.scorerTicks, 29);
    assert.ok(result.pushes > 0);
    assert.ok(result.timeToShiftS !== null && result.timeToShiftS < 20, `shift ${result.timeToShiftS}`);
    // Commanded share of the failing replica at the end (weights client 0 applied).
    const last = series.weightShare[(series.bins - 1) * series.endpoints + 2]!;
    assert.ok(last < 0.1, `failing replica keeps ${last}`);
    assert.ok(result.errorRate < rr.errorRate / 2, `${result.errorRate} vs round robin ${rr.errorRate}`);
  });

  it('gRPC clients run the same scenario (weighted localities from the gRPC rendering)', async () => {
    const { result } = await simulate({ ...small, clients: { flavor: 'grpc', count: 2 } }, { policy: policyByName('prescient'), seed: 1 });
    assert.ok(result.requests > 8000 && result.timeToShiftS !== null);
  });
});

describe('policy benchmark', () => {
  it('one-seed smoke of every default scenario (shortened to 10 s) under every policy: structure and sanity only', async () => {
    const scenarios = loadScenarios().map((s) => ({ ...s, durationS: 10 }));
    assert.equal(scenarios.length, 9);
    const { scenarios: out, runs } = await runBenchmark({ scenarios, policies: DEFAULT_POLICIES, seeds: 1 });
    assert.equal(runs.length, 9 * DEFAULT_POLICIES.length);
    for (const s of out) {
      assert.deepEqual(s.policies.map((p) => p.name), DEFAULT_POLICIES.map((p) => p.name));
      for (const p of s.policies) {
        assert.ok(p.p50Ms > 0 && p.p50Ms <= p.p99Ms && p.p99Ms <= p.p999Ms, `${s.name}/${p.name}`);
        assert.ok(p.errorRate >= 0 && p.errorRate <= 1 && p.goodput >= 0 && p.goodput <= 1);
        assert.ok(p.ci.p99Ms.lo <= p.p99Ms && p.p99Ms <= p.ci.p99Ms.hi);
      }
    }
    assert.match(formatTable(out), /\| slow-replica \| prescient \|/);
  });

  it('reads scenario files: a trace load from a shipped CSV scaled to a mean rate; bad files name themselves', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-'));
    const file = path.join(dir, 's.yaml');
    const trace = path.resolve('data/traces/ec2_network_in_257a54.csv');
    writeFileSync(file, `scenarios:\n  - name: t\n    durationS: 5\n    endpoints: [{}]\n    load: { kind: trace, file: ${trace}, rps: 100, stepS: 1 }\n`);
    const [s] = loadScenarios(file);
    assert.equal(s!.load.kind, 'trace');
    const rate = rateFunction(s!.load);
    const values = (s!.load as unknown as { values: number[] }).values;
    assert.ok(values.length > 4000);
    const mean = values.reduce((_, __, i) => _ + rate(i), 0) / values.length;
    assert.ok(Math.abs(mean - 100) < 1e-6, String(mean));
    writeFileSync(file, 'scenarios:\n  - name: x\n');
    assert.throws(() => loadScenarios(file), /SIM_SCENARIO_INVALID.*s\.yaml, scenario 0/);
  });

  it('median intervals are the binomial order statistics (n = 10: x(2)..x(9))', () => {
    assert.deepEqual(medianCi([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), { median: 5.5, lo: 2, hi: 9 });
    assert.deepEqual(medianCi([3, 1, 2]), { median: 2, lo: 1, hi: 3 });
  });
});
