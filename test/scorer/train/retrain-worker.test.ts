import assert from 'node:assert/strict';
import { createOnnxForecaster } from '../../../scorer/forecast/onnx-forecaster.ts';
import { retrainInWorker } from '../../../scorer/train/retrain-in-worker.ts';
import { syntheticSeries, tinyOptions, tinySeries } from './series-builder.ts';
import { silentLogger } from './silent-logger.ts';

describe('retraining in a worker thread', () => {
  it('returns a model that loads and forecasts', async () => {
    const model = await retrainInWorker({ series: tinySeries(), options: { ...tinyOptions, version: 'retrained' }, date: '2025-02-03T04:05:06Z' });
    assert.equal(model.metadata.version, 'retrained');
    assert.equal((model.metadata.training as { date: string }).date, '2025-02-03T04:05:06.000Z');
    const forecaster = await createOnnxForecaster(model, { logger: silentLogger });
    try {
      const windows = new Float32Array(2 * forecaster.window).fill(5);
      const result = await forecaster.forecast({ windows, count: 2 });
      assert.equal(result.median.length, 2 * forecaster.horizons.length);
      assert.ok(result.median.every(Number.isFinite));
    } finally {
      await forecaster.close();
    }
  });

  it('rejects with a stable code when the series are too short to train on', async () => {
    await assert.rejects(
      retrainInWorker({ series: [syntheticSeries('short', 20, 1)], options: tinyOptions }),
      (err: Error & { code?: string }) => err.code === 'FORECAST_RETRAIN_FAILED' && /FORECAST_TRAINING_NO_DATA/.test(err.message),
    );
  });
});
