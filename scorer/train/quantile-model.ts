/**
 * The recurrent quantile forecaster in tfjs: LSTM(units) → [Dense(hidden, relu)] → Dense(H·3),
 * trained with the pinball (quantile) loss so output (h, q) estimates the q-quantile of the
 * normalised value h steps ahead. Output index = h·3 + q. Gradients come from tfjs autodiff.
 */
import type * as TF from '@tensorflow/tfjs';
import { tensorflow } from './tf-backend.ts';
import { permutation, seededRandom } from './random.ts';
import type { DenseWeights, ForecastNetwork } from './onnx/network.ts';
import type { Samples } from './training-windows.ts';

export interface ArchitectureOptions {
  readonly window: number;
  readonly horizons: number;
  readonly units: number;
  /** Width of a ReLU layer between the LSTM and the output; 0 for none. */
  readonly hiddenUnits: number;
  readonly seed: number;
}

export interface FitOptions {
  readonly quantiles: readonly [number, number, number];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

export async function buildQuantileModel(arch: ArchitectureOptions): Promise<TF.LayersModel> {
  const tf = await tensorflow();
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: arch.seed + offset });
  const model = tf.sequential();
  model.add(
    tf.layers.lstm({
      units: arch.units,
      inputShape: [arch.window, 1],
      recurrentActivation: 'sigmoid',
      kernelInitializer: init(1),
      recurrentInitializer: tf.initializers.orthogonal({ seed: arch.seed + 2, gain: 1 }),
    }),
  );
  if (arch.hiddenUnits > 0) {
    model.add(tf.layers.dense({ units: arch.hiddenUnits, activation: 'relu', kernelInitializer: init(3) }));
  }
  model.add(tf.layers.dense({ units: arch.horizons * 3, kernelInitializer: init(4) }));
  return model;
}

function pinballLoss(tf: typeof TF, quantiles: readonly number[], horizons: number) {
  const tau = tf.tensor1d(Array.from({ length: horizons * 3 }, (_, i) => quantiles[i % 3]));
  return (yTrue: TF.Tensor, yPred: TF.Tensor): TF.Tensor =>
    tf.tidy(() => {
      const error = tf.sub(yTrue, yPred);
      return tf.mean(tf.maximum(tf.mul(tau, error), tf.mul(tf.sub(tau, 1), error)));
    });
}

/** Targets repeated per quantile so they line up with the H·3 outputs. */
function repeatTargets(targets: Float32Array, count: number, horizons: number): Float32Array {
  const out = new Float32Array(count * horizons * 3);
  for (let i = 0; i < count * horizons; i++) out.fill(targets[i], i * 3, i * 3 + 3);
  return out;
}

/** Trains in place; returns the final epoch's mean loss. Batches are shuffled with `seed`. */
export async function fitQuantileModel(
  model: TF.LayersModel,
  samples: Samples,
  window: number,
  horizons: number,
  options: FitOptions,
): Promise<number> {
  const tf = await tensorflow();
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: pinballLoss(tf, options.quantiles, horizons) });
  const random = seededRandom(options.seed);
  const order = permutation(samples.count, random);
  const inputs = new Float32Array(samples.count * window);
  const targets = new Float32Array(samples.count * horizons);
  order.forEach((from, to) => {
    inputs.set(samples.inputs.subarray(from * window, (from + 1) * window), to * window);
    targets.set(samples.targets.subarray(from * horizons, (from + 1) * horizons), to * horizons);
  });
  const x = tf.tensor3d(inputs, [samples.count, window, 1]);
  const y = tf.tensor2d(repeatTargets(targets, samples.count, horizons), [samples.count, horizons * 3]);
  let last = NaN;
  try {
    const history = await model.fit(x, y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          last = Number(logs?.loss);
          options.onEpoch?.(epoch, last);
        },
      },
    });
    last = Number(history.history.loss.at(-1));
  } finally {
    x.dispose();
    y.dispose();
  }
  return last;
}

/** Normalised windows (count × window) through the tfjs model: count × H × 3. */
export async function predictQuantiles(model: TF.LayersModel, inputs: Float32Array, count: number, window: number): Promise<Float32Array> {
  const tf = await tensorflow();
  const x = tf.tensor3d(inputs, [count, window, 1]);
  const y = model.predict(x) as TF.Tensor;
  const out = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  return out;
}

/** Reads the trained weights out of tfjs into the framework-free ForecastNetwork. */
export async function extractNetwork(model: TF.LayersModel, window: number, horizons: number): Promise<ForecastNetwork> {
  const [lstmLayer, ...denseLayers] = model.layers;
  const read = async (t: TF.Tensor) => Float32Array.from(await t.data());
  const [kernel, recurrentKernel, bias] = await Promise.all(lstmLayer.getWeights().map(read));
  const units = Number(lstmLayer.getConfig().units);
  const dense: DenseWeights[] = [];
  for (const layer of denseLayers) {
    const [k, b] = layer.getWeights();
    const config = layer.getConfig();
    dense.push({
      inputSize: Number(k.shape[0]),
      outputSize: Number(k.shape[1]),
      kernel: await read(k),
      bias: await read(b),
      activation: config.activation === 'relu' ? 'relu' : 'linear',
    });
  }
  return {
    window,
    horizons,
    lstm: { units, inputSize: kernel.length / (4 * units), kernel, recurrentKernel, bias },
    dense,
  };
}
