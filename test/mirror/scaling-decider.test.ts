/** Scaling decisions on seeded series (virtual time, 1 s samples). */
import assert from 'node:assert/strict';
import { decideScaling, trendForecast, type Sample, type ScalingSettings } from '../../mirror/scaling-decider.ts';

const S: ScalingSettings = { scaleOutAbove: 0.7, scaleInBelow: 0.3, durationMs: 30_000, cooldownMs: 120_000, min: 2, max: 10, step: 2, startupMs: 60_000 };
const series = (from: number, to: number, value: (t: number) => number): Sample[] => {
  const out: Sample[] = [];
  for (let t = from; t <= to; t += 1000) out.push({ at: t, value: value(t) });
  return out;
};
const at = 100_000;
const input = (observed: Sample[], extra: object = {}) => ({ at, replicas: 4, observed, resolutionMs: 1000, ...extra });

describe('scaling decisions', () => {
  it('scales out only when the threshold held for the whole duration', () => {
    assert.equal(decideScaling(input(series(50_000, at, (t) => (t >= 80_000 ? 0.9 : 0.5))), S), undefined, '20 s above is not 30 s');
    const d = decideScaling(input(series(50_000, at, (t) => (t >= 70_000 ? 0.9 : 0.5))), S)!;
    assert.deepEqual([d.action, d.from, d.to, d.basis], ['scale-out', 4, 6, 'observed']);
    assert.equal(decideScaling(input(series(50_000, at, (t) => (t === 90_000 ? 0.6 : 0.9))), S), undefined, 'one dip breaks the duration');
    assert.equal(decideScaling(input(series(85_000, at, () => 0.9)), S), undefined, 'samples must cover the duration');
  });

  it('respects the cooldown, min and max', () => {
    const high = series(50_000, at, () => 0.9);
    assert.equal(decideScaling(input(high, { lastActionAt: at - 60_000 }), S), undefined);
    assert.equal(decideScaling(input(high, { lastActionAt: at - 120_000 }), S)!.to, 6);
    assert.equal(decideScaling(input(high, { replicas: 9 }), S)!.to, 10);
    assert.equal(decideScaling(input(high, { replicas: 10 }), S), undefined);
    assert.equal(decideScaling(input(series(50_000, at, () => 0.1), { replicas: 3 }), S)!.to, 2);
    assert.equal(decideScaling(input(series(50_000, at, () => 0.1), { replicas: 2 }), S), undefined);
  });

  it('scales out ahead of time on a forecast, one start-up time before the load', () => {
    const rising = series(50_000, at, (t) => 0.3 + ((t - 50_000) / 1000) * 0.006);
    const forecast = trendForecast(rising, S.startupMs)!;
    assert.ok(forecast > 0.7 && Math.abs(forecast - (0.6 + 0.36)) < 0.01, `forecast ${forecast}`);
    const d = decideScaling(input(rising, { forecast }), S)!;
    assert.deepEqual([d.action, d.basis, d.to], ['scale-out', 'forecast', 6]);
    assert.match(d.reason, /ahead/);
    assert.equal(decideScaling(input(rising), S), undefined, 'the observed value alone (≤ 0.6) would not scale out yet');
  });

  it('never scales in on a forecast alone, and a high forecast vetoes a scale-in', () => {
    const quiet = series(50_000, at, () => 0.5);
    assert.equal(decideScaling(input(quiet, { forecast: 0.05 }), S), undefined, 'a low forecast does not scale in');
    const low = series(50_000, at, () => 0.1);
    assert.equal(decideScaling(input(low), S)!.action, 'scale-in');
    assert.equal(decideScaling(input(low, { forecast: 0.9 }), S)!.action, 'scale-out', 'a forecast above the threshold scales out ahead instead');
  });
});
