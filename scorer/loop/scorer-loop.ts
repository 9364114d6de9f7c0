/**
 * The scorer loop (DESIGN §5). Every policy interval the replica holding the lease computes
 * weights for every service (scorer/loop/compute-tick.ts), writes what changed to the ScoreStore
 * under its fencing token and emits the Decisions; the other replicas poll the store's revision
 * and emit exactly the weights stored, so every replica pushes the same thing. Decisions are only
 * emitted once stored: when the store cannot be written, every replica keeps serving its last
 * known weights until the store is back; then a leader (re-)acquires the lease and republishes
 * everything.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type CancelTimer, type Clock } from '../../api/clock.ts';
import type { MeshConfig } from '../../api/config.ts';
import type { WeightsSlice, ServiceWeights } from '../../api/decisions.ts';
import type { FeatureStore } from '../features/types.ts';
import type { Forecaster } from '../forecast/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import { sharesFromWeights } from '../score/integer-weights.ts';
import type { Rng } from '../score/types.ts';
import { isFenced, StoreError } from '../store/errors.ts';
import { MemoryScoreStore } from '../store/memory-score-store.ts';
import type { ScoreStore, ServiceRecord } from '../store/types.ts';
import { AccuracyTracker, type AccuracySummary } from './accuracy-tracker.ts';
import { computeTick, type TickOutput } from './compute-tick.ts';
import { sameDecisions, sameWeights } from './decisions-equal.ts';
import { buildEndpointTable, type EndpointTable } from './endpoint-table.ts';
import { exportEndpointSeries, exportForecastSeries } from './endpoint-series.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { FeatureBuffers } from './read-features.ts';
import { silentScorerLogger, type ScorerLogger } from './logger.ts';
import { refreshTicksFor, StaggeredForecasts } from './staggered-forecasts.ts';
import { RetrainController, type RetrainOptions, type RetrainStatus } from './retrain-controller.ts';

export interface ScorerLoopOptions {
  readonly config: MeshConfig;
  readonly features: FeatureStore;
  /** The model (e.g. OnnxForecaster). */
  readonly forecaster: Forecaster;
  /** The live fallback (EwmaForecaster; production tunes its alpha per endpoint window). */
  readonly fallback: Forecaster;
  /** Shared state; default: a MemoryScoreStore (single replica). */
  readonly store?: ScoreStore;
  /**
   * Called with the scorer's whole decision slice (its weights) whenever any service's weights
   * change; the root publishes it as the "scorer" slice.
   */
  readonly onDecisions: (slice: WeightsSlice) => void;
  /** Unix ms. Default Date.now. */
  readonly now?: () => number;
  /** Timers (and, without `now`, time) of the loop; default the system clock. A virtual clock runs it in simulated time. */
  readonly clock?: Clock;
  /** Default Math.random. */
  readonly rng?: Rng;
  readonly logger?: ScorerLogger;
  /** Unique per process; default a random UUID. */
  readonly replicaId?: string;
  /** Lease time: a dead leader is replaced within about this long. Default 5000 ms. */
  readonly leaseTtlMs?: number;
  /** How often followers poll the store's revision. Default 250 ms. */
  readonly followerPollMs?: number;
  /** Signals older than this count as missing. Default 30 s. */
  readonly staleAfterMs?: number;
  /** Enables the retraining feedback loop. */
  readonly retrain?: RetrainOptions;
  /**
   * Staggered forecasting (scorer/loop/staggered-forecasts.ts): the model re-forecasts each
   * endpoint at least every K ticks, about 1/K of them per tick, and the others reuse their last
   * forecast shifted by its age (with confidence discounted for it). 1 forecasts every endpoint
   * every tick. Default: 1 up to DEFAULT_MODEL_ROWS_PER_TICK endpoints, ⌈endpoints / that⌉ above.
   */
  readonly forecastRefreshTicks?: number;
  /** Where the loop's metrics go (the root's registry); default the module-level instance. */
  readonly metrics?: ScorerMetrics;
  /** The LRS interval clients are asked for; sets the loop gain on request-path latency. Default 10 s. */
  readonly loadReportIntervalMs?: number;
}

export interface ScorerStatus {
  readonly replica: string;
  readonly role: 'leader' | 'follower';
  readonly leaseToken?: number;
  readonly modelVersion: string | undefined;
  readonly revision: string | undefined;
  readonly lastTickAt?: number;
  readonly lastTickMs?: number;
  /** Where the last leader tick spent its time. */
  readonly lastTickTimings?: TickOutput['timings'];
  /** Endpoints the model forecast in the last leader tick; the others reused earlier forecasts. */
  readonly lastTickModelRows?: number;
  /** K of staggered forecasting for the current mesh. */
  readonly forecastRefreshTicks: number;
  readonly services: number;
  readonly endpoints: number;
  /** Endpoints forecast by the EWMA fallback (count and up to 20 of them as "service/endpoint"). */
  readonly fallback: { readonly endpoints: number; readonly sample: readonly string[]; readonly modelError?: string };
  readonly accuracy: AccuracySummary;
  readonly retrain?: RetrainStatus;
  readonly lastStoreError?: { readonly code: string; readonly message: string; readonly at: number };
}

export class ScorerLoop {
  private config: MeshConfig;
  private table: EndpointTable;
  private model: Forecaster;
  private readonly fallback: Forecaster;
  private readonly store: ScoreStore;
  private readonly now: () => number;
  private readonly rng: Rng;
  private readonly logger: ScorerLogger;
  private readonly replica: string;
  private readonly keeper: LeaseKeeper;
  private readonly tracker: AccuracyTracker;
  private readonly forecasts = new StaggeredForecasts();
  private readonly buffers = new FeatureBuffers();
  private refreshTicks: number;
  private readonly retrainer: RetrainController | undefined;
  private readonly metrics: ScorerMetrics;

  private decisions: WeightsSlice = { weights: new Map() };
  /** What this replica last stored (leader) or read (follower), per service. */
  private known = new Map<string, ServiceRecord>();
  private shares = new Map<string, ReadonlyMap<string, number>>();
  private confidences = new Map<string, number>();
  /** Unix ms each service's weights were last computed and published (leader only). */
  private readonly lastComputed = new Map<string, number>();
  private onFallback = new Set<string>();
  private modelError: string | undefined;
  private storedModelVersion: string | undefined;
  private seenRevision: string | undefined;
  private needsFullPublish = true;
  private lastTick: { at: number; ms: number; timings?: TickOutput['timings']; modelRows?: number } | undefined;
  private lastStoreError: ScorerStatus['lastStoreError'];
  private inFlight: Promise<void> = Promise.resolve();
  private readonly clock: Clock;
  private cancelLease: CancelTimer | undefined;
  private cancelTick: CancelTimer | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly o: ScorerLoopOptions) {
    this.config = o.config;
    this.metrics = o.metrics ?? defaultScorerMetrics;
    this.table = buildEndpointTable(o.config);
    this.refreshTicks = refreshTicksFor(this.table.refs.length, o.forecastRefreshTicks);
    this.model = o.forecaster;
    this.fallback = o.fallback;
    this.clock = o.clock ?? systemClock;
    this.now = o.now ?? (() => this.clock.now());
    this.store = o.store ?? new MemoryScoreStore({ now: this.now });
    this.rng = o.rng ?? Math.random;
    this.logger = o.logger ?? silentScorerLogger;
    this.replica = o.replicaId ?? randomUUID();
    this.tracker = new AccuracyTracker(o.features.resolutionMs);
    this.keeper = new LeaseKeeper({
      store: this.store,
      holder: this.replica,
      leaseTtlMs: o.leaseTtlMs ?? 5000,
      now: this.now,
      logger: this.logger,
      metrics: this.metrics,
      onChange: (leader) => {
        this.needsFullPublish = true;
        if (!leader) this.seenRevision = undefined;
      },
    });
    this.retrainer = o.retrain ? new RetrainController(o.retrain, this.now(), (f) => this.swapModel(f), this.logger, this.metrics) : undefined;
    this.metrics.scorerMetrics.modelInfo.reset();
    this.metrics.scorerMetrics.modelInfo.set({ version: this.model.version }, 1);
  }

  /** Hot reload: the next tick scores the new services, endpoints and policies. */
  setConfig(config: MeshConfig): void {
    const before = new Set(this.table.ids);
    this.config = config;
    this.table = buildEndpointTable(config);
    this.refreshTicks = refreshTicksFor(this.table.refs.length, this.o.forecastRefreshTicks);
    const after = new Set(this.table.ids);
    for (const ref of before) {
      if (after.has(ref)) continue;
      const [service, endpoint] = ref.split('\u0000') as [string, string];
      this.o.features.drop(service, endpoint);
    }
    this.tracker.retain(after);
  }

  /** Runs the loop on timers until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const stepLease = () => {
      void this.keeper.step();
      if (this.running) this.cancelLease = this.clock.setTimeout(stepLease, this.keeper.periodMs);
    };
    this.cancelLease = this.clock.setTimeout(stepLease, this.keeper.periodMs);
    const loop = async () => {
      await this.tick().catch((err: Error) => this.logger.error({ err: err.message }, 'scorer tick failed'));
      if (!this.running) return;
      const period = this.keeper.current() ? this.table.intervalMs : (this.o.followerPollMs ?? 250);
      this.cancelTick = this.clock.setTimeout(() => void loop(), period);
    };
    void loop();
  }

  /**
   * Stops the timers, waits for the tick in flight and closes the model: the loop owns the
   * forecaster it is given (a swap closes the old one too). By default gives the lease up, so a
   * follower takes over at once; `releaseLease: false` leaves it to expire (as a crash would).
   */
  async stop(options: { releaseLease?: boolean } = {}): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.cancelLease?.();
    this.cancelTick?.();
    await this.inFlight;
    if (options.releaseLease ?? true) await this.keeper.release();
    if (this.model !== this.fallback) await this.model.close();
  }

  /** One iteration: keep or win the lease, then compute (leader) or follow the store. */
  tick(): Promise<void> {
    const run = this.inFlight.then(async () => {
      await this.keeper.step();
      const lease = this.keeper.current();
      if (lease) await this.lead();
      else await this.follow();
    });
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  /** The slice last emitted. */
  current(): WeightsSlice {
    return this.decisions;
  }

  /** Mean forecast confidence of a service's endpoints (0..1), known on the leader only. */
  confidence(service: string): number | undefined {
    return this.confidences.get(service);
  }

  isLeader(): boolean {
    return this.keeper.current() !== undefined;
  }

  /**
   * Swaps the model atomically: the tick in flight finishes with the old one, which is then closed.
   * After `stop()` (a retraining that outlived the loop) the new model is closed instead.
   */
  async swapModel(next: Forecaster): Promise<void> {
    if (this.stopped) {
      if (next !== this.model && next !== this.fallback) await next.close();
      return;
    }
    const old = this.model;
    this.model = next;
    this.tracker.resetModel();
    this.metrics.scorerMetrics.modelInfo.reset();
    this.metrics.scorerMetrics.modelInfo.set({ version: next.version }, 1);
    await this.inFlight;
    if (old !== next && old !== this.fallback) await old.close();
  }

  status(): ScorerStatus {
    const lease = this.keeper.current();
    const sample = [...this.onFallback].slice(0, 20).map((id) => id.replace('\u0000', '/'));
    return {
      replica: this.replica,
      role: lease ? 'leader' : 'follower',
      ...(lease ? { leaseToken: lease.token } : {}),
      modelVersion: lease ? this.model.version : this.storedModelVersion,
      revision: this.seenRevision,
      ...(this.lastTick ? { lastTickAt: this.lastTick.at, lastTickMs: this.lastTick.ms } : {}),
      ...(this.lastTick?.timings ? { lastTickTimings: this.lastTick.timings } : {}),
      ...(this.lastTick?.modelRows !== undefined ? { lastTickModelRows: this.lastTick.modelRows } : {}),
      forecastRefreshTicks: this.refreshTicks,
      services: this.table.services.length,
      endpoints: this.table.refs.length,
      fallback: { endpoints: this.onFallback.size, sample, ...(this.modelError ? { modelError: this.modelError } : {}) },
      accuracy: this.tracker.summary(),
      ...(this.retrainer ? { retrain: this.retrainer.status() } : {}),
      ...(this.lastStoreError ? { lastStoreError: this.lastStoreError } : {}),
    };
  }

  private async lead(): Promise<void> {
    const start = performance.now();
    const now = this.now();
    const out = await computeTick({
      table: this.table,
      features: this.o.features,
      model: this.model,
      fallback: this.fallback,
      tracker: this.tracker,
      previousShares: this.shares,
      now,
      rng: this.rng,
      staleAfterMs: this.o.staleAfterMs ?? 30_000,
      forecasts: this.forecasts,
      refreshTicks: this.refreshTicks,
      buffers: this.buffers,
      ...(this.o.loadReportIntervalMs !== undefined && { loadReportIntervalMs: this.o.loadReportIntervalMs }),
    });
    this.noteFallbacks(out.onFallback, out.modelError);

    // The loop runs at the shortest policy interval; a service whose own interval has not
    // elapsed keeps its published weights and damping base, so each policy's interval (and the
    // per-interval step bound) holds.
    const due = this.dueServices(now);
    for (const [service, previous] of this.shares) if (!due.has(service)) out.shares.set(service, new Map(previous));
    const live = new Set(out.records.map((r) => r.weights.service));
    const upserts = out.records.filter(
      (r) => (this.needsFullPublish || due.has(r.weights.service)) && (this.needsFullPublish || !sameWeights(r.weights, this.known.get(r.weights.service)?.weights)),
    );
    const removals = [...this.known.keys()].filter((s) => !live.has(s));
    const lease = this.keeper.current();
    if (!lease) return;
    try {
      this.seenRevision = await this.store.publish(lease, { upserts, removals, modelVersion: this.model.version });
    } catch (err) {
      this.storeFailed(err, 'leader');
      if (isFenced(err)) this.keeper.fenced();
      else this.needsFullPublish = true;
      return;
    }
    this.needsFullPublish = false;
    for (const service of due) {
      this.lastComputed.set(service, now);
      const reason = out.held.get(service);
      if (reason) this.metrics.scorerMetrics.sharesHeld.inc({ reason });
    }
    this.storedModelVersion = this.model.version;
    const known = new Map(this.known);
    for (const r of upserts) known.set(r.weights.service, r);
    for (const s of removals) known.delete(s);
    this.known = known;
    this.shares = out.shares;
    this.confidences = out.confidence;
    this.emitKnown();
    exportEndpointSeries(out.records, this.metrics);
    exportForecastSeries(out.records, (id) => this.tracker.lastScored(id), this.metrics);
    if (!out.modelError) this.metrics.scorerMetrics.inferenceSeconds.observe({ forecaster: 'model' }, out.timings.modelMs / 1000);
    this.metrics.scorerMetrics.inferenceSeconds.observe({ forecaster: 'fallback' }, out.timings.fallbackMs / 1000);

    const acc = this.tracker.summary();
    if (acc.model !== undefined) this.metrics.scorerMetrics.forecastError.set({ forecaster: 'model' }, 1 - acc.model);
    if (acc.fallback !== undefined) this.metrics.scorerMetrics.forecastError.set({ forecaster: 'fallback' }, 1 - acc.fallback);
    void this.retrainer?.consider(now, acc.model, acc.tracked, acc.fallback);
    const ms = performance.now() - start;
    this.lastTick = { at: now, ms, timings: out.timings, modelRows: out.modelRows };
    this.metrics.scorerMetrics.tickSeconds.observe(ms / 1000);
    this.metrics.scorerMetrics.ticks.inc({ role: 'leader', result: 'ok' });
  }

  /** Services whose policy interval has elapsed since their weights were last published. */
  private dueServices(now: number): Set<string> {
    const due = new Set<string>();
    for (const { service, policy } of this.table.services) {
      const last = this.lastComputed.get(service);
      // A tenth of the interval of slack absorbs timer jitter between ticks.
      if (last === undefined || now - last >= policy.intervalMs * 0.9) due.add(service);
    }
    return due;
  }

  private async follow(): Promise<void> {
    // Confidence is known only where forecasts are computed; a former leader's would go stale.
    this.confidences.clear();
    try {
      const revision = await this.store.revision();
      // A missing revision (store restarted or expired) keeps the last known weights served.
      if (revision === undefined || revision === this.seenRevision) return;
      const state = await this.store.read();
      this.seenRevision = state.revision;
      this.storedModelVersion = state.modelVersion;
      this.known = new Map(state.services);
      this.shares = new Map([...state.services].map(([s, r]) => [s, sharesFromWeights(r.weights.weights)]));
      this.emitKnown();
      exportEndpointSeries(this.known.values(), this.metrics);
      this.lastTick = { at: this.now(), ms: 0 };
      this.metrics.scorerMetrics.ticks.inc({ role: 'follower', result: 'ok' });
    } catch (err) {
      this.storeFailed(err, 'follower');
    }
  }

  /** Emits the known weights of the services in the current config, if they differ from the last emitted. */
  private emitKnown(): void {
    const weights = new Map<string, ServiceWeights>();
    for (const service of this.config.services.keys()) {
      const r = this.known.get(service);
      if (r) weights.set(service, r.weights);
    }
    const next: WeightsSlice = { weights };
    if (sameDecisions(next, this.decisions)) return;
    this.decisions = next;
    this.o.onDecisions(next);
  }

  private noteFallbacks(next: Set<string>, modelError: Error | undefined): void {
    const reason = modelError ? 'model_error' : 'accuracy';
    let switched = 0;
    for (const id of next) if (!this.onFallback.has(id)) switched++;
    if (switched) this.metrics.scorerMetrics.fallbacks.inc({ reason }, switched);
    this.metrics.scorerMetrics.fallbackEndpoints.set(next.size);
    if (modelError && this.modelError !== modelError.message) {
      this.logger.error({ err: modelError.message, version: this.model.version }, 'model forecast failed; every endpoint uses the EWMA fallback');
    }
    this.modelError = modelError?.message;
    this.onFallback = next;
  }

  private storeFailed(err: unknown, role: 'leader' | 'follower'): void {
    const code = err instanceof StoreError ? err.code : 'UNKNOWN';
    const message = (err as Error).message;
    this.metrics.scorerMetrics.storeErrors.inc({ code });
    this.metrics.scorerMetrics.ticks.inc({ role, result: 'store_error' });
    if (this.lastStoreError?.message !== message) this.logger.warn({ code, err: message }, 'score store operation failed; serving last known weights');
    this.lastStoreError = { code, message, at: this.now() };
  }
}
