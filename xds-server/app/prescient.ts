/**
 * The composition root: wires ingest (config files, telemetry), decide (modules publishing
 * decision slices), the model, translate + validate (publisher) and serve (cache, xDS transport,
 * admin HTTP) into one running Prescient. Used by `prescient serve`, by the end-to-end tests and
 * by the benchmarks, so what they exercise is what ships.
 *
 * One path for every change: a config reload, a decision slice, a new node group or the model's
 * `nextChangeAt` triggers one debounced push, which builds the mesh model once and hands it to
 * every model sink (the xDS publisher now). Capabilities are modules (`module.ts`) in one list.
 * Time comes from the injected clock only, so the whole server can run under a virtual clock.
 */
import type { MeshConfig } from '../../api/config.ts';
import { systemClock, timersOf, type Clock } from '../../api/clock.ts';
import type { DecisionSlice, Decisions, SlicePublisher } from '../../api/decisions.ts';
import type { LeaseStore, Leadership } from '../../api/leadership.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import { MemoryLeaseStore } from '../../scorer/store/memory-lease-store.ts';
import { RedisLeaseStore } from '../../scorer/store/redis-lease-store.ts';
import { KubeLeaseStore } from '../kube/kube-lease-store.ts';
import { loadKubeConfig } from '../kube/kube-config.ts';
import { KubeRest } from '../kube/kube-rest.ts';
import { podNamespace } from '../kube/pod-namespace.ts';
import { createScorerMetrics, type ScorerMetrics } from '../../scorer/metrics.ts';
import { addSelectService } from '../../scorer/select/grpc-select-service.ts';
import { createSelectHttpHandler } from '../../scorer/select/http-select-handler.ts';
import { EndpointSelector } from '../../scorer/select/endpoint-selector.ts';
import { AdminServer } from '../admin/admin-server.ts';
import { mountDebugPages } from '../admin/debug-pages.ts';
import { mountIndexPage } from '../admin/index-page.ts';
import { configHash } from '../pipeline/config-hash.ts';
import { ResourceCache } from '../cache/resource-cache.ts';
import { NodeGroupResolver, type NodeGroupSelector } from '../cache/node-groups.ts';
import { createDnsMetrics, type DnsMetrics } from '../dns/metrics.ts';
import { formatConfigError, watchConfig, type ConfigWatcher } from '../config/index.ts';
import type { Logger } from '../log.ts';
import { createXdsMetrics, type XdsMetrics } from '../metrics.ts';
import { buildMeshModel } from '../model/build-mesh-model.ts';
import { ChangeTimer } from '../pipeline/change-timer.ts';
import { ConfigState } from '../pipeline/config-state.ts';
import { DecisionBoard } from '../pipeline/decision-board.ts';
import type { ModelSink } from '../pipeline/model-sink.ts';
import { Publisher } from '../pipeline/publisher.ts';
import { DEFAULT_DEBOUNCE, PushDebouncer, type DebounceOptions } from '../pipeline/push-debouncer.ts';
import { OffThreadReloader } from '../pipeline/off-thread-reloader.ts';
import { admitResources, type AdmissionResult } from '../pipeline/admit-resources.ts';
import { CustomResourceConfig, type CustomResourceSourceOptions } from '../kube/custom-resource-config.ts';
import { effectiveWeightSink } from '../pipeline/effective-weight-sink.ts';
import { IstioConfigSink } from '../pipeline/istio-config-sink.ts';
import { McpResourceCache } from '../cache/mcp-cache.ts';
import { createIstioMetrics, type IstioMetrics } from '../istio/metrics.ts';
import { DEFAULT_ISTIO_OPTIONS, type IstioTranslateOptions } from '../translate/istio/types.ts';
import { RenderTargets } from '../pipeline/render-targets.ts';
import { weightsReport } from '../pipeline/weights-report.ts';
import type { XdsAccessOptions } from '../transport/access/xds-access.ts';
import type { TlsOptions } from '../transport/tls-credentials.ts';
import { XdsServer } from '../transport/xds-server.ts';
import { DnsModule, featureSignals } from './dns-module.ts';
import { LeaseElection } from './lease-election.ts';
import type { PrescientModule } from './module.ts';
import { CaptureModule, type CaptureOptions } from './capture-module.ts';
import { MirrorModule } from './mirror-module.ts';
import { FailoverModule } from './failover-module.ts';
import { ScalingModule, type KubeAccess } from './scaling-module.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditedWeightsPublisher } from '../audit/audited-publishers.ts';
import { WEIGHT_PIN_SLICE, WeightPinModule } from './weight-pin-module.ts';
import { RedisFailoverStateStore } from '../failover/failover-state-store.ts';
import { mountFailoverAuditApi } from '../admin/failover-audit-api.ts';
import { ResolverModule, type ResolverOptions } from './resolver-module.ts';
import { ScorerModule, type ScorerOptions } from './scorer-module.ts';
import { KubernetesDiscoveryModule, type KubernetesDiscoveryOptions } from './kubernetes-discovery-module.ts';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import client from 'prom-client';
import { CodedError } from '../../api/coded-error.ts';

export type { ScorerOptions } from './scorer-module.ts';

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
  /** How endpoint host names are resolved for proxyless gRPC (name servers; default the system's). */
  resolver?: ResolverOptions;
  /** Longest time between syncs of each DnsZone (tests shorten it). Default 1000 ms. */
  dnsTickMs?: number;
  logger: Logger;
  /** Audit trail file (JSON lines, appended); in memory only when unset. */
  auditFile?: string;
  /** Audit a scorer publish that moves an endpoint's share by at least this many points; default 20. */
  auditWeightShiftPoints?: number;
  /** This replica's name in the audit trail; default the scorer's replica id or a random one. */
  replicaId?: string;
  /** The capture sink (a mirror target recording requests); off when unset. */
  capture?: CaptureOptions;
  /** Wall clock by default; a virtual clock runs the whole server in simulated time. */
  clock?: Clock;
  /**
   * Config from Prescient's custom resources as well as the files (`--config-source kubernetes`):
   * watched, admitted with the files per docs/config.md, each resource's status written back.
   */
  customResources?: CustomResourceSourceOptions;
  /**
   * Prescient as istiod's config source over MCP-over-xDS (docs/istio.md): on by default (it
   * renders only while an istiod is subscribed); the namespace and domain of the Istio names, or
   * `false` to answer Istio types empty.
   */
  istio?: Partial<IstioTranslateOptions> | false;
  /** EndpointSlice watch tuning for Services with `discovery.kubernetes` (tests shorten it). */
  discoveryWatch?: KubernetesDiscoveryOptions['watch'];
  /** Longest wait at start for the first EndpointSlice lists before the xDS port opens; default 5000 ms. */
  discoverySyncTimeoutMs?: number;
  /** Kubernetes API access for xds-server/kube (`--kubeconfig`); unset: in-cluster, else the default kubeconfig. */
  kubeconfig?: string;
  /**
   * Where leader leases live. `kubernetes`: one `coordination.k8s.io/v1` Lease per key in
   * `namespace` (default the pod's namespace, else `default`). Default: Redis with a scorer
   * `redisUrl`, else in memory (one replica).
   */
  lease?: { store: 'kubernetes'; namespace?: string };
}

/** Thrown by `start` when the initial configuration is invalid: nothing was started. */
export class InitialConfigError extends CodedError<'PRESCIENT_INITIAL_CONFIG'> {
  constructor(readonly messages: string[]) {
    super('PRESCIENT_INITIAL_CONFIG', `initial configuration is invalid (${messages.length} error(s)); fix it and start again:\n${messages.join('\n')}`);
  }
}

export class Prescient {
  readonly cache = new ResourceCache();
  readonly configState: ConfigState;
  readonly clock: Clock;
  /** This server's own metrics: two servers in one process never share a counter. */
  readonly xdsMetrics: XdsMetrics;
  readonly scorerMetrics: ScorerMetrics = createScorerMetrics();
  readonly dnsMetrics: DnsMetrics = createDnsMetrics();
  readonly istioMetrics: IstioMetrics = createIstioMetrics();
  /** The Istio config istiod reads (MCP over xDS), encoded once per model. */
  readonly mcpCache = new McpResourceCache();
  private istio: IstioConfigSink | undefined;
  private readonly board: DecisionBoard;
  private readonly manual = new Map<string, SlicePublisher>();
  private readonly publisher: Publisher;
  private readonly targets: RenderTargets;
  private readonly debouncer: PushDebouncer;
  private readonly changeTimer: ChangeTimer;
  private readonly sinks: ModelSink[] = [];
  private readonly modules: PrescientModule[] = [];
  private model: MeshModel;
  private scorer: ScorerModule | undefined;
  private dns!: DnsModule;
  private mirror!: MirrorModule;
  private capture: CaptureModule | undefined;
  private failover!: FailoverModule;
  private scaling!: ScalingModule;
  private discovery!: KubernetesDiscoveryModule;
  /** The audit trail of automated actions (and of operators' undos). */
  audit!: AuditLog;
  private xds!: XdsServer;
  private admin!: AdminServer;
  private watcher: ConfigWatcher | undefined;
  /** The first load's verdicts on custom resources, settled once leadership exists. */
  private initialAdmission: AdmissionResult | undefined;
  private election: LeaseElection | undefined;
  private leaseRedis: Redis | undefined;
  private leaseStore: LeaseStore | undefined;
  private kube: KubeAccess | undefined;
  /** Reloads parse, validate and render-check in a worker thread, so big configs never stall serving. */
  private readonly reloader = OffThreadReloader.shared();
  xdsPort = 0;
  adminPort = 0;

  private constructor(
    private readonly options: PrescientOptions,
    config: MeshConfig,
    documents: number,
    metrics: XdsMetrics,
    private readonly resources: CustomResourceConfig | undefined,
  ) {
    this.xdsMetrics = metrics;
    this.clock = options.clock ?? systemClock;
    this.configState = new ConfigState(options.configPaths, this.xdsMetrics);
    this.configState.accept(config, documents, this.clock.now());
    this.board = new DecisionBoard((owner) => this.debouncer.trigger(`decision:${owner}`));
    this.model = this.buildModel();
    this.publisher = new Publisher(this.cache, options.logger.child({ component: 'publisher' }), this.xdsMetrics);
    this.sinks.push({ name: 'xds', onModel: (model) => this.publisher.publishAll(this.targets.all(), model) });
    this.sinks.push(effectiveWeightSink(this.xdsMetrics));
    if (options.istio !== false) {
      this.istio = new IstioConfigSink(this.mcpCache, { ...DEFAULT_ISTIO_OPTIONS, ...options.istio }, this.istioMetrics, options.logger.child({ component: 'istio' }), () => this.model);
      this.sinks.push(this.istio);
    }
    // A group's first client should not wait for the debounce: render it from the current model.
    this.targets = new RenderTargets((target) => this.publisher.publishGroup(target, this.buildModel()));
    this.debouncer = new PushDebouncer((sources) => this.push(sources), options.debounce ?? DEFAULT_DEBOUNCE, timersOf(this.clock), (err) =>
      options.logger.error({ err }, 'push failed; clients keep their current resources'),
      this.xdsMetrics,
    );
    this.changeTimer = new ChangeTimer(this.clock, () => this.debouncer.trigger('expiry'));
  }

  static async start(options: PrescientOptions): Promise<Prescient> {
    const clock = options.clock ?? systemClock;
    const metrics = createXdsMetrics();
    // Custom resources are listed before the first load, so the first configuration holds them.
    const resources = options.customResources
      ? await CustomResourceConfig.open({ ...(options.kubeconfig && { kubeconfig: options.kubeconfig }), ...options.customResources }, { clock, logger: options.logger.child({ component: 'custom-resources' }), metrics })
      : undefined;
    const initial = await admitResources(options.configPaths, resources?.input(), clock.now());
    if (!initial.ok) {
      await resources?.stop();
      throw new InitialConfigError(initial.errors.map(formatConfigError));
    }
    const p = new Prescient(options, initial.config, initial.documents.length, metrics, resources);
    p.initialAdmission = initial;
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

  /** Every decision slice, by owner. */
  currentDecisions(): Decisions {
    return this.board.decisions();
  }

  /** The capture sink's listening port; 0 when it is off. */
  get capturePort(): number {
    return this.capture?.port ?? 0;
  }

  /** The model last built (by the last push or first render). */
  currentModel(): MeshModel {
    return this.model;
  }

  /** The one publisher of `owner`'s decision slice, for a producer outside the module list. */
  decisionPublisher(owner: string): SlicePublisher {
    return this.board.publisher(owner);
  }

  /** Replaces `owner`'s slice (tests and the bench; `scorer` belongs to the scorer when it runs). */
  setDecisions(slice: DecisionSlice, owner = 'manual'): void {
    let publisher = this.manual.get(owner);
    if (!publisher) this.manual.set(owner, (publisher = this.board.publisher(owner)));
    publisher.publish(slice);
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
    this.changeTimer.stop();
    this.watcher?.close();
    await this.resources?.stop();
    for (const m of [...this.modules].reverse()) await m.stop(options);
    await this.election?.stop({ release: options.releaseLease ?? true });
    this.leaseRedis?.disconnect();
    this.kube?.rest.close();
    await this.xds?.close(200);
    await this.admin?.close();
  }

  private buildModel(): MeshModel {
    this.model = buildMeshModel(this.configState.config, this.board.decisions(), this.clock.now());
    return this.model;
  }

  private async push(sources: ReadonlySet<string>): Promise<void> {
    const model = this.buildModel();
    for (const sink of this.sinks) await sink.onModel(model);
    this.changeTimer.arm(model.nextChangeAt);
    if (model.conflicts.length) this.options.logger.warn({ conflicts: model.conflicts }, 'decisions the model could not apply');
    this.options.logger.debug({ sources: [...sources], publish: this.publisher.status() }, 'pushed');
  }

  private onConfig(config: MeshConfig): void {
    for (const m of this.modules) m.onConfig?.(config);
    this.debouncer.trigger('config');
  }

  /**
   * Leadership of a module key among the replicas sharing this server's Redis (alone without one):
   * modules that act on the world (DNS updates, failover) campaign for their own key.
   */
  leadership(key: string): Leadership {
    if (!this.election) throw new CodedError('PRESCIENT_NOT_STARTED', `leadership of "${key}" asked before start`);
    return this.election.campaign(key);
  }

  /** The Kubernetes API, connected on first use (throws PRESCIENT_KUBE_CONFIG when there is none). */
  private kubeAccess(): KubeAccess {
    if (!this.kube) {
      const { kubeConfig } = loadKubeConfig({ path: this.options.kubeconfig });
      this.kube = { rest: new KubeRest(kubeConfig), namespace: this.options.lease?.namespace ?? podNamespace() };
    }
    return this.kube;
  }

  private startElection(): LeaseElection {
    const s = this.options.scorer === false ? {} : (this.options.scorer ?? {});
    let store: LeaseStore;
    if (this.options.lease?.store === 'kubernetes') {
      const kube = this.kubeAccess();
      store = new KubeLeaseStore({ rest: kube.rest, namespace: kube.namespace, now: () => this.clock.now() });
    } else if (s.redisUrl) {
      this.leaseRedis = new Redis(s.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      // Errors surface as failed lease steps (logged by the keeper); the client reconnects by itself.
      this.leaseRedis.on('error', () => undefined);
      store = new RedisLeaseStore(this.leaseRedis);
    } else {
      store = new MemoryLeaseStore(() => this.clock.now());
    }
    this.leaseStore = store;
    return new LeaseElection({
      store,
      holder: s.replicaId ?? randomUUID(),
      ttlMs: s.leaseTtlMs ?? 5000,
      clock: this.clock,
      logger: this.options.logger.child({ component: 'leadership' }),
    });
  }

  /** Where leases live and which keys this replica leads (the scorer's own lease is on /debug/scorer). */
  private leadershipStatus() {
    const store = this.leaseStore;
    const where = store instanceof KubeLeaseStore ? store.describe() : { store: store instanceof RedisLeaseStore ? 'redis' : 'memory' };
    const scorer = this.scorer?.status();
    return { ...where, keys: { ...this.election?.status(), ...(scorer && { scorer: { leader: scorer.role === 'leader', ...(scorer.leaseToken !== undefined && { token: scorer.leaseToken }) } }) } };
  }

  private async startComponents(): Promise<void> {
    const o = this.options;
    const log = o.logger;
    this.election = this.startElection();
    if (this.resources) {
      // Replicas reach the same verdicts; the one leading "config-status" writes them back.
      this.resources.writeStatusWhile(this.leadership('config-status'));
      if (this.initialAdmission) this.resources.settle(this.initialAdmission);
    }
    const replica = (o.scorer === false ? undefined : o.scorer?.replicaId) ?? o.replicaId ?? randomUUID();
    // With Redis, one audit stream for every replica; ids carry the replica's prefix.
    this.audit = new AuditLog({
      file: o.auditFile,
      clock: this.clock,
      ...(this.leaseRedis && { redis: { client: this.leaseRedis }, idPrefix: `${replica.slice(0, 8)}-` }),
    });
    await this.audit.open();
    // Endpoints from Kubernetes EndpointSlices: kept beside the declared config, and every change
    // goes through onConfig like a reload, so the scorer, DNS, failover and the model all see it.
    this.discovery = new KubernetesDiscoveryModule(
      { ...(o.kubeconfig !== undefined && { kubeconfig: o.kubeconfig }), ...(o.discoveryWatch && { watch: o.discoveryWatch }) },
      {
        clock: this.clock,
        logger: log.child({ component: 'kubernetes-discovery' }),
        onEndpoints: (discovered) => {
          if (this.configState.setDiscovered(discovered)) this.onConfig(this.configState.config);
        },
      },
    );
    this.modules.push(this.discovery);
    if (o.scorer !== false) {
      const scorerPublisher = auditedWeightsPublisher(this.board.publisher('scorer'), this.audit, { minShiftPoints: o.auditWeightShiftPoints ?? 20, replica });
      // With a Kubernetes Lease and no Redis, the scorer is elected through the Lease too.
      const scorerLease = this.leaseStore instanceof KubeLeaseStore && !o.scorer?.redisUrl ? this.leaseStore.lease('scorer') : undefined;
      this.scorer = await ScorerModule.create({ ...(o.scorer ?? {}), ...(o.lrsIntervalMs !== undefined && { loadReportIntervalMs: o.lrsIntervalMs }) }, { config: this.config, publisher: scorerPublisher, clock: this.clock, logger: log, metrics: this.scorerMetrics, ...(scorerLease && { lease: scorerLease }) });
      this.modules.push(this.scorer);
    }
    this.modules.push(new ResolverModule(o.resolver ?? {}, { config: this.config, publisher: this.board.publisher('resolver'), clock: this.clock, logger: log }));
    // Dynamic DNS: a model sink that writes only while this replica leads the "dns" key.
    const dnsLeadership = this.leadership('dns');
    this.dns = new DnsModule({
      clock: this.clock,
      logger: log,
      metrics: this.dnsMetrics,
      zonesOf: (config) => config.dnsZones ?? new Map(),
      isWriter: () => dnsLeadership.isLeader(),
      ...(this.scorer && { signals: featureSignals(this.scorer.features, () => this.clock.now()) }),
      ...(o.dnsTickMs !== undefined && { tickMs: o.dnsTickMs }),
    });
    this.modules.push(this.dns);
    this.sinks.push(this.dns);
    this.mirror = new MirrorModule({ publisher: this.board.publisher('mirror'), model: () => this.model, clients: () => this.xds.clients(), logger: log.child({ component: 'mirror' }), audit: this.audit, replica });
    this.modules.push(this.mirror);
    this.failover = new FailoverModule({ publisher: this.board.publisher('failover'), clock: this.clock, logger: log, leadership: this.leadership('failover'), audit: this.audit, replica, ...(this.scorer && { features: this.scorer.features }), ...(this.leaseRedis && { stateStore: new RedisFailoverStateStore(this.leaseRedis) }) });
    this.modules.push(this.failover);
    this.modules.push(new WeightPinModule({ publisher: this.board.publisher(WEIGHT_PIN_SLICE), audit: this.audit, clock: this.clock, replica }));
    this.scaling = new ScalingModule({ features: this.scorer?.features, clock: this.clock, logger: log, leadership: this.leadership('scaling'), audit: this.audit, replica, kube: () => this.kubeAccess() });
    this.modules.push(this.scaling);
    if (o.capture) {
      this.capture = new CaptureModule(o.capture, { clock: this.clock, logger: log });
      this.modules.push(this.capture);
    }

    this.xds = new XdsServer({
      cache: this.cache,
      metrics: this.xdsMetrics,
      resolver: new NodeGroupResolver(o.nodeGroups ?? []),
      onGroupDemand: (target) => this.targets.demand(target),
      lrsSink: this.scorer?.loadReportSink,
      lrsIntervalMs: o.lrsIntervalMs,
      maxNewStreamsPerSecond: o.maxNewStreamsPerSecond,
      tls: o.tls,
      access: { ...o.xdsAccess, adminToken: o.adminToken },
      logger: log,
      clock: () => this.clock.now(),
      ...(this.istio && { mcp: { cache: this.mcpCache, metrics: this.istioMetrics } }),
    });
    // Endpoint selection works from static weights too; with the scorer it follows its weights.
    const selector = new EndpointSelector({ model: () => this.model, confidence: (s) => this.scorer?.confidence(s) });
    addSelectService(this.xds.grpcServer, selector, { authorize: (call) => this.xds.access.operatorAllowed(call) });
    this.admin = new AdminServer({ address: o.adminAddress, bearerToken: o.adminToken, logger: log });
    this.admin.mount(createSelectHttpHandler(selector));
    if (this.scorer) this.admin.mount(this.scorer.ingestHandler(log.child({ component: 'ingest' })));
    mountDebugPages(this.admin, {
      metrics: client.Registry.merge([this.xdsMetrics.registry, this.scorerMetrics.registry, this.dnsMetrics.registry, this.istioMetrics.registry, this.mirror.metrics.registry, this.failover.metrics.registry, this.discovery.metrics.registry, ...(this.capture ? [this.capture.metrics.registry] : [])]),
      ready: () => this.xdsPort > 0,
      cache: this.cache,
      clients: () => this.xds.clients(),
      config: () => ({ ...this.configState.status(), ...(this.resources && { customResources: this.resources.status() }), configHash: configHash(this.config), publish: this.publisher.status(), model: { nextChangeAt: this.model.nextChangeAt, conflicts: this.model.conflicts } }),
      scorer: () => this.scorer?.status(),
      weights: () => weightsReport(this.model),
      modules: () => Object.fromEntries(this.modules.map((m) => [m.name, m.status()])),
    });
    this.admin.get('/debug/mirrors', () => this.mirror.status());
    mountFailoverAuditApi(this.admin, this.audit, this.failover);
    this.admin.get('/debug/scaling', () => this.scaling.status());
    this.admin.get('/debug/leadership', () => this.leadershipStatus());
    this.admin.get('/debug/capture', () => this.capture?.status() ?? { enabled: false });
    this.admin.get('/debug/dns', () => this.dns.status());
    this.admin.get('/debug/istio', () => this.istio?.status() ?? { enabled: false });
    mountIndexPage(this.admin);

    // Discovered endpoints before the first client: a restarted Prescient must not send its
    // reconnecting proxies discovery Services without endpoints while the first lists run.
    await this.discovery.initialSync(this.configState.config, o.discoverySyncTimeoutMs ?? 5000);
    this.xdsPort = await this.xds.listen(o.xdsAddress);
    this.adminPort = await this.admin.listen();
    this.onConfig(this.configState.config);
    for (const m of this.modules) await m.start();

    this.reloader.warm(o.configPaths, this.clock.now());
    this.watcher = watchConfig<AdmissionResult>(
      o.configPaths,
      (result) => {
        const now = this.clock.now();
        if (this.configState.reload(result, now, log)) this.onConfig(this.configState.config);
        this.resources?.settle(result);
      },
      {
        // The worker already ran the render check; if the worker itself fails, reload here.
        load: (paths) =>
          this.reloader.load(paths, this.clock.now(), this.resources?.input()).catch(async (err: Error) => {
            log.error({ err: err.message }, 'config reload worker failed; reloading on the serving thread');
            return admitResources(paths, this.resources?.input(), this.clock.now());
          }),
        onWatchError: (err) => log.warn({ err: err.message }, 'config path not watched; edits to it are not hot-reloaded until restart'),
      },
    );
    // A custom resource created, edited or deleted reloads through the same debounced path as a file edit.
    this.resources?.onChange(() => this.watcher?.trigger());
    log.info({ xds: `${o.xdsAddress.split(':')[0]}:${this.xdsPort}`, admin: `${o.adminAddress.split(':')[0]}:${this.adminPort}`, modules: this.modules.map((m) => m.name) }, 'prescient serving');
  }
}
