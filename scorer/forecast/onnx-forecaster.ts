/**
 * The production Forecaster: one onnxruntime-node inference for the whole batch of endpoints.
 * Model interface (documented in scorer/models/README.md): input `[batch, window, 1]` float32 of
 * per-window normalised values, output `[batch, horizons, 3]` float32 of normalised quantiles
 * (lower, median, upper). Quantiles that come out crossed are sorted (monotone rearrangement),
 * so lower ≤ median ≤ upper always holds for callers.
 */
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { ForecastError } from './errors.ts';
import { openSession, parseExecutionProvider, type ExecutionProvider, type ForecastLogger } from './execution-provider.ts';
import { checkBatch, emptyResult } from './forecast-batch.ts';
import type { ModelMetadata } from './model-metadata.ts';
import { readModelFiles } from './model-files.ts';
import { normaliseWindows } from './normalise.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from './types.ts';

export interface LoadForecasterOptions {
  /** Path of a `.onnx` model with its `.json` metadata beside it; default: scorer/models/current.json. */
  readonly modelPath?: string;
  /** 'cpu' (default), 'cuda', 'webgpu', …; unavailable accelerators fall back to cpu with a warning. */
  readonly provider?: ExecutionProvider | string;
  readonly logger?: ForecastLogger;
}

export interface InMemoryModel {
  readonly onnx: Uint8Array;
  readonly metadata: ModelMetadata;
}

const defaultLogger = (): ForecastLogger => pino({ base: { component: 'forecaster' } });

export class OnnxForecaster implements Forecaster {
  readonly version: string;
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles: readonly [number, number, number];
  readonly provider: string;
  readonly metadata: ModelMetadata;
  readonly #session: ort.InferenceSession;

  constructor(session: ort.InferenceSession, metadata: ModelMetadata, provider: string) {
    this.#session = session;
    this.metadata = metadata;
    this.version = metadata.version;
    this.window = metadata.window;
    this.horizons = metadata.horizons;
    this.quantiles = metadata.quantiles;
    this.provider = provider;
  }

  async forecast(batch: ForecastBatch): Promise<ForecastResult> {
    checkBatch(batch, this.window);
    const { count } = batch;
    const horizons = this.horizons.length;
    const result = emptyResult(count, horizons);
    if (count === 0) return result;
    const normalised = normaliseWindows(batch.windows, count, this.window, this.metadata.normalisation);
    const input = new ort.Tensor('float32', normalised.values, [count, this.window, 1]);
    const outputName = this.metadata.outputs[0].name;
    const outputs = await this.#session.run({ [this.metadata.inputs[0].name]: input });
    const output = outputs[outputName];
    const values = output.data as Float32Array;
    input.dispose();
    if (values.length !== count * horizons * 3) {
      throw new ForecastError(
        'FORECAST_MODEL_INTERFACE',
        `output '${outputName}' has ${values.length} values; expected batch × horizons × 3 = ${count * horizons * 3}`,
      );
    }
    const triple = [0, 0, 0];
    for (let row = 0; row < count; row++) {
      const center = normalised.center[row];
      const scale = normalised.scale[row];
      for (let h = 0; h < horizons; h++) {
        const at = (row * horizons + h) * 3;
        for (let q = 0; q < 3; q++) triple[q] = values[at + q] * scale + center;
        triple.sort((a, b) => a - b);
        const cell = row * horizons + h;
        result.lower[cell] = triple[0];
        result.median[cell] = triple[1];
        result.upper[cell] = triple[2];
      }
    }
    output.dispose();
    return result;
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}

function checkInterface(session: ort.InferenceSession, metadata: ModelMetadata): void {
  const input = metadata.inputs[0].name;
  const output = metadata.outputs[0].name;
  if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
    throw new ForecastError(
      'FORECAST_MODEL_INTERFACE',
      `model ${metadata.version} has inputs [${session.inputNames.join(', ')}] and outputs ` +
        `[${session.outputNames.join(', ')}]; its metadata names input '${input}' and output '${output}'`,
    );
  }
}

/** Builds a forecaster from model bytes already in memory (e.g. fresh from retraining). */
export async function createOnnxForecaster(
  source: InMemoryModel,
  options: Omit<LoadForecasterOptions, 'modelPath'> = {},
): Promise<OnnxForecaster> {
  const logger = options.logger ?? defaultLogger();
  const requested = parseExecutionProvider(options.provider ?? 'cpu');
  const { session, provider } = await openSession(source.onnx, requested, logger);
  try {
    checkInterface(session, source.metadata);
  } catch (err) {
    await session.release();
    throw err;
  }
  return new OnnxForecaster(session, source.metadata, provider);
}

/** Loads a model from disk (default: the shipped one named by scorer/models/current.json). */
export async function loadForecaster(options: LoadForecasterOptions = {}): Promise<OnnxForecaster> {
  const files = await readModelFiles(options.modelPath);
  return createOnnxForecaster(files, options);
}
