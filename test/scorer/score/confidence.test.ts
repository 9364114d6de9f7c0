import assert from 'node:assert/strict';
import { ageDiscount, forecastConfidence } from '../../../scorer/score/confidence.ts';

describe('forecastConfidence', () => {
  const band = { medianMs: 100, lowerMs: 90, upperMs: 110 };

  it('is higher for a narrower band and 0 without a forecast', () => {
    assert.ok(forecastConfidence(band, 5) > forecastConfidence({ ...band, lowerMs: 50, upperMs: 150 }, 5));
    assert.equal(forecastConfidence(undefined, 5), 0);
  });

  it('falls as a reused forecast ages, less so for a longer horizon', () => {
    const fresh = forecastConfidence({ ...band, ageSteps: 0, horizonSteps: 1 }, 5);
    const one = forecastConfidence({ ...band, ageSteps: 1, horizonSteps: 1 }, 5);
    const two = forecastConfidence({ ...band, ageSteps: 2, horizonSteps: 1 }, 5);
    assert.equal(fresh, forecastConfidence(band, 5));
    assert.ok(fresh > one && one > two, `${fresh} ${one} ${two}`);
    assert.ok(Math.abs(one / fresh - Math.SQRT1_2) < 1e-12);
    assert.ok(ageDiscount(1, 12) > ageDiscount(1, 1));
  });
});
