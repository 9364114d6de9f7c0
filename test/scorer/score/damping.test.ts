import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dampShares } from '../../../scorer/score/damping.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { healthy, noNoise, policy } from './builders.ts';

const distribution = (n: number) =>
  fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((xs) => {
    const sum = xs.reduce((a, b) => a + b, 0);
    return new Map(xs.map((x, i) => [`e${i}`, x / sum]));
  });

describe('dampShares', () => {
  it('never moves a share by more than maxStepFraction and keeps the sum at 1', () => {
    fc.assert(
      fc.property(distribution(4), distribution(4), fc.double({ min: 0.01, max: 1, noNaN: true }), (prev, target, step) => {
        const { shares } = dampShares(prev, target, { maxStepFraction: step, hysteresis: 0 });
        let sum = 0;
        for (const [k, s] of shares) {
          assert.ok(Math.abs(s - prev.get(k)!) <= step + 1e-9);
          sum += s;
        }
        assert.ok(Math.abs(sum - 1) < 1e-9);
      }),
    );
  });

  it('keeps the previous shares while the largest move stays inside the dead band', () => {
    const prev = new Map([['a', 0.5], ['b', 0.5]]);
    const r = dampShares(prev, new Map([['a', 0.51], ['b', 0.49]]), { maxStepFraction: 1, hysteresis: 0.02 });
    assert.equal(r.moved, false);
    assert.deepEqual([...r.shares], [...prev]);
  });

  it('does not flap when latencies oscillate slightly around an operating point', () => {
    let previousShares: Map<string, number> | undefined;
    const seen = new Set<string>();
    for (let tick = 0; tick < 40; tick++) {
      const wobble = tick % 2 === 0 ? 0.3 : -0.3;
      const signals = [healthy('a:1', 10 + wobble), healthy('b:1', 10 - wobble)];
      const r = scoreService({ signals, policy: policy(), previousShares, rng: noNoise });
      previousShares = r.shares;
      if (tick >= 1) seen.add(JSON.stringify([...r.weights]));
    }
    assert.equal(seen.size, 1, `weights changed: ${[...seen].join(' | ')}`);
  });

  it('starts new endpoints from their target and drops removed ones', () => {
    const prev = new Map([['a', 0.5], ['b', 0.5]]);
    const r = dampShares(prev, new Map([['a', 0.4], ['c', 0.6]]), { maxStepFraction: 1, hysteresis: 0 });
    assert.deepEqual([...r.shares.keys()].sort(), ['a', 'c']);
    assert.ok(Math.abs(r.shares.get('a')! + r.shares.get('c')! - 1) < 1e-9);
  });
});
