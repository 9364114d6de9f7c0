import assert from 'node:assert/strict';
import { scoreEndpoints } from '../../../scorer/score/score-endpoints.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { floorShare } from '../../../scorer/score/shares.ts';
import { healthy, policy } from './builders.ts';

describe('scoring request-path latency', () => {
  it('an endpoint whose probes are fast but whose request path is 10x slower scores below its peers', () => {
    const [a, b, slow] = scoreEndpoints(
      [healthy('a', 2, { requestLatencyMs: 22 }), healthy('b', 2, { requestLatencyMs: 22 }), healthy('slow', 2, { requestLatencyMs: 220 })],
      policy(),
    );
    assert.equal(a!.components.performance, 1);
    assert.equal(b!.components.performance, 1);
    assert.ok(slow!.components.performance < 0.15, String(slow!.components.performance));
  });

  it('takes the worse of the two: slow probes still count when the request path looks fine', () => {
    const [, slow] = scoreEndpoints([healthy('a', 1, { requestLatencyMs: 20 }), healthy('slow', 200, { requestLatencyMs: 20 })], policy());
    assert.ok(slow!.components.performance < 0.05);
  });

  it('without any request-path reading, scoring is what probes say (unchanged)', () => {
    const [a, b] = scoreEndpoints([healthy('a', 10), healthy('b', 20)], policy());
    assert.equal(a!.components.performance, 1);
    assert.equal(b!.components.performance, 15 / 25);
  });
});

describe('loop gain below 1 (scoreService gain)', () => {
  const quiet = policy({ explorationBase: 0, explorationMax: 0, hysteresis: 0, maxStepFraction: 1 });
  const previous = new Map([['a', 1 / 3], ['b', 1 / 3], ['slow', 1 / 3]]);
  const signals = [healthy('a', 2, { requestLatencyMs: 22 }), healthy('b', 2, { requestLatencyMs: 22 }), healthy('slow', 2, { requestLatencyMs: 220 })];

  it('moves a quarter of the way to the target per interval with gain 0.25, all the way with the default', () => {
    const full = scoreService({ signals, policy: quiet, previousShares: previous, rng: () => 0.5 });
    const quarter = scoreService({ signals, policy: quiet, previousShares: previous, rng: () => 0.5, gain: 0.25 });
    const target = full.shares.get('slow')!;
    assert.ok(target < 0.2);
    assert.ok(Math.abs(quarter.shares.get('slow')! - (1 / 3 + 0.25 * (target - 1 / 3))) < 1e-9);
    assert.ok(Math.abs([...quarter.shares.values()].reduce((x, y) => x + y, 0) - 1) < 1e-9);
  });

  it('an endpoint taken out of the competition (errors over the threshold) drops to its floor at once, whatever the gain', () => {
    const failing = [signals[0]!, signals[1]!, healthy('bad', 2, { requestLatencyMs: 22, errorRate: 0.9 })];
    const r = scoreService({ signals: failing, policy: quiet, previousShares: new Map([['a', 1 / 3], ['b', 1 / 3], ['bad', 1 / 3]]), rng: () => 0.5, gain: 0.25 });
    const floor = floorShare(quiet.minShare, 3);
    assert.ok(Math.abs(r.shares.get('bad')! - floor) < 1e-9);
    assert.ok(Math.abs(r.shares.get('a')! - (1 - floor) / 2) < 1e-9);
  });
});
