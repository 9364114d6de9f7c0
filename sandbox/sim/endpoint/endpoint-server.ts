/**
 * A simulated endpoint: `servers` requests in service at once (concurrency), a FIFO queue of at
 * most `queueLimit` waiting ones (beyond it a request is rejected at once, as an overloaded server
 * answers 503 / RESOURCE_EXHAUSTED), service times from its distribution divided by `speed`, and
 * the faults of faults.ts. Requests are plain callbacks; the endpoint records its busy time for
 * utilisation.
 */
import type { EventQueue } from '../event-queue.ts';
import type { SeededRng } from '../rng.ts';
import { conditionAt, type EndpointCondition, type FaultSpec } from './faults.ts';
import { sampler, type Sampler, type ServiceTimeSpec } from './service-time.ts';

/** Outcome callback: ok, refused (no connection), server-side time (ms) until the response left. */
export type Respond = (ok: boolean, refused: boolean) => void;

export interface EndpointServerOptions {
  readonly key: string;
  readonly zone: string;
  readonly servers: number;
  readonly queueLimit: number;
  readonly speed: number;
  readonly serviceTime: ServiceTimeSpec;
  readonly faults: readonly FaultSpec[];
  /** A fast error or a rejection takes this long (ms). */
  readonly errorLatencyMs: number;
  /** Time a health probe spends in the server when healthy (ms). */
  readonly probeServiceMs: number;
}

export class EndpointServer {
  readonly key: string;
  readonly zone: string;
  private busy = 0;
  private readonly waiting: Respond[] = [];
  private head = 0;
  private readonly sample: Sampler;
  private readonly cond: EndpointCondition = { refused: false, errorRate: 0, extraMs: 0, probeExtraMs: 0, slowFactor: 1 };
  private readonly o: EndpointServerOptions;
  private busySince = 0;
  /** Server-milliseconds spent serving (for utilisation). */
  busyMs = 0;
  received = 0;
  rejected = 0;

  constructor(
    o: EndpointServerOptions,
    private readonly queue: EventQueue,
    private readonly rng: SeededRng,
  ) {
    this.o = o;
    this.key = o.key;
    this.zone = o.zone;
    this.sample = sampler(o.serviceTime, rng);
  }

  get capacityServers(): number {
    return this.o.servers;
  }

  /** Busy servers / servers right now. */
  utilisationNow(): number {
    return this.busy / this.o.servers;
  }

  private account(): void {
    const now = this.queue.now;
    this.busyMs += this.busy * (now - this.busySince);
    this.busySince = now;
  }

  /** Server-ms of work done up to now (includes requests in service). */
  workMs(): number {
    this.account();
    return this.busyMs;
  }

  submit(respond: Respond): void {
    this.received++;
    const c = conditionAt(this.o.faults, this.queue.now, this.cond);
    const q = this.queue;
    if (c.refused) {
      q.after(this.o.errorLatencyMs, () => respond(false, true));
      return;
    }
    if (c.errorRate > 0 && this.rng.next() < c.errorRate) {
      q.after(this.o.errorLatencyMs, () => respond(false, false));
      return;
    }
    if (this.busy < this.o.servers) this.start(respond);
    else if (this.waiting.length - this.head < this.o.queueLimit) this.waiting.push(respond);
    else {
      this.rejected++;
      q.after(this.o.errorLatencyMs, () => respond(false, false));
    }
  }

  private start(respond: Respond): void {
    this.account();
    this.busy++;
    const c = conditionAt(this.o.faults, this.queue.now, this.cond);
    const serviceMs = (this.sample() * c.slowFactor) / this.o.speed;
    const extra = c.extraMs;
    this.queue.after(serviceMs, () => {
      this.account();
      this.busy--;
      if (this.head < this.waiting.length) {
        const next = this.waiting[this.head]!;
        this.waiting[this.head++] = undefined as unknown as Respond;
        if (this.head > 1024 && this.head * 2 > this.waiting.length) {
          this.waiting.splice(0, this.head);
          this.head = 0;
        }
        this.start(next);
      }
      if (extra > 0) this.queue.after(extra, () => respond(true, false));
      else respond(true, false);
    });
  }

  /** A health probe at now: its latency (ms), or undefined when it fails. */
  probe(): number | undefined {
    const c = conditionAt(this.o.faults, this.queue.now, this.cond);
    if (c.refused) return undefined;
    return (this.o.probeServiceMs * c.slowFactor) / this.o.speed + c.probeExtraMs;
  }
}
