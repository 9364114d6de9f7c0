/**
 * Training from in-memory series to a shippable model: time-based split, windows, tfjs fit,
 * ONNX export, metadata. Used by `npm run train` and by the scorer's retraining worker.
 */
import type * as TF from '@tensorflow/tfjs';
import { defaultNormalisation, type WindowNormalisation } from '../forecast/normalise.ts';
import { METADATA_FORMAT, type ModelMetadata } from '../forecast/model-metadata.ts';
import { exportOnnx } from './onnx/onnx-export.ts';
import { MODEL_INPUT, MODEL_OUTPUT, type ForecastNetwork } from './onnx/network.ts';
import { buildQuantileModel, extractNetwork, fitQuantileModel } from './quantile-model.ts';
import { splitIndex, type NamedSeries } from './series.ts';
import { makeSamples } from './training-windows.ts';

export interface TrainOptions {
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles: readonly [number, number, number];
  readonly units: number;
  readonly hiddenUnits: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Fraction of each series (its start) used for training; the rest is for evaluation. */
  readonly trainFraction: number;
  /** Step between consecutive training windows. */
  readonly stride: number;
  readonly seed: number;
  readonly normalisation: WindowNormalisation;
  /** Version name; default derived from the architecture and the training date. */
  readonly version?: string;
  /** Where the series came from, recorded in the metadata. */
  readonly dataSources?: readonly string[];
}

export const defaultTrainOptions: TrainOptions = {
  window: 48,
  horizons: [1, 3, 12],
  quantiles: [0.1, 0.5, 0.9],
  units: 32,
  hiddenUnits: 0,
  epochs: 8,
  batchSize: 256,
  learningRate: 3e-3,
  trainFraction: 0.7,
  stride: 2,
  seed: 7,
  normalisation: defaultNormalisation,
};

export interface TrainedModel {
  readonly onnx: Uint8Array;
  readonly metadata: ModelMetadata;
}

export interface TrainingHooks {
  /** Injected clock: the training date recorded in the metadata. */
  readonly now?: () => Date;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/** A trained model with its tfjs form still alive; the caller disposes `model`. */
export interface TrainedNetwork extends TrainedModel {
  readonly network: ForecastNetwork;
  readonly model: TF.LayersModel;
}

function defaultVersion(options: TrainOptions, date: Date): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `lstm${options.units}-w${options.window}-${stamp}`;
}

export function modelMetadata(options: TrainOptions, version: string, training: Record<string, unknown>): ModelMetadata {
  const horizons = options.horizons.length;
  return {
    format: METADATA_FORMAT,
    version,
    inputs: [
      {
        name: MODEL_INPUT,
        shape: ['batch', options.window, 1],
        dtype: 'float32',
        description: 'per-window normalised values, oldest first: (x − centre) / scale, see normalisation',
      },
    ],
    outputs: [
      {
        name: MODEL_OUTPUT,
        shape: ['batch', horizons, 3],
        dtype: 'float32',
        description: 'normalised quantiles (lower, median, upper) per horizon; value = output × scale + centre',
      },
    ],
    window: options.window,
    horizons: [...options.horizons],
    quantiles: options.quantiles,
    normalisation: options.normalisation,
    architecture: {
      kind: 'lstm-dense',
      units: options.units,
      hiddenUnits: options.hiddenUnits,
      loss: 'pinball',
      onnxOpset: 17,
    },
    training,
  };
}

/** Trains and also returns the network in tfjs and plain form (tests compare them with ONNX). */
export async function trainNetwork(series: readonly NamedSeries[], partial: Partial<TrainOptions> = {}, hooks: TrainingHooks = {}): Promise<TrainedNetwork> {
  const options = { ...defaultTrainOptions, ...partial };
  const date = (hooks.now ?? (() => new Date()))();
  const parts = series.map((s) => s.values.subarray(0, splitIndex(s.values.length, options.trainFraction)));
  const samples = makeSamples(parts, options);
  if (samples.count === 0) {
    throw new Error(
      `FORECAST_TRAINING_NO_DATA: no training window of ${options.window} steps plus ${Math.max(...options.horizons)} ahead fits in the training part; give longer series`,
    );
  }
  const horizons = options.horizons.length;
  const model = await buildQuantileModel({ ...options, horizons });
  try {
    const finalLoss = await fitQuantileModel(model, samples, options.window, horizons, { ...options, onEpoch: hooks.onEpoch });
    const network = await extractNetwork(model, options.window, horizons);
    const version = options.version ?? defaultVersion(options, date);
    const metadata = modelMetadata(options, version, {
      date: date.toISOString(),
      data: options.dataSources ?? [],
      series: series.map((s) => s.name),
      trainFraction: options.trainFraction,
      windows: samples.count,
      stride: options.stride,
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      finalLoss,
    });
    const onnx = exportOnnx(network, { docString: `Prescient forecaster ${version}`, metadata: { version } });
    return { onnx, metadata, network, model };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** The retraining API: series in memory → ONNX bytes + metadata. */
export async function trainModel(series: readonly NamedSeries[], options: Partial<TrainOptions> = {}, hooks: TrainingHooks = {}): Promise<TrainedModel> {
  const trained = await trainNetwork(series, options, hooks);
  trained.model.dispose();
  return { onnx: trained.onnx, metadata: trained.metadata };
}
