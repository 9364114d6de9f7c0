import assert from 'node:assert/strict';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { floorShare } from '../../../scorer/score/shares.ts';
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
    assert.ok(Math.abs(share(r.weights, 'c:1') - floorShare(p.minShare, 3)) < 0.005, `share ${share(r.weights, 'c:1')}`);
  });

  it('gives an UNAVAILABLE endpoint the minimum share and marks it filtered', () => {
    const signals = [healthy('a:1', 5), healthy('b:1', 5), healthy('c:1', 0.1, { errorRate: 1 })];
    const r = scoreService({ signals, policy: policy(), rng: noNoise });
    assert.equal(r.scores[2]!.filtered, 'error_threshold');
    assert.ok(Math.abs(share(r.weights, 'c:1') - floorShare(policy().minShare, 3)) < 0.005);
  });

  // Changed in issue 9: it used to keep the "least bad" one eligible alone, which put ~96% of the
  // traffic on one backend whenever every probe failed (servers without grpc.health.v1).
  it('never concentrates traffic when every endpoint fails a check: all stay eligible, reasons reported', () => {
    const signals = [healthy('a:1', 5, { available: false }), healthy('b:1', 5, { available: false }), healthy('c:1', 5, { available: false })];
    const r = scoreService({ signals, policy: policy(), rng: noNoise });
    for (const k of ['a:1', 'b:1', 'c:1']) assert.ok(Math.abs(share(r.weights, k) - 1 / 3) < 0.01, `${k}: ${share(r.weights, k)}`);
    assert.deepEqual(r.scores.map((x) => x.filtered), ['unavailable', 'unavailable', 'unavailable']);
    // Failing on different checks, they are scored on the rest (errors penalised, graded).
    const mixed = [healthy('a:1', 5, { errorRate: 0.9 }), healthy('b:1', 5, { errorRate: 0.6 }), healthy('c:1', 5, { available: false })];
    const m = scoreService({ signals: mixed, policy: policy({ errorPenalty: 0 }), rng: noNoise });
    for (const k of ['a:1', 'b:1', 'c:1']) assert.ok(share(m.weights, k) < 0.6, `${k}: ${share(m.weights, k)}`);
  });

  it('keeps a floor relative to the fair share: minShare × 1/n', () => {
    for (const n of [3, 50]) {
      const signals = Array.from({ length: n }, (_, i) => healthy(`e${i}:1`, i === 0 ? 500 : 2));
      const r = scoreService({ signals, policy: policy({ minShare: 0.05 }), rng: noNoise });
      const slow = r.shares.get('e0:1')!;
      assert.ok(Math.abs(slow - 0.05 / n) < 0.2 / n, `n=${n}: slow share ${slow}`);
      assert.ok(slow < 0.5 / n, `n=${n}: the scorer still acts with ${n} endpoints`);
    }
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
