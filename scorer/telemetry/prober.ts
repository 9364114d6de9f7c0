/**
 * Active probes run by Prescient against every endpoint it is given (DESIGN §5 "Telemetry in"):
 * gRPC health check, HTTP GET or TCP connect, each at its own interval with a timeout. Each probe
 * records into the feature store:
 * - success: `latency_ms` (wall time of the probe), `loss` 0, and `jitter_ms` = |latency − previous
 *   successful latency|; the store's bucket mean turns these into the mean absolute difference of
 *   consecutive latencies;
 * - failure or timeout: `loss` 1 (the bucket mean is the fraction of probes lost).
 * At most `concurrency` probes run at once; a target is never probed twice concurrently and its next
 * probe is due one interval after the previous one started. First probes are spread over the
 * interval so targets do not fire in lockstep. The loop never throws: a failing check is a loss.
 */
import type { FeatureStore } from '../features/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import { DueQueue } from './due-queue.ts';
import { GrpcHealthCheck } from './grpc-health-check.ts';
import { HttpCheck } from './http-check.ts';
import { silentLogger, type Logger } from './log.ts';
import { realTimers, type Timers } from './timers.ts';
import type { ProbeCheck, ProbeOutcome } from './probe-check.ts';
import { TcpCheck } from './tcp-check.ts';

export type ProbeKind = 'grpc' | 'http' | 'tcp';

export interface ProbeTarget {
  service: string;
  /** "address:port" */
  endpoint: string;
  kind: ProbeKind;
  /** HTTP path (default "/") or gRPC health service name (default "": the whole server). */
  path?: string;
  intervalMs?: number;
  timeoutMs?: number;
}


export interface ProberOptions {
  store: FeatureStore;
  /** Default 5000 ms. */
  intervalMs?: number;
  /** Default 1000 ms. */
  timeoutMs?: number;
  /** Probes in flight at once; default 64. */
  concurrency?: number;
  /** Unix ms for observation times; default Date.now. */
  clock?: { now(): number };
  /** Schedules probe rounds; default the global timers. */
  timers?: Timers;
  /** Monotonic ms for measuring latency; default performance.now. */
  monotonic?: () => number;
  logger?: Logger;
  /** Where this source's counters go; default the module-level instance. */
  metrics?: ScorerMetrics;
}

interface TargetState {
  readonly key: string;
  readonly target: ProbeTarget;
  readonly check: ProbeCheck;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  previousLatencyMs: number | undefined;
  removed: boolean;
}

const SOURCE = 'probe';
/** New targets set up per event-loop turn. */
const ADD_SLICE = 2_000;

function targetKey(t: ProbeTarget): string {
  return `${t.service}\n${t.endpoint}\n${t.kind}\n${t.path ?? ''}`;
}

export class Prober {
  private readonly store: FeatureStore;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly clock: { now(): number };
  private readonly timers: Timers;
  private readonly monotonic: () => number;
  private readonly logger: Logger;
  private readonly targets = new Map<string, TargetState>();
  private readonly queue = new DueQueue<TargetState>();
  private inFlight = 0;
  private running = false;
  private timer: unknown;
  private timerDue = Number.POSITIVE_INFINITY;
  private idle: (() => void)[] = [];
  /** Bumped by every setTargets and by stop, so slices of an older target set stop adding. */
  private addGeneration = 0;

  private readonly metrics: ScorerMetrics;

  constructor(options: ProberOptions) {
    this.metrics = options.metrics ?? defaultScorerMetrics;
    this.store = options.store;
    this.intervalMs = options.intervalMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 64);
    this.clock = options.clock ?? Date;
    this.timers = options.timers ?? realTimers;
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Replaces the probed set. Targets that stay keep their connection, schedule and jitter state;
   * removed ones are closed once their running probe ends.
   */
  setTargets(targets: readonly ProbeTarget[]): void {
    const next = new Map<string, ProbeTarget>();
    for (const t of targets) next.set(targetKey(t), t);
    for (const [key, state] of this.targets) {
      if (next.has(key)) continue;
      state.removed = true;
      state.check.close();
      this.targets.delete(key);
    }
    const now = this.clock.now();
    const fresh = [...next].filter(([key]) => !this.targets.has(key));
    const generation = ++this.addGeneration;
    // Tens of thousands of new targets take a few hundred ms to set up: added in slices, so a big
    // config reload does not stall the event loop (the first slice is added at once).
    const addSlice = (from: number): void => {
      if (generation !== this.addGeneration) return; // superseded by a newer set, or stopped
      const end = Math.min(fresh.length, from + ADD_SLICE);
      for (let i = from; i < end; i++) {
        const [key, target] = fresh[i]!;
        if (this.targets.has(key)) continue;
        const state = this.createState(key, target);
        if (!state) continue;
        this.targets.set(key, state);
        this.queue.push(now + (state.intervalMs * i) / fresh.length, state);
      }
      this.pump();
      if (end < fresh.length) setImmediate(() => addSlice(end));
    };
    addSlice(0);
  }

  get targetCount(): number {
    return this.targets.size;
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** Stops scheduling, waits for probes in flight, and closes every connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.addGeneration++;
    this.clearTimer();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    for (const state of this.targets.values()) state.check.close();
  }

  /** Probes every target once now (bounded by `concurrency`), outside the schedule. */
  async probeAll(): Promise<void> {
    const states = [...this.targets.values()];
    let next = 0;
    const worker = async () => {
      while (next < states.length) await this.probe(states[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, states.length) }, worker));
  }

  private createState(key: string, target: ProbeTarget): TargetState | undefined {
    const intervalMs = target.intervalMs ?? this.intervalMs;
    try {
      return {
        key,
        target,
        check: createCheck(target, intervalMs),
        intervalMs,
        timeoutMs: Math.min(target.timeoutMs ?? this.timeoutMs, intervalMs),
        previousLatencyMs: undefined,
        removed: false,
      };
    } catch (err) {
      this.logger.warn({ err, service: target.service, endpoint: target.endpoint }, 'PROBE_TARGET_INVALID: target skipped');
      return undefined;
    }
  }

  /** Starts every due probe the concurrency allows, then arms the timer for the next one. */
  private pump(): void {
    if (!this.running) return;
    const now = this.clock.now();
    while (this.inFlight < this.concurrency && (this.queue.peekDue() ?? Infinity) <= now) {
      const state = this.queue.pop()!;
      if (state.removed) continue;
      this.inFlight++;
      void this.probe(state).finally(() => {
        this.inFlight--;
        if (!state.removed) this.queue.push(now + state.intervalMs, state);
        if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
        this.pump();
      });
    }
    this.arm(this.inFlight < this.concurrency ? this.queue.peekDue() : undefined, now);
  }

  private arm(due: number | undefined, now: number): void {
    if (due === undefined || due >= this.timerDue) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = this.timers.setTimeout(() => {
      this.timerDue = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, due - now));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
  }

  private async probe(state: TargetState): Promise<void> {
    const { service, endpoint, kind } = state.target;
    const at = this.clock.now();
    const started = this.monotonic();
    let outcome: ProbeOutcome;
    try {
      outcome = await state.check.run(state.timeoutMs);
    } catch (err) {
      outcome = { ok: false, timedOut: false, detail: String(err) };
    }
    const latencyMs = this.monotonic() - started;
    this.metrics.telemetrySourceMetrics.probes.inc({ kind, result: outcome.ok ? 'ok' : outcome.timedOut ? 'timeout' : 'fail' });
    if (state.removed) return;
    if (outcome.ok) {
      const previous = state.previousLatencyMs;
      state.previousLatencyMs = latencyMs;
      const metrics = previous === undefined ? { latency_ms: latencyMs, loss: 0 } : { latency_ms: latencyMs, loss: 0, jitter_ms: Math.abs(latencyMs - previous) };
      this.store.record({ service, endpoint, at, metrics });
    } else {
      this.logger.debug({ service, endpoint, kind, detail: outcome.detail }, 'probe failed');
      this.store.record({ service, endpoint, at, metrics: { loss: 1 } });
    }
    this.metrics.telemetryMetrics.accepted.inc({ source: SOURCE });
  }
}

function createCheck(target: ProbeTarget, intervalMs: number): ProbeCheck {
  switch (target.kind) {
    case 'grpc':
      return new GrpcHealthCheck(target.endpoint, target.path ?? '', intervalMs);
    case 'http':
      return new HttpCheck(target.endpoint, target.path ?? '/');
    case 'tcp':
      return new TcpCheck(target.endpoint);
    default:
      throw new Error(`PROBE_KIND_UNKNOWN: "${String(target.kind)}" (expected grpc, http or tcp)`);
  }
}
