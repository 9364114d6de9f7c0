import assert from 'node:assert/strict';
import { ewmaLevels, ewmaOneStepMae, tuneEwmaAlpha } from '../../../scorer/forecast/baselines.ts';
import { EwmaForecaster } from '../../../scorer/forecast/ewma-forecaster.ts';
import { alphaSlots, LIVE_EWMA_ALPHA_GRID, tuneEwmaWindow, type TunedEwma } from '../../../scorer/forecast/tuned-ewma.ts';
import { seededRandom } from '../../../scorer/train/random.ts';

const fresh = (): TunedEwma => ({ level: 0, alpha: 0, oneStepMae: 0 });

describe('tuned EWMA (the live fallback)', () => {
  it('picks the same α, level and one-step MAE as tuning one α at a time', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(random() * 60);
      const kind = trial % 3;
      const values = Float32Array.from({ length: n + 5 }, (_, i) =>
        kind === 0 ? 50 + 10 * random() : kind === 1 ? i * 2 + random() : 20 + 5 * Math.sin(i / 4) + random(),
      );
      const start = 5;
      const end = start + n;
      const t = tuneEwmaWindow(values, start, end, fresh());
      const alpha = tuneEwmaAlpha(values, LIVE_EWMA_ALPHA_GRID, start, end);
      // Equal errors up to rounding can tie differently; then both must have the same MAE.
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
      assert.ok(close(t.oneStepMae, ewmaOneStepMae(values, alpha, start, end)), `trial ${trial}: MAE`);
      if (t.alpha === alpha) {
        const levels = ewmaLevels(values, alpha, start, end);
        assert.ok(close(t.level, levels[levels.length - 1]), `trial ${trial}: level`);
      }
    }
  });

  it('follows a ramp with α = 1 and smooths noise around a constant heavily', () => {
    const ramp = Float64Array.from({ length: 20 }, (_, i) => i);
    const r = tuneEwmaWindow(ramp, 0, ramp.length, fresh());
    assert.equal(r.alpha, 1);
    assert.equal(r.level, 19);
    const random = seededRandom(3);
    const noisy = Float64Array.from({ length: 48 }, () => 100 + (random() - 0.5) * 10);
    assert.ok(tuneEwmaWindow(noisy, 0, noisy.length, fresh()).alpha <= 0.1);
  });

  it('tunes over any grid of up to six α, padded; rejects others', () => {
    const random = seededRandom(8);
    const values = Float64Array.from({ length: 48 }, (_, i) => i * 0.5 + random() * 4);
    for (const grid of [[0.4], [0.1, 0.9], [0.02, 0.04, 0.08, 0.16, 0.32, 0.64]]) {
      const t = tuneEwmaWindow(values, 0, 48, fresh(), alphaSlots(grid));
      assert.equal(t.alpha, tuneEwmaAlpha(values, grid), `grid ${grid}`);
    }
    for (const bad of [[], [0.1, 0.1], [0.5, 0.2], [0, 0.5], [1.5], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]]) {
      assert.throws(() => alphaSlots(bad), RangeError, `grid [${bad}]`);
    }
  });

  it('gives a single value as the level with no error', () => {
    const r = tuneEwmaWindow([7, 8], 1, 2, fresh());
    assert.deepEqual(r, { level: 8, alpha: LIVE_EWMA_ALPHA_GRID[0], oneStepMae: 0 });
  });

  it('EwmaForecaster without α tunes it per row, so two endpoints get different α', async () => {
    const random = seededRandom(5);
    const window = 48;
    const noisy = Array.from({ length: window }, () => 100 + (random() - 0.5) * 10);
    const stepUp = Array.from({ length: window }, (_, i) => (i < 40 ? 10 : 30));
    const f = new EwmaForecaster({ window, horizons: [1, 3] });
    const result = await f.forecast({ windows: Float32Array.from([...noisy, ...stepUp]), count: 2 });
    assert.ok(f.lastAlphas[0] <= 0.1, 'white noise around a constant: heavy smoothing');
    assert.equal(f.lastAlphas[1], 1, 'after a level shift the naive forecast wins');
    assert.equal(result.median[2], 30);
    assert.ok(Math.abs(result.median[0] - 100) < 3);
    const fixed = await new EwmaForecaster({ window, horizons: [1, 3], alpha: 0.3 }).forecast({ windows: Float32Array.from(stepUp), count: 1 });
    assert.ok(fixed.median[0] < 30, 'a fixed α = 0.3 lags the shift');
  });
});
