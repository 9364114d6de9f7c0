/**
 * Runs a retraining in a worker thread so serving never waits on tfjs. Resolves with the new
 * model, ready for `createOnnxForecaster`; the caller swaps forecasters atomically (replace the
 * reference, then close the old one).
 *
 * The worker's entry is TypeScript. `new Worker(url, { execArgv: ['--import', 'tsx'] })` fails on
 * Node 20 ("Unknown file extension .ts": the loader hooks registered by --import do not reach the
 * worker's entry), so a one-line bootstrap loads the entry through tsx's `tsImport` API instead,
 * which works the same on every supported Node.
 */
import { Worker } from 'node:worker_threads';
import type { RetrainReply, RetrainRequest } from './retrain-worker.ts';
import type { TrainedModel } from './train-model.ts';
import { CodedError } from '../../api/coded-error.ts';

const WORKER_URL = new URL('./retrain-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;

export class RetrainError extends CodedError<'FORECAST_RETRAIN_FAILED'> {
  constructor(message: string) {
    super('FORECAST_RETRAIN_FAILED', message);
  }
}

export function retrainInWorker(request: RetrainRequest): Promise<TrainedModel> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: request });
    // A retraining takes minutes; it must not keep a process that was told to stop alive.
    worker.unref();
    let settled = false;
    worker.once('message', (reply: RetrainReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve({ onnx: reply.onnx, metadata: reply.metadata });
      else reject(new RetrainError(reply.error));
    });
    worker.once('error', (err: Error) => {
      settled = true;
      reject(new RetrainError(err.message));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new RetrainError(`retraining worker exited with code ${code} before replying`));
    });
  });
}
