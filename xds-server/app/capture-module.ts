/**
 * The capture sink as a module of the root (DESIGN §6): a listener any mirror rule can target
 * (declare a Service whose endpoint is this address) that answers every request at once and
 * records its metadata to a bounded rotating store (docs/capture.md). Off unless configured.
 */
import type { Clock } from '../../api/clock.ts';
import { Anonymiser, type AnonymiserOptions } from '../capture/anonymiser.ts';
import { CaptureServer } from '../capture/capture-server.ts';
import { createCaptureMetrics, type CaptureMetrics } from '../capture/metrics.ts';
import { RotatingStore } from '../capture/rotating-store.ts';
import type { Logger } from '../log.ts';
import type { PrescientModule } from './module.ts';

export interface CaptureOptions extends AnonymiserOptions {
  /** host:port of the listener (HTTP/1.1, HTTP/2 prior knowledge, gRPC). */
  address: string;
  /** Directory of the store. */
  dir: string;
  maxFileBytes?: number;
  maxFiles?: number;
  maxQueued?: number;
  maxQueuedBytes?: number;
  /** Keep the first N bytes of each request body (default 0: none). */
  bodyPrefixBytes?: number;
}

export class CaptureModule implements PrescientModule {
  readonly name = 'capture';
  readonly metrics: CaptureMetrics = createCaptureMetrics();
  readonly store: RotatingStore;
  private readonly server: CaptureServer;
  private started = false;

  constructor(
    private readonly options: CaptureOptions,
    deps: { clock: Clock; logger: Logger },
  ) {
    this.store = new RotatingStore(options, (n) => this.metrics.written.inc(n), () => this.metrics.shed.inc());
    this.server = new CaptureServer((r) => this.store.offer(r), new Anonymiser(options), deps.clock, this.metrics, { bodyPrefixBytes: options.bodyPrefixBytes });
    this.logger = deps.logger.child({ component: 'capture' });
  }

  private readonly logger: Logger;

  get port(): number {
    return this.server.port;
  }

  async start(): Promise<void> {
    await this.store.open();
    await this.server.listen(this.options.address);
    this.started = true;
    this.logger.info({ address: `${this.options.address.slice(0, this.options.address.lastIndexOf(':'))}:${this.port}`, dir: this.options.dir }, 'capture sink listening');
  }

  async stop(): Promise<void> {
    if (this.started) await this.server.close();
    await this.store.close();
  }

  status() {
    return { listening: this.started ? this.port : undefined, dir: this.options.dir, ...this.store.stats };
  }
}
