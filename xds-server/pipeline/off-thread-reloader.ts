/**
 * Runs config reloads (load + render check, see reload-worker.ts) in one long-lived worker thread,
 * so that a large configuration (5 × 10,000 endpoints takes seconds to parse and render) never
 * stalls xDS streams, /healthz or the scorer's lease. The serving thread only receives the result.
 *
 * One worker serves the whole process (`shared()`: several servers in one process, as in tests,
 * do not each start one); `warm` starts it and loads the config once at server start, so its
 * modules and schema validators are compiled before the first edit (a cold worker took seconds
 * under load). If it dies, the pending reloads fail with PRESCIENT_RELOAD_WORKER and the next one
 * starts a fresh worker. It is unref'd: it never keeps a stopping process alive.
 *
 * The entry is TypeScript: like scorer/train/retrain-in-worker.ts, a one-line bootstrap loads it
 * through tsx's `tsImport`, since loader hooks given with --import do not reach a worker's entry
 * on Node 20.
 */
import { Worker } from 'node:worker_threads';
import type { AdmissionResult, ResourceInput } from './admit-resources.ts';
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
  private static instance: OffThreadReloader | undefined;

  /** The process's reloader. */
  static shared(): OffThreadReloader {
    return (OffThreadReloader.instance ??= new OffThreadReloader());
  }

  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: AdmissionResult) => void; reject: (e: Error) => void }>();
  private closed = false;

  /**
   * Loads and render-checks `paths` (with custom `resources`, admitted as admit-resources.ts says)
   * in the worker; `now` is the render check's clock reading.
   */
  load(paths: readonly string[], now: number, resources?: ResourceInput): Promise<AdmissionResult> {
    if (this.closed) return Promise.reject(new ReloadWorkerError('the reloader is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, paths: [...paths], now, ...(resources && { resources }) } satisfies ReloadRequest);
    });
  }

  /** Starts the worker now and has it load `paths` once (result dropped), so the first real reload is fast. */
  warm(paths: readonly string[], now: number): void {
    if (this.closed || this.worker) return;
    this.load(paths, now).catch(() => undefined);
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
    worker.on('message', (reply: ReloadReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new ReloadWorkerError(`reload failed: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    worker.on('error', (err: Error) => this.lost(worker, `worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `worker exited with code ${code}`));
    // Idle between reloads; it must not keep a stopping process alive. After the listeners: adding
    // a 'message' listener refs the worker's port again.
    worker.unref();
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
