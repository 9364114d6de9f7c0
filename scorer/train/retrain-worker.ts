/**
 * Worker-thread entry for retraining off the serving thread (DESIGN §5 feedback loop). Started by
 * `retrainInWorker` (through a tsx bootstrap, see retrain-in-worker.ts); receives a RetrainRequest as workerData,
 * posts exactly one RetrainReply (the ONNX bytes are transferred, not copied) and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelMetadata } from '../forecast/model-metadata.ts';
import type { NamedSeries } from './series.ts';
import { trainModel, type TrainOptions } from './train-model.ts';

export interface RetrainRequest {
  readonly series: readonly NamedSeries[];
  readonly options?: Partial<TrainOptions>;
  /** Training date to record (ISO 8601); the worker has no injected clock of its own. */
  readonly date?: string;
}

export type RetrainReply =
  | { readonly ok: true; readonly onnx: Uint8Array; readonly metadata: ModelMetadata }
  | { readonly ok: false; readonly error: string };

async function run(request: RetrainRequest): Promise<RetrainReply> {
  try {
    const now = request.date === undefined ? undefined : () => new Date(request.date as string);
    const { onnx, metadata } = await trainModel(request.series, request.options, { now });
    return { ok: true, onnx, metadata };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

if (parentPort) {
  const port = parentPort;
  const reply = await run(workerData as RetrainRequest);
  port.postMessage(reply, reply.ok ? [reply.onnx.buffer as ArrayBuffer] : []);
}
