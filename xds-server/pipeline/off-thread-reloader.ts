/**
 * Runs config reloads (load + render check, see reload-worker.ts) in one long-lived worker thread,
 * so that a large configuration (5 × 10,000 endpoints takes seconds to parse and render) never
 * stalls xDS streams, /healthz or the scorer's lease. The serving thread only receives the result.
 *
 * The worker starts on the first reload and is reused; if it dies, the pending reload fails with
 * PRESCIENT_RELOAD_WORKER and the next one starts a fresh worker. Reloads are answered in order.
 *
 * The entry is TypeScript: like scorer/train/retrain-in-worker.ts, a one-line bootstrap loads it
 * through tsx's `tsImport`, since loader hooks given with --import do not reach a worker's entry
 * on Node 20.
 */
import { Worker } from 'node:worker_threads';
import type { ConfigLoadResult } from '../config/index.ts';
import type { ReloadReply, ReloadRequest } from './reload-worker.ts';
import { CodedError } from '../../api/coded-error.ts';

const WORKER_URL = new URL('./reload-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;

export class ReloadWorkerError extends CodedError<'PRESCIENT_RELOAD_WORKER'> {
  constructor(message: string) {
    super('PRESCIENT_RELOAD_WORKER', message);
  }
}

export class OffThreadReloader {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ConfigLoadResult) => void; reject: (e: Error) => void }>();
  private closed = false;

  /** Loads and render-checks `paths` in the worker; `now` is the render check's clock reading. */
  load(paths: readonly string[], now: number): Promise<ConfigLoadResult> {
    if (this.closed) return Promise.reject(new ReloadWorkerError('the reloader is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, paths: [...paths], now } satisfies ReloadRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the reloader was closed');
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(BOOTSTRAP, { eval: true });
    // Idle between reloads; it must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (reply: ReloadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new ReloadWorkerError(`reload failed: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    worker.on('error', (err: Error) => this.lost(worker, `worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(message);
  }

  private failAll(message: string): void {
    for (const { reject } of this.pending.values()) reject(new ReloadWorkerError(message));
    this.pending.clear();
  }
}
