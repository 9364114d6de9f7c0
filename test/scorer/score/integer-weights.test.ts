import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toIntegerWeights } from '../../../scorer/score/integer-weights.ts';

describe('toIntegerWeights', () => {
  it('sums to 1000 with every weight a positive integer when shares allow', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.002, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const w = toIntegerWeights(new Map(xs.map((x, i) => [`e${i}`, x])));
        const values = [...w.values()];
        assert.ok(values.every((v) => Number.isInteger(v) && v >= 1));
        const sum = values.reduce((a, b) => a + b, 0);
        assert.ok(sum >= 1000 && sum <= 1000 + xs.length);
      }),
    );
  });

  it('rounds identically whatever the insertion order', () => {
    const a = toIntegerWeights(new Map([['x', 1 / 3], ['y', 1 / 3], ['z', 1 / 3]]));
    const b = toIntegerWeights(new Map([['z', 1 / 3], ['x', 1 / 3], ['y', 1 / 3]]));
    assert.deepEqual([...a], [...b]);
  });
});
