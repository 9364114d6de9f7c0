/**
 * Backlash (`damping.reversalDelay`, score/backlash.ts) through the pure scoring pipeline: a target
 * that flips across the shares every interval moves them back and forth without it and leaves them
 * still with it; a target that stays on the other side gets through after the delay; an endpoint
 * taken out by a threshold is shed at once.
 */
import assert from 'node:assert/strict';
import type { ShareMemory } from '../../../scorer/score/backlash.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import type { EndpointSignals } from '../../../scorer/score/types.ts';
import { healthy, noNoise, policy } from './builders.ts';

const KEYS = ['a', 'b', 'c'];

/** Request-path latencies per endpoint; the probes agree with them. */
const signals = (ms: readonly number[], extra: Partial<EndpointSignals>[] = []): EndpointSignals[] =>
  KEYS.map((k, i) => healthy(k, ms[i]!, { requestLatencyMs: ms[i]!, ...extra[i] }));

/** Runs intervals of 1 s with the given latencies each; returns a's share after each. */
function drive(reversalDelayMs: number, latencies: readonly (readonly number[])[], extra?: (i: number) => Partial<EndpointSignals>[]): number[] {
  const p = policy({ reversalDelayMs, intervalMs: 1000, explorationBase: 0, explorationMax: 0 });
  let shares: Map<string, number> | undefined;
  let memory: ShareMemory | undefined;
  const out: number[] = [];
  latencies.forEach((ms, i) => {
    const r = scoreService({ signals: signals(ms, extra?.(i)), policy: p, previousShares: shares, memory, gain: 0.3, gainUp: 0.3, rng: noNoise });
    shares = r.shares;
    memory = r.memory;
    out.push(r.shares.get('a')!);
  });
  return out;
}

const reversals = (xs: readonly number[]): number => {
  let n = 0;
  let dir = 0;
  for (let i = 1; i < xs.length; i++) {
    const d = Math.sign(xs[i]! - xs[i - 1]!);
    if (d === 0) continue;
    if (dir !== 0 && d !== dir) n++;
    dir = d;
  }
  return n;
};

describe('backlash (damping.reversalDelay)', () => {
  // a settles somewhat above a third, then its latency reading flips between better and worse
  // than its peers' every interval: noise around an operating point.
  const settle = Array.from({ length: 10 }, () => [20, 30, 30]);
  const flipping = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? [15, 30, 30] : [30, 20, 20]));

  it('off (the default): the shares follow a flipping target back and forth', () => {
    assert.equal(policy().reversalDelayMs, 0);
    const a = drive(0, [...settle, ...flipping]).slice(settle.length);
    assert.ok(reversals(a) >= 15, `${reversals(a)} reversals: ${a.map((x) => x.toFixed(3)).join(' ')}`);
  });

  it('5 s: the same flipping target leaves the shares (nearly) still', () => {
    const a = drive(5000, [...settle, ...flipping]).slice(settle.length);
    assert.ok(reversals(a) <= 2, `${reversals(a)} reversals: ${a.map((x) => x.toFixed(3)).join(' ')}`);
  });

  it('5 s: a target that stays on the other side gets through after five intervals', () => {
    // a rises during settle; then it turns slow for good.
    const a = drive(5000, [...settle, ...Array.from({ length: 10 }, () => [60, 20, 20])]);
    const base = a[settle.length - 1]!;
    const after = a.slice(settle.length);
    assert.ok(after.slice(0, 4).every((x) => x === base), `held for four intervals: ${after.map((x) => x.toFixed(3)).join(' ')}`);
    assert.ok(after[after.length - 1]! < base - 0.05, `then shed: ${after.map((x) => x.toFixed(3)).join(' ')}`);
  });

  it('5 s: an endpoint over the error threshold is shed at once, as without backlash', () => {
    const failing = (i: number) => (i >= settle.length ? [{ errorRate: 0.9 }, {}, {}] : [{}, {}, {}]);
    const run = [...settle, [20, 30, 30], [20, 30, 30]];
    const [on, off] = [drive(5000, run, failing), drive(0, run, failing)];
    assert.ok(on[settle.length]! < on[settle.length - 1]! - 0.1, `a's share when it fails: ${on.map((x) => x.toFixed(3)).join(' ')}`);
    assert.deepEqual(on.slice(settle.length), off.slice(settle.length));
  });
});
