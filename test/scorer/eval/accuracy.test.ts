import assert from 'node:assert/strict';
import { mase, maximum, meanAbsoluteError, median, naiveScale } from '../../../scorer/eval/accuracy.ts';

describe('accuracy measures', () => {
  it('computes MAE, the in-sample naive scale and MASE', () => {
    assert.equal(meanAbsoluteError([1, 2, 3], [2, 2, 5]), 1);
    // |3−1| + |2−3| + |6−2| over 3 steps, using only values[0..4).
    assert.equal(naiveScale([1, 3, 2, 6, 100], 4), 7 / 3);
    assert.equal(mase(1, 0.5), 2);
    assert.ok(Number.isNaN(mase(1, 0)), 'a flat training part has no MASE');
  });

  it('summarises ignoring NaN', () => {
    assert.equal(median([3, NaN, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(maximum([1, NaN, 5]), 5);
  });
});
