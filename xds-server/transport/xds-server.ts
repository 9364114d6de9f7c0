/**
 * The gRPC server Prescient's clients connect to: ADS (state of the world and delta), the per-type
 * discovery services, LRS and CSDS (what each client holds), over plaintext or (m)TLS. Transport
 * knows nothing of config: it serves whatever the cache holds for each client's node group
 * (DESIGN §2).
 */
import * as grpc from '@grpc/grpc-js';
import type { LoadReportSink } from '../../api/telemetry.ts';
import type { ResourceCache } from '../cache/resource-cache.ts';
import { NodeGroupResolver, type NodePlacement } from '../cache/node-groups.ts';
import { silentLogger, type Logger } from '../log.ts';
import { xdsMetrics as defaultXdsMetrics, type XdsMetrics } from '../metrics.ts';
import type { ClientStatus } from './client-status.ts';
import { ConvergenceTracker } from './convergence-tracker.ts';
import { addCsdsService } from './csds/csds-service.ts';
import { DeltaSession } from './delta-session.ts';
import { DISCOVERY_SERVICES, LRS_METHOD, lrsMethod, serviceDefinition } from './grpc-methods.ts';
import { decodeLoadStatsRequest, type DecodedLoadStatsRequest } from './lrs/load-stats-request.ts';
import { LrsStream } from './lrs/lrs-stream.ts';
import { XDS_ACCESS_OPEN, XdsAccess, type XdsAccessOptions } from './access/xds-access.ts';
import { XdsProtocolError } from './protocol-error.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-chunks.ts';
import { SotwSession } from './sotw-session.ts';
import { StreamRateLimiter } from './stream-rate-limiter.ts';
import { serverCredentials, type TlsOptions } from './tls-credentials.ts';
import type { ResponseSink, SessionContext, XdsSession } from './xds-session.ts';
import type { McpServing } from './mcp-types.ts';

export interface XdsServerOptions {
  cache: ResourceCache;
  /** Node → group and flavor; default: one group per flavor. */
  resolver?: NodeGroupResolver;
  /** This server's metrics (the root's registry); default the module-level instance. */
  metrics?: XdsMetrics;
  /**
   * Told the placement of every stream as it binds to its node group, so the pipeline renders
   * groups that have clients (at once for a group never rendered). Default: nothing.
   */
  onGroupDemand?: (placement: NodePlacement) => void;
  /** Receives validated LRS reports; without one, reports are validated and dropped. */
  lrsSink?: LoadReportSink;
  /** load_reporting_interval sent to LRS clients. Default 1 s (scorer/loop/compute-tick.ts DEFAULT_LOAD_REPORT_INTERVAL_MS says why). */
  lrsIntervalMs?: number;
  /** New xDS/LRS streams accepted per second; the rest get UNAVAILABLE. Default 100. */
  maxNewStreamsPerSecond?: number;
  tls?: TlsOptions;
  /** Who may send load reports and inspect clients (xds-access.ts). Default: LRS from loopback peers only, CSDS open. */
  access?: Omit<XdsAccessOptions, 'mtls'>;
  /** Budget for the resources of one response. Default: 4 MiB (gRPC's default limit) minus 64 KiB. */
  maxResponseBytes?: number;
  /** Longest LDS/RDS wait for the endpoints of clusters just sent in CDS. Default 2 s. */
  warmingTimeoutMs?: number;
  /** Largest request accepted (delta reconnects list every resource). Default 64 MiB. */
  maxReceiveBytes?: number;
  /** Istio config served to istiod over MCP-over-xDS (docs/istio.md); without it Istio types are answered empty. */
  mcp?: McpServing;
  logger?: Logger;
  /** Unix ms; injected for tests. Default Date.now. */
  clock?: () => number;
}

const DEFAULT_MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

export class XdsServer {
  private readonly server: grpc.Server;
  private readonly sessions = new Set<XdsSession<unknown>>();
  private readonly limiter: StreamRateLimiter;
  private readonly ctx: SessionContext;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly metrics: XdsMetrics;
  /** LRS, CSDS and SelectEndpoint authorisation; `mtls` follows the TLS options. */
  readonly access: XdsAccess;
  private nonce = 0;

  constructor(private readonly options: XdsServerOptions) {
    this.clock = options.clock ?? Date.now;
    this.metrics = options.metrics ?? defaultXdsMetrics;
    this.logger = (options.logger ?? silentLogger).child({ component: 'xds-transport' });
    this.access = new XdsAccess({
      ...XDS_ACCESS_OPEN,
      ...options.access,
      mtls: Boolean(options.tls?.requireClientCert && options.tls.caFile),
    });
    for (const warning of this.access.warnings()) this.logger.warn(warning);
    this.limiter = new StreamRateLimiter(options.maxNewStreamsPerSecond ?? 100, this.clock);
    this.ctx = {
      cache: options.cache,
      resolver: options.resolver ?? new NodeGroupResolver(),
      metrics: this.metrics,
      demand: options.onGroupDemand ?? (() => undefined),
      tracker: new ConvergenceTracker(this.clock, (s) => this.metrics.convergenceSeconds.observe(s)),
      logger: this.logger,
      clock: this.clock,
      nextNonce: () => (++this.nonce).toString(36),
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      warmingTimeoutMs: options.warmingTimeoutMs ?? 2000,
      ...(options.mcp && { mcp: options.mcp }),
    };
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxReceiveBytes ?? DEFAULT_MAX_RECEIVE_BYTES,
      'grpc.max_send_message_length': -1,
    });
    this.registerDiscoveryServices();
    this.registerLrs();
    addCsdsService(this.server, {
      streams: () => this.sessions,
      view: (group) => options.cache.view(group),
      logger: this.logger,
      authorize: (call) => this.access.operatorAllowed(call),
    });
  }

  /** Binds `host:port` (port 0 picks a free one) and resolves to the bound port. */
  listen(address: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, serverCredentials(this.options.tls), (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** Stops accepting streams and ends open ones; forces shutdown after `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    for (const s of this.sessions) s.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * The underlying gRPC server, so other gRPC services (endpoint selection) can share the xDS
   * port. Add services before `listen`.
   */
  get grpcServer(): grpc.Server {
    return this.server;
  }

  /** Plain-data status of every open xDS stream (for /debug/clients). */
  clients(): ClientStatus[] {
    return [...this.sessions].map((s) => s.status());
  }

  private admit(call: grpc.ServerDuplexStream<unknown, Buffer>): boolean {
    if (this.limiter.tryAcquire()) return true;
    this.metrics.streamsRefused.inc();
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'XDS_STREAM_RATE_LIMITED: too many new streams per second; retry with backoff' });
    return false;
  }

  private registerDiscoveryServices(): void {
    for (const svc of DISCOVERY_SERVICES) {
      const definition = serviceDefinition({ [svc.sotw.method]: svc.sotw.definition, [svc.delta.method]: svc.delta.definition });
      this.server.addService(definition, {
        [svc.sotw.method]: (call: grpc.ServerDuplexStream<any, Buffer>) =>
          this.serveDiscovery(call, (sink) => new SotwSession(this.ctx, svc.service, sink)),
        [svc.delta.method]: (call: grpc.ServerDuplexStream<any, Buffer>) =>
          this.serveDiscovery(call, (sink) => new DeltaSession(this.ctx, svc.service, sink)),
      });
    }
  }

  private serveDiscovery<Req>(
    call: grpc.ServerDuplexStream<Req, Buffer>,
    create: (sink: ResponseSink) => XdsSession<unknown> & { handle(req: Req): void },
  ): void {
    if (!this.admit(call)) return;
    const session = create({ write: (b) => call.write(b), peer: call.getPeer(), mayReadIstioConfig: () => this.access.istioConfigAllowed(call) });
    this.sessions.add(session);
    this.metrics.connectedStreams.inc({ protocol: session.metricProtocol });
    let open = true;
    const finish = (): void => {
      if (!open) return;
      open = false;
      session.close();
      this.sessions.delete(session);
      this.metrics.connectedStreams.dec({ protocol: session.metricProtocol });
    };
    call.on('data', (req: Req) => {
      if (!open) return;
      try {
        session.handle(req);
      } catch (err) {
        const protocolError = err instanceof XdsProtocolError;
        if (protocolError) this.metrics.protocolErrors.inc({ reason: err.code });
        else this.logger.error({ err, stream: session.id }, 'xDS stream failed');
        finish();
        const denied = protocolError && err.code === 'XDS_ISTIO_CONFIG_FORBIDDEN';
        call.emit('error', {
          code: denied ? grpc.status.PERMISSION_DENIED : protocolError ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL,
          details: protocolError ? err.message : `XDS_INTERNAL: ${(err as Error).message}`,
        });
      }
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('error', finish);
    call.on('cancelled', finish);
    call.on('close', finish);
  }

  private registerLrs(): void {
    const definition = serviceDefinition({ [LRS_METHOD]: lrsMethod(decodeLoadStatsRequest) });
    const lrsCtx = { sink: this.options.lrsSink, intervalMs: this.options.lrsIntervalMs ?? 1_000, clock: this.clock, logger: this.logger, metrics: this.metrics };
    this.server.addService(definition, {
      [LRS_METHOD]: (call: grpc.ServerDuplexStream<DecodedLoadStatsRequest, Buffer>) => {
        if (!this.admit(call)) return;
        const admission = this.access.admitLrs(call);
        if (!admission.admitted) {
          this.metrics.loadReports.inc({ result: 'unauthenticated' });
          this.logger.warn({ code: admission.code, peer: call.getPeer() }, 'load report stream refused');
          call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: admission.message });
          return;
        }
        const stream = new LrsStream({ ...lrsCtx, mayReport: admission.mayReport, source: admission.source }, (b) => call.write(b));
        call.on('data', (req: DecodedLoadStatsRequest) => {
          // A bug in report handling must cost this stream, never the process.
          try {
            stream.handle(req);
          } catch (err) {
            this.logger.error({ err }, 'LRS stream failed; closing it');
            call.destroy(Object.assign(new Error('LRS_INTERNAL: load report handling failed'), { code: grpc.status.INTERNAL }));
          }
        });
        call.on('error', (err: Error) => this.logger.debug({ err: err.message }, 'LRS stream error'));
        call.on('end', () => call.end());
      },
    });
  }
}

