import assert from 'node:assert/strict';
import path from 'node:path';
import { loadForecaster } from '../../../scorer/forecast/onnx-forecaster.ts';
import { capturingLogger, silentLogger } from '../train/silent-logger.ts';
import { syntheticSeries, tinyModel } from '../train/series-builder.ts';
import { windowsAt } from '../../../scorer/train/training-windows.ts';

function endpointWindows(count: number, window: number): Float32Array {
  const series = syntheticSeries('endpoints', count + window + 10, 4);
  return windowsAt(series.values, Array.from({ length: count }, (_, i) => window - 1 + i), window);
}

describe('OnnxForecaster', () => {
  it('forecasts N windows in one run with count × horizons outputs, lower ≤ median ≤ upper', async () => {
    const { modelPath } = await tinyModel();
    const forecaster = await loadForecaster({ modelPath, logger: silentLogger });
    try {
      assert.equal(forecaster.version, 'tiny-test');
      assert.equal(forecaster.provider, 'cpu');
      assert.deepEqual(forecaster.horizons, [1, 3, 12]);
      assert.deepEqual(forecaster.quantiles, [0.1, 0.5, 0.9]);
      const count = 37;
      const result = await forecaster.forecast({ windows: endpointWindows(count, forecaster.window), count });
      for (const part of [result.lower, result.median, result.upper]) assert.equal(part.length, count * 3);
      result.median.forEach((m, i) => {
        assert.ok(Number.isFinite(m));
        assert.ok(result.lower[i] <= m && m <= result.upper[i], `cell ${i}: ${result.lower[i]} ${m} ${result.upper[i]}`);
      });
    } finally {
      await forecaster.close();
    }
  });

  it('gives each endpoint the same forecast alone as in the batch', async () => {
    const { modelPath } = await tinyModel();
    const forecaster = await loadForecaster({ modelPath, logger: silentLogger });
    try {
      const w = forecaster.window;
      const windows = endpointWindows(5, w);
      const batch = await forecaster.forecast({ windows, count: 5 });
      const alone = await forecaster.forecast({ windows: windows.subarray(3 * w, 4 * w), count: 1 });
      alone.median.forEach((m, h) => assert.ok(Math.abs(m - batch.median[3 * 3 + h]) < 1e-4));
    } finally {
      await forecaster.close();
    }
  });

  it('gives the same forecasts when a batch runs in slices of maxBatchRows', async () => {
    const { modelPath } = await tinyModel();
    const whole = await loadForecaster({ modelPath, logger: silentLogger, maxBatchRows: 1000 });
    const sliced = await loadForecaster({ modelPath, logger: silentLogger, maxBatchRows: 4, intraOpNumThreads: 1, allowSpinning: false });
    try {
      const windows = endpointWindows(11, whole.window);
      const a = await whole.forecast({ windows, count: 11 });
      const b = await sliced.forecast({ windows, count: 11 });
      for (const part of ['lower', 'median', 'upper'] as const) a[part].forEach((v, i) => assert.ok(Math.abs(v - b[part][i]) < 1e-4, `${part}[${i}]`));
    } finally {
      await whole.close();
      await sliced.close();
    }
    await assert.rejects(loadForecaster({ modelPath, logger: silentLogger, maxBatchRows: 0 }), /FORECAST_BATCH_INVALID/);
  });

  it('returns empty arrays for an empty batch and rejects a mis-sized one', async () => {
    const { modelPath } = await tinyModel();
    const forecaster = await loadForecaster({ modelPath, logger: silentLogger });
    try {
      const empty = await forecaster.forecast({ windows: new Float32Array(0), count: 0 });
      assert.equal(empty.median.length, 0);
      await assert.rejects(forecaster.forecast({ windows: new Float32Array(5), count: 1 }), /FORECAST_BATCH_INVALID/);
    } finally {
      await forecaster.close();
    }
  });

  it("falls back to cpu with one warning when 'cuda' cannot start", async function () {
    if (process.env.PRESCIENT_EXPECT_CUDA === '1') this.skip();
    const { modelPath } = await tinyModel();
    const logger = capturingLogger();
    const forecaster = await loadForecaster({ modelPath, provider: 'cuda', logger });
    try {
      assert.equal(forecaster.provider, 'cpu');
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0].message, /'cuda' is unavailable, falling back to cpu/);
      const result = await forecaster.forecast({ windows: endpointWindows(2, forecaster.window), count: 2 });
      assert.equal(result.median.length, 6);
    } finally {
      await forecaster.close();
    }
  });

  it('rejects unknown providers and missing models with stable codes', async () => {
    const { modelPath } = await tinyModel();
    await assert.rejects(loadForecaster({ modelPath, provider: 'tpu', logger: silentLogger }), /FORECAST_PROVIDER_UNKNOWN/);
    await assert.rejects(
      loadForecaster({ modelPath: path.join(path.dirname(modelPath), 'absent.onnx'), logger: silentLogger }),
      (err: Error & { code?: string }) => err.code === 'FORECAST_MODEL_NOT_FOUND',
    );
  });

  it('loads the shipped model named by scorer/models/current.json', async () => {
    const forecaster = await loadForecaster({ logger: silentLogger });
    try {
      assert.ok(forecaster.version.length > 0);
      const result = await forecaster.forecast({ windows: endpointWindows(3, forecaster.window), count: 3 });
      assert.equal(result.median.length, 3 * forecaster.horizons.length);
    } finally {
      await forecaster.close();
    }
  });
});
