import assert from 'node:assert/strict';
import {
  dailyPeriod,
  dampedHolt,
  dampedSteps,
  ewma,
  ewmaLevels,
  naive,
  seasonalNaive,
  tuneDampedHolt,
  tuneEwmaAlpha,
} from '../../../scorer/forecast/baselines.ts';
import { EwmaForecaster } from '../../../scorer/forecast/ewma-forecaster.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

describe('baselines', () => {
  it('naive repeats the last observation at every horizon', () => {
    const f = naive([1, 3, 2, 4]);
    assert.equal(f.forecast(2, 1), 2);
    assert.equal(f.forecast(2, 12), 2);
  });

  it('EWMA levels follow level = α·y + (1 − α)·level', () => {
    assert.deepEqual([...ewmaLevels([1, 3, 2, 4], 0.5)], [1, 2, 2, 3]);
    assert.equal(ewma([1, 3, 2, 4], 0.5).forecast(3, 5), 3);
  });

  it('seasonal naive takes the value one season before the target', () => {
    const f = seasonalNaive([1, 2, 3, 4, 5, 6], 2);
    assert.equal(f.forecast(3, 1), 3);
    assert.equal(f.forecast(3, 2), 4);
    assert.equal(f.forecast(3, 3), 3);
    assert.equal(f.forecast(0, 1), 1, 'before one full season it falls back to naive');
    assert.equal(dailyPeriod(300), 288);
  });

  it('damped Holt carries the trend by φ + … + φ^h', () => {
    close(dampedSteps(0.5, 2), 0.75);
    close(dampedSteps(1, 3), 3);
    // α = β = 1: level = last value, trend = last change (2); φ = 0.5 → 4 + 0.75·2.
    close(dampedHolt([0, 2, 4], { alpha: 1, beta: 1, phi: 0.5 }).forecast(2, 2), 5.5);
  });

  it('tuning picks the most reactive EWMA on a ramp and a trend-following Holt', () => {
    const ramp = Array.from({ length: 50 }, (_, t) => 2 * t);
    assert.equal(tuneEwmaAlpha(ramp), 1);
    const params = tuneDampedHolt(ramp);
    const error = Math.abs(dampedHolt(ramp, params).forecast(40, 3) - 86);
    assert.ok(error < Math.abs(naive(ramp).forecast(40, 3) - 86) / 2, `Holt ${JSON.stringify(params)} off by ${error}`);
  });
});

describe('EwmaForecaster', () => {
  it('forecasts the EWMA level with a band from the one-step errors', async () => {
    const f = new EwmaForecaster({ window: 4, horizons: [1, 3], alpha: 0.5 });
    const result = await f.forecast({ windows: Float32Array.from([1, 3, 2, 4, 7, 7, 7, 7]), count: 2 });
    assert.deepEqual([...result.median], [3, 3, 7, 7]);
    // One-step errors 2, 0, 2 → MAE 4/3, σ = √(π/2)·4/3; the 0.1–0.9 band is ±1.2816·σ·√h.
    const half = 1.2815515655446004 * Math.sqrt(Math.PI / 2) * (4 / 3);
    close(result.lower[0], 3 - half, 1e-5);
    close(result.upper[1], 3 + half * Math.sqrt(3), 1e-5);
    assert.equal(result.lower[2], 7, 'a flat window has no band');
  });

  it('tunes alpha per window when none is given', async () => {
    const f = new EwmaForecaster({ window: 6, horizons: [1] });
    const ramp = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const result = await f.forecast({ windows: ramp, count: 1 });
    assert.equal(result.median[0], 5, 'on a ramp the best alpha is 1: the last value');
  });

  it('rejects a batch whose size does not match count × window', async () => {
    const f = new EwmaForecaster({ window: 4, horizons: [1] });
    await assert.rejects(f.forecast({ windows: new Float32Array(7), count: 2 }), /FORECAST_BATCH_INVALID/);
  });
});
