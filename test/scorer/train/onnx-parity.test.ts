import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { normaliseWindows, defaultNormalisation } from '../../../scorer/forecast/normalise.ts';
import { predictQuantiles } from '../../../scorer/train/quantile-model.ts';
import { splitIndex } from '../../../scorer/train/series.ts';
import { trainNetwork } from '../../../scorer/train/train-model.ts';
import { sampleOrigins, windowsAt } from '../../../scorer/train/training-windows.ts';
import { fixedClock, syntheticSeries, tinyModel, tinyOptions } from './series-builder.ts';

/** Held-out windows: taken from the later part the model never trained on. */
function heldOutWindows(window: number) {
  const series = syntheticSeries('held-out', 360, 9);
  const start = splitIndex(series.values.length, 0.7);
  const origins = sampleOrigins(window, 1, series.values.length, 5).filter((t) => t - window + 1 >= start);
  const raw = windowsAt(series.values, origins, window);
  return { count: origins.length, values: normaliseWindows(raw, origins.length, window, defaultNormalisation).values };
}

async function maxDifference(onnx: Uint8Array, tfOut: Float32Array, inputs: Float32Array, count: number, window: number) {
  const session = await ort.InferenceSession.create(onnx);
  const input = new ort.Tensor('float32', inputs, [count, window, 1]);
  const output = (await session.run({ window: input })).quantiles;
  await session.release();
  assert.equal(output.data.length, tfOut.length);
  let max = 0;
  for (let i = 0; i < tfOut.length; i++) max = Math.max(max, Math.abs((output.data as Float32Array)[i] - tfOut[i]));
  return { max, dims: output.dims };
}

describe('ONNX export', () => {
  it('matches tfjs within 1e-4 on held-out windows', async () => {
    const { trained } = await tinyModel();
    const window = trained.metadata.window;
    const { count, values } = heldOutWindows(window);
    assert.ok(count > 10);
    const tfOut = await predictQuantiles(trained.model, values, count, window);
    const { max, dims } = await maxDifference(trained.onnx, tfOut, values, count, window);
    assert.deepEqual(dims, [count, 3, 3]);
    assert.ok(max < 1e-4, `max |onnx − tfjs| = ${max}`);
  });

  it('matches tfjs with a ReLU layer between the LSTM and the output', async () => {
    const trained = await trainNetwork([syntheticSeries('gamma', 300, 3)], { ...tinyOptions, hiddenUnits: 5, seed: 11 }, { now: fixedClock });
    const window = trained.metadata.window;
    const { count, values } = heldOutWindows(window);
    const tfOut = await predictQuantiles(trained.model, values, count, window);
    trained.model.dispose();
    const { max } = await maxDifference(trained.onnx, tfOut, values, count, window);
    assert.ok(max < 1e-4, `max |onnx − tfjs| = ${max}`);
  });

  it('keeps the model small', async () => {
    const { trained } = await tinyModel();
    assert.ok(trained.onnx.length < 64 * 1024, `${trained.onnx.length} bytes`);
  });
});
