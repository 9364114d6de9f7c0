import assert from 'node:assert/strict';
import { scoreEndpoints } from '../../../scorer/score/score-endpoints.ts';
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
