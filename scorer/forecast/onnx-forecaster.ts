/**
 * The production Forecaster: one onnxruntime-node inference for the whole batch of endpoints.
 * Model interface (documented in scorer/models/README.md): input `[batch, window, 1]` float32 of
 * per-window normalised values, output `[batch, horizons, 3]` float32 of normalised quantiles
 * (lower, median, upper). Quantiles that come out crossed are sorted (monotone rearrangement),
 * so lower ≤ median ≤ upper always holds for callers.
 *
 * A batch is run in slices of at most `maxBatchRows` rows. Every row's forecast is independent of
 * the others, so slicing changes no result; it keeps the LSTM's per-step gate buffers
 * (rows × 4·units floats) inside the CPU caches, which on a 2-core machine made 100,000 rows
 * several times faster than one run, and it returns to the event loop between slices
 * (onnxruntime-node runs a session synchronously on the calling thread).
 */
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { ForecastError } from './errors.ts';
import { openSession, parseExecutionProvider, type ExecutionProvider, type ForecastLogger, type SessionTuning } from './execution-provider.ts';
import { checkBatch, emptyResult } from './forecast-batch.ts';
import type { ModelMetadata } from './model-metadata.ts';
import { readModelFiles } from './model-files.ts';
import { normaliseWindows, type NormalisedWindows } from './normalise.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from './types.ts';

/** Rows per inference run unless configured; measured in bench/scorer (512–1024 were best). */
export const DEFAULT_MAX_BATCH_ROWS = 512;

export interface LoadForecasterOptions extends SessionTuning {
  /** Path of a `.onnx` model with its `.json` metadata beside it; default: scorer/models/current.json. */
  readonly modelPath?: string;
  /** 'cpu' (default), 'cuda', 'webgpu', …; unavailable accelerators fall back to cpu with a warning. */
  readonly provider?: ExecutionProvider | string;
  readonly logger?: ForecastLogger;
  /** Rows per inference run (default DEFAULT_MAX_BATCH_ROWS); larger batches run in slices. */
  readonly maxBatchRows?: number;
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
  readonly maxBatchRows: number;
  readonly #session: ort.InferenceSession;
  #closed = false;

  constructor(session: ort.InferenceSession, metadata: ModelMetadata, provider: string, maxBatchRows = DEFAULT_MAX_BATCH_ROWS) {
    if (!Number.isInteger(maxBatchRows) || maxBatchRows < 1) {
      throw new ForecastError('FORECAST_BATCH_INVALID', `maxBatchRows must be a positive integer, got ${maxBatchRows}`);
    }
    this.#session = session;
    this.maxBatchRows = maxBatchRows;
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
    const result = emptyResult(count, this.horizons.length);
    if (count === 0) return result;
    const normalised = normaliseWindows(batch.windows, count, this.window, this.metadata.normalisation);
    for (let first = 0; first < count; first += this.maxBatchRows) {
      await this.#runSlice(normalised, first, Math.min(count, first + this.maxBatchRows), result);
    }
    return result;
  }

  /** Runs rows [first, end) and writes their denormalised, sorted quantiles into `result`. */
  async #runSlice(normalised: NormalisedWindows, first: number, end: number, result: ForecastResult): Promise<void> {
    const rows = end - first;
    const horizons = this.horizons.length;
    const input = new ort.Tensor('float32', normalised.values.subarray(first * this.window, end * this.window), [rows, this.window, 1]);
    const outputName = this.metadata.outputs[0].name;
    const outputs = await this.#session.run({ [this.metadata.inputs[0].name]: input });
    input.dispose();
    const output = outputs[outputName];
    const values = output.data as Float32Array;
    if (values.length !== rows * horizons * 3) {
      output.dispose();
      throw new ForecastError(
        'FORECAST_MODEL_INTERFACE',
        `output '${outputName}' has ${values.length} values; expected batch × horizons × 3 = ${rows * horizons * 3}`,
      );
    }
    for (let row = first; row < end; row++) {
      const center = normalised.center[row];
      const scale = normalised.scale[row];
      for (let h = 0; h < horizons; h++) {
        const at = ((row - first) * horizons + h) * 3;
        const a = values[at] * scale + center;
        const b = values[at + 1] * scale + center;
        const c = values[at + 2] * scale + center;
        const cell = row * horizons + h;
        // Sorting network of three: min, median, max.
        result.lower[cell] = Math.min(a, b, c);
        result.median[cell] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
        result.upper[cell] = Math.max(a, b, c);
      }
    }
    output.dispose();
  }

  /** Releases the session; closing twice is harmless (a loop and its owner may both close). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
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
  const { session, provider } = await openSession(source.onnx, requested, logger, options);
  try {
    checkInterface(session, source.metadata);
    return new OnnxForecaster(session, source.metadata, provider, options.maxBatchRows);
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** Loads a model from disk (default: the shipped one named by scorer/models/current.json). */
export async function loadForecaster(options: LoadForecasterOptions = {}): Promise<OnnxForecaster> {
  const files = await readModelFiles(options.modelPath);
  return createOnnxForecaster(files, options);
}
