/**
 * The scorer as a module of the root (DESIGN §5): feature store, telemetry sources (LRS adapter,
 * prober, Prometheus), forecaster with its EWMA fallback, score store (memory or Redis) and the
 * scorer loop, whose weights it publishes as the "scorer" decision slice. Built by `create`,
 * which never fails for a missing model or an unreachable Redis (serving must not depend on
 * either).
 */
import type { MeshConfig } from '../../api/config.ts';
import { timersOf, type Clock, type CancelTimer } from '../../api/clock.ts';
import type { SlicePublisher } from '../../api/decisions.ts';
import type { LoadReportSink } from '../../api/telemetry.ts';
import { RingFeatureStore } from '../../scorer/features/ring-feature-store.ts';
import { EwmaForecaster } from '../../scorer/forecast/ewma-forecaster.ts';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import type { Forecaster } from '../../scorer/forecast/types.ts';
import { ScorerLoop } from '../../scorer/loop/scorer-loop.ts';
import { MemoryScoreStore } from '../../scorer/store/memory-score-store.ts';
import { RedisScoreStore } from '../../scorer/store/redis-score-store.ts';
import type { ScoreStore } from '../../scorer/store/types.ts';
import { LeasedScoreStore } from '../../scorer/store/leased-score-store.ts';
import type { KeyLease } from '../../api/leadership.ts';
import { createIngestHandler } from '../../scorer/telemetry/ingest-api.ts';
import { LoadReportAdapter } from '../../scorer/telemetry/load-reports.ts';
import { KnownEndpoints } from '../../scorer/telemetry/known-endpoints.ts';
import { SourceBudget } from '../../scorer/telemetry/source-budget.ts';
import { Prober } from '../../scorer/telemetry/prober.ts';
import { PrometheusSource, type PromQuery } from '../../scorer/telemetry/prometheus-source.ts';
import type { ScorerMetrics } from '../../scorer/metrics.ts';
import { liveRetrainer } from '../../scorer/train/live-retrain.ts';
import type { Logger } from '../log.ts';
import { probeTargets } from '../pipeline/probe-targets.ts';
import type { PrescientModule } from './module.ts';

export interface ScorerOptions {
  /** ONNX model file; default the shipped model. */
  modelPath?: string;
  provider?: 'cpu' | 'cuda' | 'webgpu';
  /** Share scores and weights between replicas; in-memory when unset. */
  redisUrl?: string;
  /** Default 5 s: a dead leader is replaced within about this long. */
  leaseTtlMs?: number;
  /** Default probe interval for endpoints without a health check of their own. */
  probeIntervalMs?: number;
  /** Replica identity (default random), shown on /debug/scorer. */
  replicaId?: string;
  /** Retrain on drift or daily, in a worker thread; on unless `false`. */
  retrain?: false;
  /** Feature store ring memory; default DEFAULT_MEMORY_BUDGET_BYTES (fits the shipped Deployment). */
  featureStoreBudgetBytes?: number;
  /** Most one LRS source (identity) may weigh in an endpoint's error rate and latency; default 1/3. */
  lrsMaxSourceShare?: number;
  /** Observations per minute one ingest client may push; default 60,000. */
  ingestPerClientPerMinute?: number;
  /** Poll an existing Prometheus for endpoint metrics (PromQL instant queries). */
  prometheus?: { url: string; queries: PromQuery[]; intervalMs?: number };
  /** The LRS interval clients are asked for (the root's `lrsIntervalMs`); sets the scorer's loop gain. */
  loadReportIntervalMs?: number;
}

export interface ScorerModuleDeps {
  readonly config: MeshConfig;
  /** The root's scorer metrics (its own registry). */
  readonly metrics: ScorerMetrics;
  readonly publisher: SlicePublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * The scoring lease from the root's lease store (a Kubernetes Lease), used when there is no
   * Redis: replicas elect one scorer through it, and each keeps its weights in memory.
   */
  readonly lease?: KeyLease;
}

/** Shape of the EWMA-only forecaster used when no model loads (that of the shipped model). */
const EWMA_ONLY_WINDOW = 48;
const EWMA_ONLY_HORIZONS = [1, 3, 12];

/** How often stale telemetry state (feature series, LRS reporters) is freed. */
const SWEEP_INTERVAL_MS = 10_000;

export class ScorerModule implements PrescientModule {
  readonly name = 'scorer';
  private cancelSweep: CancelTimer | undefined;
  private known = new KnownEndpoints();
  private ingestBudget = new SourceBudget();

  private constructor(
    private readonly options: ScorerOptions,
    private readonly deps: ScorerModuleDeps,
    readonly features: RingFeatureStore,
    private readonly loadReports: LoadReportAdapter,
    private readonly store: ScoreStore,
    readonly loop: ScorerLoop,
    private readonly prober: Prober,
    private readonly prometheus: PrometheusSource | undefined,
  ) {}

  static async create(s: ScorerOptions, deps: ScorerModuleDeps): Promise<ScorerModule> {
    const log = deps.logger.child({ component: 'scorer' });
    const now = () => deps.clock.now();
    const features = new RingFeatureStore({ memoryBudgetBytes: s.featureStoreBudgetBytes, metrics: deps.metrics });
    // Flood protection: telemetry creates series only for endpoints the config defines.
    const known = new KnownEndpoints(deps.config);
    const loadReports = new LoadReportAdapter({ store: features, known, maxSourceShare: s.lrsMaxSourceShare, logger: deps.logger.child({ component: 'lrs' }), metrics: deps.metrics });
    // Serving must not depend on the model either: without one, every endpoint is forecast by EWMA.
    const forecaster: Forecaster = await loadForecaster({ modelPath: s.modelPath, provider: s.provider, logger: log }).catch((err: Error) => {
      log.error({ err: err.message }, 'forecast model could not be loaded; forecasting with EWMA only');
      return new EwmaForecaster({ window: EWMA_ONLY_WINDOW, horizons: EWMA_ONLY_HORIZONS });
    });
    // α tuned per endpoint on its own window every tick: the model is judged live against a tuned EWMA.
    const fallback = new EwmaForecaster({ window: forecaster.window, horizons: forecaster.horizons });
    const store = s.redisUrl ? new RedisScoreStore({ url: s.redisUrl }) : deps.lease ? new LeasedScoreStore(deps.lease, now) : new MemoryScoreStore({ now, exclusive: true });
    if (store instanceof RedisScoreStore) {
      // Serving must not depend on Redis: without it, static weights are pushed until it is back.
      await store.ready().catch((err: Error) => log.warn({ err: err.message }, 'Redis not reachable yet; serving static weights until it is'));
    }
    const loop = new ScorerLoop({
      config: deps.config,
      metrics: deps.metrics,
      clock: deps.clock,
      features,
      forecaster,
      fallback,
      store,
      now,
      leaseTtlMs: s.leaseTtlMs,
      replicaId: s.replicaId,
      ...(s.loadReportIntervalMs !== undefined && { loadReportIntervalMs: s.loadReportIntervalMs }),
      logger: log,
      onDecisions: (slice) => deps.publisher.publish(slice),
      ...(s.retrain === false ? {} : { retrain: { retrain: liveRetrainer({ features, provider: s.provider }) } }),
    });
    const prober = new Prober({ store: features, logger: log.child({ component: 'prober' }), metrics: deps.metrics, timers: timersOf(deps.clock) });
    const prometheus = s.prometheus ? new PrometheusSource({ ...s.prometheus, store: features, logger: log.child({ component: 'prometheus' }), metrics: deps.metrics, timers: timersOf(deps.clock) }) : undefined;
    const module = new ScorerModule(s, deps, features, loadReports, store, loop, prober, prometheus);
    module.known = known;
    module.ingestBudget = new SourceBudget({ perWindow: s.ingestPerClientPerMinute, windowMs: 60_000, clock: { now } });
    return module;
  }

  /** Where validated LRS reports go. */
  get loadReportSink(): LoadReportSink {
    return this.loadReports;
  }

  /** The HTTP ingest API handler, for the admin server. */
  ingestHandler(logger: Logger) {
    return createIngestHandler({ store: this.features, known: this.known, budget: this.ingestBudget, logger, metrics: this.deps.metrics });
  }

  onConfig(config: MeshConfig): void {
    this.known.setConfig(config);
    this.loop.setConfig(config);
    this.prober.setTargets(probeTargets(config, this.options.probeIntervalMs));
  }

  start(): void {
    this.loop.start();
    this.prober.start();
    this.prometheus?.start();
    this.armSweep();
  }

  async stop(options: { releaseLease?: boolean }): Promise<void> {
    this.cancelSweep?.();
    await this.prober.stop();
    this.prometheus?.stop();
    await this.loop.stop(options);
    await this.store.close();
  }

  status() {
    return this.loop.status();
  }

  confidence(service: string): number | undefined {
    return this.loop.confidence(service);
  }

  private armSweep(): void {
    this.cancelSweep = this.deps.clock.setTimeout(() => {
      const now = this.deps.clock.now();
      this.features.sweep(now);
      this.loadReports.sweep(now);
      this.armSweep();
    }, SWEEP_INTERVAL_MS);
  }
}
