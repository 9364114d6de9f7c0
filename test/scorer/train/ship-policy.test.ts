import assert from 'node:assert/strict';
import type { ByMethod, HorizonSummary } from '../../../scorer/eval/rolling-origin.ts';
import { heldOutDecision, shipDecision, trainShipDecision } from '../../../scorer/train/ship-policy.ts';

const mase = (model: number, ewma: number, max = 1.5): HorizonSummary[] => {
  const row = (m: number, e: number): ByMethod => ({ model: m, naive: 1, ewma: e, holt: 0.9, seasonalNaive: 1.3, liveEwma: 0.8 });
  return [
    { steps: 1, medianMase: row(model, ewma), maxMase: row(max, 2) },
    { steps: 3, medianMase: row(0.5, 0.9), maxMase: row(1, 2) },
  ];
};

describe('ship policy', () => {
  it('in sample: ships only below tuned EWMA and under the MASE ceiling', () => {
    assert.equal(shipDecision(mase(0.6, 0.7)).ship, true);
    assert.equal(shipDecision(mase(0.7, 0.7)).ship, false);
    assert.equal(shipDecision(mase(0.6, 0.7, 3.5)).ship, false);
  });

  it('held out: ships only when the median MASE at the first horizon beats tuned EWMA on unseen series', () => {
    assert.equal(heldOutDecision(mase(0.68, 0.70)).ship, true);
    const lost = heldOutDecision(mase(0.75, 0.70));
    assert.equal(lost.ship, false);
    assert.match(lost.reason, /0\.750 vs tuned EWMA 0\.700/);
    assert.equal(heldOutDecision(undefined).ship, false, 'no leave-series-out evaluation, no ship');
    assert.equal(heldOutDecision(mase(NaN, 0.7)).ship, false);
  });

  it('npm run train: ships when both rules pass', () => {
    const d = trainShipDecision(mase(0.6, 0.7), mase(0.65, 0.7));
    assert.equal(d.ship, true);
    assert.deepEqual(d.inSample.medianMase, { model: 0.6, ewma: 0.7 });
    assert.deepEqual(d.heldOut.medianMase, { model: 0.65, ewma: 0.7 });
    assert.equal(d.heldOut.steps, 1);
  });

  it('npm run train: a model that wins only on the series it was trained on does not ship', () => {
    const d = trainShipDecision(mase(0.6, 0.7), mase(0.72, 0.7));
    assert.equal(d.ship, false);
    assert.equal(d.inSample.ship, true);
    assert.equal(d.heldOut.ship, false);
    assert.match(d.reason, /held-out median MASE at 1 step\(s\) 0\.720/);
    assert.equal(trainShipDecision(mase(0.6, 0.7), undefined).ship, false);
    assert.equal(trainShipDecision(mase(0.8, 0.7), mase(0.6, 0.7)).ship, false, 'the in-sample rule still applies');
  });
});
