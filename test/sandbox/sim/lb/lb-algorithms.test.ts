import assert from 'node:assert/strict';
import { EdfScheduler } from '../../../../sandbox/sim/lb/edf-scheduler.ts';
import { leastRequestPicker } from '../../../../sandbox/sim/lb/least-request.ts';
import { PeakEwma, peakEwmaPicker } from '../../../../sandbox/sim/lb/peak-ewma.ts';
import { randomPicker } from '../../../../sandbox/sim/lb/random.ts';
import { ringHashPicker } from '../../../../sandbox/sim/lb/ring-hash.ts';
import { roundRobinPicker } from '../../../../sandbox/sim/lb/round-robin.ts';
import { SimHost, type HostPicker } from '../../../../sandbox/sim/lb/sim-host.ts';
import { SeededRng } from '../../../../sandbox/sim/rng.ts';

function hosts(weights: number[], active: number[] = []): SimHost[] {
  return weights.map((w, i) => {
    const h = new SimHost(`10.0.0.${i + 1}:80`, i);
    h.weight = w;
    h.active = active[i] ?? 0;
    return h;
  });
}

function shares(picker: HostPicker, n: number, count: number, key: () => number = () => 0): number[] {
  const c = new Array<number>(n).fill(0);
  for (let i = 0; i < count; i++) c[picker.pick(key()).index]++;
  return c.map((x) => x / count);
}

describe('simulated load-balancing algorithms, against their definitions', () => {
  it('EDF weighted round robin: shares match the weights within 1% over 1,000,000 picks', () => {
    const weights = [1, 2, 3, 10];
    const s = shares(roundRobinPicker(hosts(weights), new SeededRng(1)), 4, 1_000_000);
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => assert.ok(Math.abs(s[i]! - w / total) / (w / total) < 0.01, `host ${i}: ${s[i]} vs ${w / total}`));
  });

  it('EDF picks the earliest deadline, earlier-added first on ties, and interleaves smoothly', () => {
    const edf = new EdfScheduler<string>();
    edf.add('a', 2);
    edf.add('b', 1);
    const picks = Array.from({ length: 6 }, () => edf.pickAndAdd((x) => (x === 'a' ? 2 : 1)));
    // a at 0.5 → re-added at 1.0, after b (1.0, added earlier) → b → a 1.0 → a 1.5 → b 2.0 (earlier) → a 2.0.
    assert.deepEqual(picks, ['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('equal weights: round robin visits every host once per cycle', () => {
    const p = roundRobinPicker(hosts([1, 1, 1]), new SeededRng(2));
    const cycle = [0, 1, 2].map(() => p.pick(0).index).sort();
    assert.deepEqual(cycle, [0, 1, 2]);
  });

  it('least request (P2C with replacement): picks match the two-choice analytic bias ((n−i)² − (n−i−1)²)/n²', () => {
    // Distinct fixed active counts; rank i = i-th fewest.
    const s = shares(leastRequestPicker(hosts([1, 1, 1, 1], [0, 1, 2, 3]), new SeededRng(3)), 4, 400_000);
    const expected = [7, 5, 3, 1].map((x) => x / 16);
    expected.forEach((e, i) => assert.ok(Math.abs(s[i]! - e) < 0.005, `rank ${i}: ${s[i]} vs ${e}`));
  });

  it('weighted least request: shares ∝ weight / (active + 1) (active_request_bias 1)', () => {
    const s = shares(leastRequestPicker(hosts([1, 2, 4], [0, 0, 3]), new SeededRng(4)), 3, 100_000);
    const eff = [1, 2, 1];
    eff.forEach((e, i) => assert.ok(Math.abs(s[i]! - e / 4) < 0.01, `host ${i}: ${s[i]} vs ${e / 4}`));
  });

  it('ring hash: each host owns hash space in proportion to its weight, and a key always maps to the same host', () => {
    const rng = new SeededRng(5);
    const p = ringHashPicker(hosts([1, 3]), 16_384);
    const s = shares(p, 2, 200_000, () => (rng.next() * 4294967296) >>> 0);
    assert.ok(Math.abs(s[1]! - 0.75) < 0.03, `heavy host: ${s[1]}`);
    assert.equal(p.pick(123456).index, p.pick(123456).index);
  });

  it('random: uniform, weights ignored', () => {
    const s = shares(randomPicker(hosts([1, 100]), new SeededRng(6)), 2, 100_000);
    assert.ok(Math.abs(s[0]! - 0.5) < 0.01);
  });

  it('peak EWMA: jumps to a higher latency at once, decays towards lower ones with τ, prefers the cheaper of two', () => {
    const e = new PeakEwma({ tauMs: 10_000 });
    const [a, b] = hosts([1, 1]);
    e.observe(a!, 10, 1);
    e.observe(a!, 200, 2);
    assert.equal(a!.ewmaMs, 200);
    e.observe(a!, 10, 10_002);
    const w = Math.exp(-1);
    assert.ok(Math.abs(a!.ewmaMs - (200 * w + 10 * (1 - w))) < 1e-9);
    e.observe(b!, 5, 10_002);
    const s = shares(peakEwmaPicker(hosts([1, 1]).map((h, i) => (i === 0 ? a! : b!)), new SeededRng(7), e, () => 10_002), 2, 1000);
    assert.equal(s[1], 1);
  });
});
