/**
 * The composition root: wires ingest (config files, telemetry), decide (scorer loop), translate +
 * validate (publisher) and serve (cache, xDS transport, admin HTTP) into one running Prescient.
 * Used by `prescient serve`, by the end-to-end tests and by the benchmarks, so what they exercise
 * is what ships. All state changes funnel into one debounced push.
 */
import type { MeshConfig } from '../../api/config.ts';
import { NO_DECISIONS, type Decisions } from '../../api/decisions.ts';
import { RingFeatureStore } from '../../scorer/features/ring-feature-store.ts';
import { EwmaForecaster, LIVE_EWMA_ALPHA } from '../../scorer/forecast/ewma-forecaster.ts';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import type { Forecaster } from '../../scorer/forecast/types.ts';
import { ScorerLoop } from '../../scorer/loop/scorer-loop.ts';
import { nextOverrideExpiry } from '../../scorer/overrides.ts';
import { liveRetrainer } from '../../scorer/train/live-retrain.ts';
import { registry as scorerRegistry } from '../../scorer/metrics.ts';
import { addSelectService } from '../../scorer/select/grpc-select-service.ts';
import { createSelectHttpHandler } from '../../scorer/select/http-select-handler.ts';
import { EndpointSelector } from '../../scorer/select/endpoint-selector.ts';
import { MemoryScoreStore } from '../../scorer/store/memory-score-store.ts';
import { RedisScoreStore } from '../../scorer/store/redis-score-store.ts';
import type { ScoreStore } from '../../scorer/store/types.ts';
import { createIngestHandler } from '../../scorer/telemetry/ingest-api.ts';
import { LoadReportAdapter } from '../../scorer/telemetry/load-reports.ts';
import { Prober } from '../../scorer/telemetry/prober.ts';
import { PrometheusSource, type PromQuery } from '../../scorer/telemetry/prometheus-source.ts';
import { AdminServer } from '../admin/admin-server.ts';
import { mountDebugPages } from '../admin/debug-pages.ts';
import { ResourceCache } from '../cache/resource-cache.ts';
import { NodeGroupResolver, type NodeGroupSelector } from '../cache/node-groups.ts';
import { formatConfigError, loadConfigFiles, watchConfig, type ConfigWatcher } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { registry as xdsRegistry } from '../metrics.ts';
import { ConfigState } from '../pipeline/config-state.ts';
import { checkRendering } from '../pipeline/render-check.ts';
import { weightsReport } from '../pipeline/weights-report.ts';
import { Publisher } from '../pipeline/publisher.ts';
import { DEFAULT_DEBOUNCE, PushDebouncer, realTimers, type DebounceOptions } from '../pipeline/push-debouncer.ts';
import { probeTargets } from '../pipeline/probe-targets.ts';
import { XdsServer } from '../transport/xds-server.ts';
import type { TlsOptions } from '../transport/tls-credentials.ts';
import type { XdsAccessOptions } from '../transport/access/xds-access.ts';
import client from 'prom-client';

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
  /** Poll an existing Prometheus for endpoint metrics (PromQL instant queries). */
  prometheus?: { url: string; queries: PromQuery[]; intervalMs?: number };
}

export interface PrescientOptions {
  configPaths: string[];
  xdsAddress: string;
  adminAddress: string;
  adminToken?: string;
  tls?: TlsOptions;
  /** Who may send load reports and call CSDS/SelectEndpoint on the xDS port (docs/security.md); the admin token is added. */
  xdsAccess?: Omit<XdsAccessOptions, 'mtls' | 'adminToken'>;
  debounce?: DebounceOptions;
  maxNewStreamsPerSecond?: number;
  lrsIntervalMs?: number;
  nodeGroups?: NodeGroupSelector[];
  /** Scoring is on unless `false`. */
  scorer?: ScorerOptions | false;
  logger: Logger;
}

/** Shape of the EWMA-only forecaster used when no model loads (that of the shipped model). */
const EWMA_ONLY_WINDOW = 48;
const EWMA_ONLY_HORIZONS = [1, 3, 12];

/** How often stale telemetry state (feature series, LRS reporters) is freed. */
const SWEEP_INTERVAL_MS = 10_000;

/** setTimeout's longest delay; a later override expiry re-arms from there. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Thrown by `start` when the initial configuration is invalid: nothing was started. */
export class InitialConfigError extends Error {
  readonly code = 'PRESCIENT_INITIAL_CONFIG';
  constructor(readonly messages: string[]) {
    super(`initial configuration is invalid (${messages.length} error(s)); fix it and start again:\n${messages.join('\n')}`);
  }
}

export class Prescient {
  readonly cache = new ResourceCache();
  readonly configState: ConfigState;
  private decisions: Decisions = NO_DECISIONS;
  private readonly publisher: Publisher;
  private readonly debouncer: PushDebouncer;
  private xds!: XdsServer;
  private admin!: AdminServer;
  private watcher: ConfigWatcher | undefined;
  private scorer: ScorerLoop | undefined;
  private prober: Prober | undefined;
  private prometheus: PrometheusSource | undefined;
  private features: RingFeatureStore | undefined;
  private loadReports: LoadReportAdapter | undefined;
  private store: ScoreStore | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  xdsPort = 0;
  adminPort = 0;

  private constructor(private readonly options: PrescientOptions) {
    this.configState = new ConfigState(options.configPaths);
    this.publisher = new Publisher(this.cache, options.logger.child({ component: 'publisher' }));
    this.debouncer = new PushDebouncer((sources) => this.push(sources), options.debounce ?? DEFAULT_DEBOUNCE, realTimers, (err) =>
      options.logger.error({ err }, 'push failed; clients keep their current resources'),
    );
    this.cache.setDemandHandler((group, flavor) => {
      // A group's first client should not wait for the debounce: render it now.
      this.publisher.publishGroup(group, flavor, this.snapshot());
    });
  }

  static async start(options: PrescientOptions): Promise<Prescient> {
    const initial = checkRendering(await loadConfigFiles(options.configPaths), Date.now());
    if (!initial.ok) {
      throw new InitialConfigError(initial.errors.map(formatConfigError));
    }
    const p = new Prescient(options);
    p.configState.accept(initial.config, initial.documents.length, Date.now());
    try {
      await p.startComponents();
    } catch (err) {
      // A listener that cannot bind must not leave the other one, Redis or timers holding the process.
      await p.stop().catch(() => undefined);
      throw err;
    }
    return p;
  }

  get config(): MeshConfig {
    return this.configState.config;
  }

  currentDecisions(): Decisions {
    return this.decisions;
  }

  /** Replaces the decisions (the scorer loop calls this; tests and the bench may too). */
  setDecisions(decisions: Decisions, source = 'scorer'): void {
    this.decisions = decisions;
    this.debouncer.trigger(source);
  }

  /** Resolves once every requested push has been rendered and published. */
  async settled(): Promise<void> {
    await this.debouncer.idle();
  }

  /**
   * Stops everything. `releaseLease: false` leaves the scoring lease to expire, as a crashed
   * replica would, instead of handing it over at once.
   */
  async stop(options: { releaseLease?: boolean } = {}): Promise<void> {
    this.debouncer.close();
    this.watcher?.close();
    clearInterval(this.sweepTimer);
    clearTimeout(this.expiryTimer);
    await this.prober?.stop();
    this.prometheus?.stop();
    await this.scorer?.stop(options);
    await this.store?.close();
    await this.xds?.close(200);
    await this.admin?.close();
  }

  private snapshot() {
    return { config: this.configState.config, decisions: this.decisions, now: Date.now() };
  }

  private async push(sources: ReadonlySet<string>): Promise<void> {
    const result = this.publisher.publishAll(this.cache.demandedGroups(), this.snapshot());
    this.options.logger.debug({ sources: [...sources], ...result }, 'pushed');
  }

  private onConfig(config: MeshConfig): void {
    this.scorer?.setConfig(config);
    this.prober?.setTargets(probeTargets(config, this.options.scorer ? this.options.scorer.probeIntervalMs : undefined));
    this.armOverrideExpiry();
    this.debouncer.trigger('config');
  }

  /** An expiring WeightOverride changes EDS at its `expiresAt` although nothing else changed then. */
  private armOverrideExpiry(): void {
    clearTimeout(this.expiryTimer);
    const now = Date.now();
    const at = nextOverrideExpiry(this.configState.config, now);
    if (at === undefined) return;
    this.expiryTimer = setTimeout(() => {
      this.armOverrideExpiry();
      this.debouncer.trigger('override_expiry');
    }, Math.min(at - now + 1, MAX_TIMER_MS)).unref();
  }

  private async startComponents(): Promise<void> {
    const o = this.options;
    const log = o.logger;
    if (o.scorer !== false) await this.startScorer(o.scorer ?? {});

    this.xds = new XdsServer({
      cache: this.cache,
      resolver: new NodeGroupResolver(o.nodeGroups ?? []),
      lrsSink: this.loadReports,
      lrsIntervalMs: o.lrsIntervalMs,
      maxNewStreamsPerSecond: o.maxNewStreamsPerSecond,
      tls: o.tls,
      access: { ...o.xdsAccess, adminToken: o.adminToken },
      logger: log,
    });
    // Endpoint selection works from static weights too; with the scorer it follows its weights.
    const selector = this.selector();
    addSelectService(this.xds.grpcServer, selector, { authorize: (call) => this.xds.access.operatorAllowed(call) });
    this.admin = new AdminServer({ address: o.adminAddress, bearerToken: o.adminToken, logger: log });
    this.admin.mount(createSelectHttpHandler(selector));
    if (this.features) this.admin.mount(createIngestHandler({ store: this.features, logger: log.child({ component: 'ingest' }) }));
    const metrics = client.Registry.merge([xdsRegistry, scorerRegistry]);
    mountDebugPages(this.admin, {
      metrics,
      ready: () => this.xdsPort > 0,
      cache: this.cache,
      clients: () => this.xds.clients(),
      config: () => ({ ...this.configState.status(), publish: this.publisher.status() }),
      scorer: () => this.scorer?.status(),
      weights: () => weightsReport(this.configState.config, this.decisions, Date.now()),
    });

    this.xdsPort = await this.xds.listen(o.xdsAddress);
    this.adminPort = await this.admin.listen();
    this.onConfig(this.configState.config);
    this.scorer?.start();
    this.prober?.start();
    this.prometheus?.start();

    this.watcher = watchConfig(
      o.configPaths,
      (result) => {
        const now = Date.now();
        if (this.configState.reload(checkRendering(result, now), now, log)) this.onConfig(this.configState.config);
      },
      { onWatchError: (err) => log.warn({ err: err.message }, 'config path not watched; edits to it are not hot-reloaded until restart') },
    );
    log.info({ xds: `${o.xdsAddress.split(':')[0]}:${this.xdsPort}`, admin: `${o.adminAddress.split(':')[0]}:${this.adminPort}`, scorer: Boolean(this.scorer) }, 'prescient serving');
  }

  private selector(): EndpointSelector {
    return new EndpointSelector({
      state: () => ({ config: this.configState.config, decisions: this.decisions }),
      confidence: (s) => this.scorer?.confidence(s),
    });
  }

  private async startScorer(s: ScorerOptions): Promise<void> {
    const log = this.options.logger.child({ component: 'scorer' });
    this.features = new RingFeatureStore();
    this.loadReports = new LoadReportAdapter({ store: this.features, logger: this.options.logger.child({ component: 'lrs' }) });
    // Serving must not depend on the model either: without one, every endpoint is forecast by EWMA.
    const forecaster: Forecaster = await loadForecaster({ modelPath: s.modelPath, provider: s.provider, logger: log }).catch((err: Error) => {
      log.error({ err: err.message }, 'forecast model could not be loaded; forecasting with EWMA only');
      return new EwmaForecaster({ window: EWMA_ONLY_WINDOW, horizons: EWMA_ONLY_HORIZONS, alpha: LIVE_EWMA_ALPHA });
    });
    const fallback = new EwmaForecaster({ window: forecaster.window, horizons: forecaster.horizons, alpha: LIVE_EWMA_ALPHA });
    this.store = s.redisUrl ? new RedisScoreStore({ url: s.redisUrl }) : new MemoryScoreStore();
    if (this.store instanceof RedisScoreStore) {
      // Serving must not depend on Redis: without it, static weights are pushed until it is back.
      await this.store.ready().catch((err: Error) => log.warn({ err: err.message }, 'Redis not reachable yet; serving static weights until it is'));
    }
    this.scorer = new ScorerLoop({
      config: this.configState.config,
      features: this.features,
      forecaster,
      fallback,
      store: this.store,
      leaseTtlMs: s.leaseTtlMs,
      replicaId: s.replicaId,
      logger: log,
      onDecisions: (d) => this.setDecisions(d),
      ...(s.retrain === false ? {} : { retrain: { retrain: liveRetrainer({ features: this.features, provider: s.provider }) } }),
    });
    this.prober = new Prober({ store: this.features, logger: log.child({ component: 'prober' }) });
    if (s.prometheus) {
      this.prometheus = new PrometheusSource({ ...s.prometheus, store: this.features, logger: log.child({ component: 'prometheus' }) });
    }
    const { features, loadReports } = this;
    this.sweepTimer = setInterval(() => {
      const now = Date.now();
      features.sweep(now);
      loadReports.sweep(now);
    }, SWEEP_INTERVAL_MS).unref();
  }
}
