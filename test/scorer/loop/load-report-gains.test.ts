/**
 * The loop gains of a service scored on load reports (compute-tick.ts loadReportGains) and the
 * first interval of such a service (score-service.ts): with frequent reports the gain per second
 * is bounded by GAIN_BASIS_MS, except that an obviously slow request path is shed per report; a
 * first interval already on load reports does not jump to one report's target.
 */
import assert from 'node:assert/strict';
import { GAIN_BASIS_MS, loadReportGains, meanOfLast, perTickGain, REQUEST_LATENCY_GAIN, REQUEST_LATENCY_GAIN_UP, smoothingSteps, standardErrorOfLast } from '../../../scorer/loop/compute-tick.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { healthy, policy } from '../score/builders.ts';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe('load-report loop gains', () => {
  const similar = [healthy('fast', 1, { requestLatencyMs: 8 }), healthy('a', 1, { requestLatencyMs: 30 }), healthy('b', 1, { requestLatencyMs: 40 })];
  const slowPath = [healthy('a', 1, { requestLatencyMs: 22 }), healthy('b', 1, { requestLatencyMs: 24 }), healthy('slow', 1, { requestLatencyMs: 222 })];

  it('with 1-s reports, moves no more per second than one report’s gain per GAIN_BASIS_MS', () => {
    const g = loadReportGains(similar, 1000, 1000);
    assert.ok(close(g.gain, perTickGain(REQUEST_LATENCY_GAIN, 1000, GAIN_BASIS_MS)), String(g.gain));
    assert.ok(close(g.gainUp, perTickGain(REQUEST_LATENCY_GAIN_UP, 1000, GAIN_BASIS_MS)), String(g.gainUp));
    assert.ok(g.gain < REQUEST_LATENCY_GAIN / 2);
  });

  it('sheds an obviously slow request path (≥ 3x and ≥ 50 ms) by a full report’s gain per report; rising stays slow', () => {
    const g = loadReportGains(slowPath, 1000, 1000);
    assert.ok(close(g.gain, REQUEST_LATENCY_GAIN), String(g.gain));
    assert.ok(close(g.gainUp, perTickGain(REQUEST_LATENCY_GAIN_UP, 1000, GAIN_BASIS_MS)));
  });

  it('with reports every 10 s or more, the gains are per report as before', () => {
    const g = loadReportGains(similar, 1000, 10_000);
    assert.ok(close(g.gain, perTickGain(REQUEST_LATENCY_GAIN, 1000, 10_000)));
    assert.ok(close(g.gainUp, perTickGain(REQUEST_LATENCY_GAIN_UP, 1000, 10_000)));
  });

  it('a first interval already on load reports starts from equal shares instead of jumping to its target', () => {
    const { gain, gainUp } = loadReportGains(slowPath, 1000, 1000);
    const first = scoreService({ signals: slowPath, policy: policy(), rng: () => 0.5, gain, gainUp });
    const slow = first.shares.get('slow')!;
    // One step of gain 0.4 from 1/3 towards a target near the floor: about 0.2, not the floor.
    assert.ok(slow > 0.15 && slow < 1 / 3, String(slow));
    // Without a gain (probe-scored services, tests of the pure map) the first interval is the target.
    const jump = scoreService({ signals: slowPath, policy: policy(), rng: () => 0.5 });
    assert.ok(jump.shares.get('slow')! < 0.05, String(jump.shares.get('slow')));
  });

  it('with reports faster than GAIN_BASIS_MS, request-path latency is the mean of the window’s last GAIN_BASIS_MS; otherwise the latest value', () => {
    assert.equal(smoothingSteps(1000, 1000, 48), GAIN_BASIS_MS / 1000);
    assert.equal(smoothingSteps(10_000, 1000, 48), 1);
    assert.equal(smoothingSteps(GAIN_BASIS_MS, 1000, 48), 1);
    assert.equal(smoothingSteps(1000, 1000, 3), 3, 'never more than the window');
    // Two rows of a 6-step window: row 1's last five steps are 10, 30, 10, 30, 40.
    const windows = new Float32Array([1, 1, 1, 1, 1, 1, 99, 10, 30, 10, 30, 40]);
    assert.equal(meanOfLast(windows, 1, 6, 5), 24);
    assert.equal(meanOfLast(windows, 1, 6, 1), 40);
    assert.equal(meanOfLast(windows, 0, 6, 5), 1);
  });

  it('the standard error of that mean comes from successive differences, which a steady drift barely inflates', () => {
    // Alternating 10, 30: each difference is 20, so σ² = 20²/2 = 200 and the mean of 5 has σ/√5.
    const alternating = new Float32Array([10, 30, 10, 30, 10, 30, 10, 30, 10]);
    assert.ok(Math.abs(standardErrorOfLast(alternating, 0, 9, 5, 9) - Math.sqrt(200 / 5)) < 1e-9);
    // A ramp of 1 ms per step has differences of 1: σ² = 0.5, although the values span 8 ms.
    const ramp = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(Math.abs(standardErrorOfLast(ramp, 0, 9, 5, 9) - Math.sqrt(0.5 / 5)) < 1e-9);
    // Only the last `span` steps count; a span of one step gives no estimate.
    const late = new Float32Array([0, 100, 0, 100, 5, 5, 5, 5, 5]);
    assert.equal(standardErrorOfLast(late, 0, 9, 5, 5), 0);
    assert.equal(standardErrorOfLast(late, 0, 9, 5, 1), Number.POSITIVE_INFINITY);
  });
});
