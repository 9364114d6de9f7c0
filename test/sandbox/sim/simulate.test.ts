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

  it('prescient-least-request renders LEAST_REQUEST with the scorer\'s weights: while the control plane is stalled, clients still steer away from a degrading replica by their own requests in flight', async () => {
    // Stalled from t = 5 s (weights frozen near equal); replica 2 degrades 4x from t = 10 s.
    const stalled: Scenario = {
      name: 'stalled',
      durationS: 60,
      endpoints: [{}, {}, {}],
      load: { kind: 'constant', rps: 600 },
      controlPlane: { stalls: [{ atS: 5, forS: 60 }] },
      faults: [{ kind: 'degrade', endpoints: [2], atS: 10, factor: 4, rampS: 10, holdS: 60, recoverS: 0 }],
    };
    const shareOfDegraded = (series: { perSecond: Uint32Array; endpoints: number; bins: number }) => {
      let all = 0;
      let bad = 0;
      for (let b = 30; b < series.bins; b++)
        for (let e = 0; e < series.endpoints; e++) {
          const n = series.perSecond[b * series.endpoints + e]!;
          all += n;
          if (e === 2) bad += n;
        }
      return bad / all;
    };
    const rr = await simulate(stalled, { policy: policyByName('prescient'), seed: 1 });
    const lr = await simulate(stalled, { policy: policyByName('prescient-least-request'), seed: 1 });
    assert.equal(lr.result.pushes, rr.result.pushes, 'the same pushes reach both (none during the stall)');
    const [a, b] = [shareOfDegraded(rr.series), shareOfDegraded(lr.series)];
    assert.ok(a > 0.3, `round robin on frozen weights: ${a.toFixed(3)}`);
    assert.ok(b < a - 0.1, `least request on the same weights: ${b.toFixed(3)} vs ${a.toFixed(3)}`);
    assert.ok(lr.result.p999Ms < rr.result.p999Ms, `p99.9 ${lr.result.p999Ms} vs ${rr.result.p999Ms}`);
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
