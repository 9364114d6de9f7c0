import assert from 'node:assert/strict';
import { normaliseWindows, type WindowNormalisation } from '../../../scorer/forecast/normalise.ts';

const base = { relativeEpsilon: 1e-3, absoluteEpsilon: 1e-6, clip: 20 };
const meanStd: WindowNormalisation = { kind: 'window-mean-std', ...base };
const ewmaDiff: WindowNormalisation = { kind: 'window-ewma-diff', centreAlpha: 0.5, ...base };

const closeAll = (actual: ArrayLike<number>, expected: number[]) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) < 1e-6, `[${i}] ${actual[i]} ≠ ${e}`));

describe('normaliseWindows', () => {
  it('standardises by window mean and standard deviation', () => {
    const out = normaliseWindows(Float32Array.from([1, 2, 3, 4]), 1, 4, meanStd);
    const std = Math.sqrt(1.25);
    closeAll(out.values, [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std]);
    closeAll(out.center, [2.5]);
  });

  it('centres on the end-of-window EWMA and scales by the mean absolute change', () => {
    const out = normaliseWindows(Float32Array.from([1, 3, 2, 4]), 1, 4, ewmaDiff);
    closeAll(out.center, [3]);
    closeAll(out.scale, [5 / 3]);
    closeAll(out.values, [-1.2, 0, -0.6, 0.6]);
  });

  it('floors the scale of a flat window instead of dividing by zero', () => {
    const out = normaliseWindows(Float32Array.from([5, 5, 5, 5, 0, 0, 0, 0]), 2, 4, ewmaDiff);
    closeAll(out.scale, [0.005, 1e-6]);
    closeAll(out.values, [0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
