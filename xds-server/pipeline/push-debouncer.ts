/**
 * Push control (DESIGN §4.5): triggers that arrive close together are coalesced into one push.
 * A push starts after `quietMs` without a new trigger, but never later than `maxDelayMs` after the
 * first trigger of the burst, so a steady stream of changes cannot starve clients. Pushes never
 * overlap: triggers that arrive while a push runs start the next burst, pushed once it ends. A push
 * that throws or rejects is handed to `onError` and does not stop later pushes.
 */
import { xdsMetrics, type XdsMetrics } from '../metrics.ts';

export interface DebounceOptions {
  quietMs: number;
  maxDelayMs: number;
}

export const DEFAULT_DEBOUNCE: DebounceOptions = { quietMs: 100, maxDelayMs: 1000 };


export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};


/** Without a handler, a failed push becomes a process warning rather than an unhandled rejection. */
function warnPushFailed(err: unknown): void {
  process.emitWarning(err instanceof Error ? err : new Error(String(err)), { code: 'PRESCIENT_PUSH_FAILED' });
}

export class PushDebouncer {
  private burstStart: number | undefined;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private pendingSources = new Set<string>();
  private closed = false;

  constructor(
    private readonly push: (sources: ReadonlySet<string>) => Promise<void>,
    private readonly options: DebounceOptions = DEFAULT_DEBOUNCE,
    private readonly timers: Timers = realTimers,
    private readonly onError: (err: unknown) => void = warnPushFailed,
    private readonly metrics: XdsMetrics = xdsMetrics,
  ) {}

  /** Requests a push; `source` (config, scorer, demand…) is passed on for logs and metrics. */
  trigger(source: string): void {
    if (this.closed) return;
    this.metrics.pushTriggers.inc({ source });
    this.pendingSources.add(source);
    this.schedule();
  }

  /** (Re)arms the timer for the pending burst: quiet period, capped by the burst's deadline. */
  private schedule(): void {
    const now = this.timers.now();
    this.burstStart ??= now;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const deadline = this.burstStart + this.options.maxDelayMs;
    const wait = Math.max(0, Math.min(this.options.quietMs, deadline - now));
    this.timer = this.timers.setTimeout(() => this.fire(), wait);
  }

  /** Resolves when no push is running or scheduled. */
  async idle(): Promise<void> {
    while (this.running || this.timer !== undefined) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    // The burst is due, but pushes never overlap: the running push fires it when it ends.
    if (this.running) return;
    const sources = this.pendingSources;
    this.pendingSources = new Set();
    this.burstStart = undefined;
    // The executor turns a synchronous throw into a rejection, handled like any other.
    this.running = new Promise<void>((resolve) => resolve(this.push(sources)))
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.running = undefined;
        // Pending sources without a timer are a burst that came due during this push.
        if (!this.closed && this.pendingSources.size > 0 && this.timer === undefined) this.timer = this.timers.setTimeout(() => this.fire(), 0);
      });
  }
}
