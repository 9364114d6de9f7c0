/**
 * When the feedback loop retrains: drift is the model falling behind the live fallback, not a low
 * absolute accuracy (1-s request latency keeps every forecaster's accuracy low), and drift
 * retrainings that do not help back off.
 */
import assert from 'node:assert/strict';
import type { Forecaster } from '../../../scorer/forecast/types.ts';
import { silentScorerLogger } from '../../../scorer/loop/logger.ts';
import { RetrainController } from '../../../scorer/loop/retrain-controller.ts';

const MIN = 60_000;

function controller(o: { accuracyThreshold?: number } = {}) {
  const reasons: string[] = [];
  const c = new RetrainController(
    { retrain: async () => ({ version: 'new' }) as unknown as Forecaster, minIntervalMs: 10 * MIN, scheduleMs: 24 * 60 * MIN, ...o },
    0,
    async () => {},
    silentScorerLogger,
  );
  const at = async (minutes: number, model: number, fallback: number) => {
    const run = c.consider(minutes * MIN, model, 5, fallback);
    if (run) {
      await run;
      reasons.push(`${minutes}:${c.status().last!.reason}`);
    }
  };
  return { c, at, reasons };
}

describe('RetrainController', () => {
  it('a model as accurate as the fallback is not drift, however low both are', async () => {
    const { at, reasons } = controller();
    for (let m = 11; m <= 120; m += 1) await at(m, 0.45, 0.46);
    assert.deepEqual(reasons, []);
  });

  it('a model behind the fallback by more than the margin is drift, at most every minIntervalMs', async () => {
    const { at, reasons } = controller();
    await at(5, 0.4, 0.6); // too soon after start
    await at(11, 0.4, 0.6);
    assert.deepEqual(reasons, ['11:drift']);
  });

  it('drift retrainings that do not help back off: 10, then 20, then 40 minutes; the wait resets once the model keeps up', async () => {
    const { at, reasons } = controller();
    for (let m = 1; m <= 80; m++) await at(m, 0.4, 0.6);
    assert.deepEqual(reasons, ['10:drift', '30:drift', '70:drift']);
    await at(81, 0.6, 0.6); // keeps up again
    for (let m = 82; m <= 100; m++) await at(m, 0.4, 0.6);
    assert.deepEqual(reasons, ['10:drift', '30:drift', '70:drift', '82:drift']);
  });

  it('an absolute floor can still be set (accuracyThreshold)', async () => {
    const { at, reasons } = controller({ accuracyThreshold: 0.5 });
    await at(11, 0.45, 0.46);
    assert.deepEqual(reasons, ['11:drift']);
  });
});
