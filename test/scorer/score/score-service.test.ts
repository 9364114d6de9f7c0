import assert from 'node:assert/strict';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { healthy, noNoise, policy, seeded, share } from './builders.ts';

describe('scoreService', () => {
  it('gives an endpoint 200 ms slower than its peers less than 10% of traffic', () => {
    const signals = [healthy('a:1', 2), healthy('b:1', 2), healthy('c:1', 202)];
    const r = scoreService({ signals, policy: policy(), rng: noNoise });
    assert.ok(share(r.weights, 'c:1') < 0.1, `slow share ${share(r.weights, 'c:1')}`);
    assert.ok(share(r.weights, 'a:1') > 0.4);
  });

  it('keeps the slow endpoint below 10% even at maximum exploration noise', () => {
    const signals = [healthy('a:1', 2), healthy('b:1', 2), healthy('c:1', 202)];
    let i = 0;
    const adversarial = () => (i++ % 3 === 2 ? 0.999 : 0); // slow endpoint up, others down
    const r = scoreService({ signals, policy: policy(), rng: adversarial });
    assert.ok(share(r.weights, 'c:1') < 0.1, `slow share ${share(r.weights, 'c:1')}`);
  });

  it('gives an endpoint that fails fast about the minimum share', () => {
    const failing = healthy('c:1', 0.1, { errorRate: 0.3 }); // fastest, below the error threshold
    const signals = [healthy('a:1', 5), healthy('b:1', 5), failing];
    const p = policy();
    const r = scoreService({ signals, policy: p, rng: noNoise });
    assert.ok(Math.abs(share(r.weights, 'c:1') - p.minShare) < 0.005, `share ${share(r.weights, 'c:1')}`);
  });

  it('gives an UNAVAILABLE endpoint the minimum share and marks it filtered', () => {
    const signals = [healthy('a:1', 5), healthy('b:1', 5), healthy('c:1', 0.1, { errorRate: 1 })];
    const r = scoreService({ signals, policy: policy(), rng: noNoise });
    assert.equal(r.scores[2]!.filtered, 'error_threshold');
    assert.ok(Math.abs(share(r.weights, 'c:1') - 0.02) < 0.005);
  });

  it('never filters every endpoint: the least bad one keeps the traffic', () => {
    const signals = [
      healthy('a:1', 5, { errorRate: 0.9 }),
      healthy('b:1', 5, { errorRate: 0.6 }),
      healthy('c:1', 5, { available: false }),
    ];
    const r = scoreService({ signals, policy: policy({ errorPenalty: 0 }), rng: noNoise });
    assert.equal(r.scores[1]!.filtered, undefined);
    assert.ok(share(r.weights, 'b:1') > 0.9);
  });

  it('emits integer weights ≥ 1 summing to 1000', () => {
    const signals = Array.from({ length: 7 }, (_, i) => healthy(`e${i}:1`, 1 + i * 30));
    const r = scoreService({ signals, policy: policy({ minShare: 0 }), rng: seeded(1) });
    const values = [...r.weights.values()];
    assert.ok(values.every((w) => Number.isInteger(w) && w >= 1));
    assert.equal(values.reduce((a, b) => a + b, 0), 1000);
  });

  it('bounds a step by maxStepFraction from the previous shares', () => {
    const signals = [healthy('a:1', 2), healthy('b:1', 2), healthy('c:1', 202)];
    const previousShares = new Map([['a:1', 1 / 3], ['b:1', 1 / 3], ['c:1', 1 / 3]]);
    const r = scoreService({ signals, policy: policy({ maxStepFraction: 0.1 }), previousShares, rng: noNoise });
    for (const [k, s] of r.shares) assert.ok(Math.abs(s - previousShares.get(k)!) <= 0.1 + 1e-9, `${k} moved to ${s}`);
    assert.ok(r.shares.get('c:1')! < 1 / 3);
  });
});
