/**
 * One xDS stream, whatever its protocol: node binding, per-type state, and the push loop that
 * enforces the rules common to state of the world and delta (DESIGN §4.2):
 *
 * - the first request's node is kept for the stream (rule 1);
 * - at most one unacknowledged response per type, and types go out in make-before-break order
 *   CDS → EDS → LDS → RDS: a type waits while an earlier type has a response in flight (rules 4, 9),
 *   except a new cluster's endpoints behind CDS: Envoy ACKs a CDS response only once the clusters
 *   it added have their endpoints, and it subscribes to those only after taking the clusters;
 * - removed clusters (and their endpoints) stay until LDS and RDS are settled, so a route never
 *   names a cluster the client has already dropped; then a final CDS removes them (rule 9);
 * - a CDS (LDS) response re-sends every subscribed EDS (RDS) resource, because the client re-warms
 *   the clusters (listeners) it updated and needs them even when unchanged (rule 10);
 * - after a CDS response, LDS and RDS also wait until the endpoints of the clusters it added or
 *   changed have gone out: the client subscribes to a new cluster's endpoints only once it has the
 *   cluster, so "no EDS in flight" alone would let a route overtake them. The wait ends after
 *   `warmingTimeoutMs` for clusters whose endpoints the client never asks for.
 *
 * Subclasses decide what a response contains and how requests change subscriptions.
 */
import type { Logger } from '../log.ts';
import type { ResourceCache } from '../cache/resource-cache.ts';
import type { NodeGroupResolver, NodePlacement } from '../cache/node-groups.ts';
import type { EncodedResource, GroupChange, GroupView, Unsubscribe } from '../cache/types.ts';
import { PUSH_ORDER, TYPE_URL, isKnownTypeUrl, type TypeUrl } from '../envoy/type-urls.ts';
import { typeLabel, type XdsMetrics, type XdsProtocol } from '../metrics.ts';
import type { NodeMessage, StatusMessage } from './discovery-messages.ts';
import type { ClientStatus, XdsService } from './client-status.ts';
import type { ConvergenceTracker } from './convergence-tracker.ts';
import { XdsProtocolError } from './protocol-error.ts';
import { TypeState } from './type-state.ts';
import type { McpServing } from './mcp-types.ts';

export interface SessionContext {
  cache: ResourceCache;
  resolver: NodeGroupResolver;
  metrics: XdsMetrics;
  /** Called with each stream's placement when it binds (XdsServerOptions.onGroupDemand). */
  demand: (placement: NodePlacement) => void;
  tracker: ConvergenceTracker;
  logger: Logger;
  /** Unix ms, for status timestamps. */
  clock: () => number;
  nextNonce: () => string;
  maxResponseBytes: number;
  /** Longest LDS/RDS wait for the endpoints of a changed cluster (rule 9). */
  warmingTimeoutMs: number;
  /** Istio config for istiod over MCP-over-xDS (SotW ADS only); absent: Istio types are unsupported. */
  mcp?: McpServing;
}

/** What a requested type's client was last offered, read by CSDS (TypeState, read-only). */
export interface OfferedState {
  /** Per name, the resource last sent (or, in delta, the version the client reported holding). */
  readonly sent: ReadonlyMap<string, EncodedResource>;
  /** The last response was NACKed and nothing newer has been sent. */
  readonly rejected: boolean;
}

/** Where a session's responses go: the gRPC call, in production. */
export interface ResponseSink {
  write(response: Buffer): void;
  readonly peer: string;
  /** Whether this stream's peer may read Istio config (access rules, docs/security.md); absent: it may. */
  mayReadIstioConfig?: () => boolean;
}

/** The single type a per-type service serves. */
const SERVICE_TYPE: Record<XdsService, TypeUrl | undefined> = {
  ads: undefined,
  cds: TYPE_URL.cluster,
  eds: TYPE_URL.endpoint,
  lds: TYPE_URL.listener,
  rds: TYPE_URL.route,
};

/** Types whose removals wait for LDS/RDS to settle, and the types that must settle first. */
const RETAINED_TYPES: readonly TypeUrl[] = [TYPE_URL.cluster, TYPE_URL.endpoint];
const REFERRING_TYPES: readonly TypeUrl[] = [TYPE_URL.listener, TYPE_URL.route];
/** A response of the key type makes the client re-warm and need every subscribed resource of the value type. */
const WARMING_FOLLOW_UP: ReadonlyMap<TypeUrl, TypeUrl> = new Map([
  [TYPE_URL.cluster, TYPE_URL.endpoint],
  [TYPE_URL.listener, TYPE_URL.route],
]);

const ANONYMOUS_NODE: NodeMessage = { id: '', cluster: '', metadata: {}, user_agent_name: '' };

let nextStreamId = 1;

export abstract class XdsSession<Plan> {
  abstract readonly protocol: 'sotw' | 'delta';
  readonly id = nextStreamId++;
  readonly connectedAt: number;
  protected readonly types = new Map<TypeUrl, TypeState>();
  protected view: GroupView | undefined;
  private node: NodeMessage | undefined;
  private placement: NodePlacement | undefined;
  private unwatch: Unsubscribe | undefined;
  private closed = false;
  /** Clusters sent in CDS whose endpoints (same-named CLAs) have not been sent yet. */
  private readonly awaitingEndpoints = new Set<string>();
  private warmingTimer: NodeJS.Timeout | undefined;
  protected readonly log: Logger;

  constructor(
    protected readonly ctx: SessionContext,
    readonly service: XdsService,
    private readonly sink: ResponseSink,
  ) {
    this.connectedAt = ctx.clock();
    this.log = ctx.logger.child({ stream: this.id, service });
  }

  get metricProtocol(): XdsProtocol {
    return this.service === 'ads' ? this.protocol : 'per-type';
  }

  /** What a response of this type should carry now, or undefined when nothing needs sending. */
  protected abstract plan(st: TypeState, view: GroupView, retainRemovals: boolean): Plan | undefined;
  /** Encodes and sends the plan, updating `st.sent`; returns the names whose resources were sent. */
  protected abstract commit(st: TypeState, view: GroupView, plan: Plan): void;
  /** Hook to reconcile bookkeeping with a new view before planning. */
  protected beforePlan(_view: GroupView): void {}

  /** Binds the stream to its node group on the first request; later nodes are ignored (rule 1). */
  protected bindNode(node: NodeMessage | undefined): void {
    if (this.node) return;
    this.node = node ?? ANONYMOUS_NODE;
    const placement = this.ctx.resolver.resolve(this.node);
    this.placement = placement;
    this.log.debug({ node: this.node.id, ...placement }, 'xDS stream bound to node group');
    this.unwatch = this.ctx.cache.watch(placement.group, (change) => this.onChange(change));
    this.view = this.ctx.cache.view(placement.group);
    this.ctx.demand(placement);
  }

  /**
   * Requested names, each replaced by the view's own string when the resource exists: a stream
   * then keeps shared strings in its subscription instead of its own decoded copies (about 5 KB
   * per stream at 200 names).
   */
  protected sharedNames(typeUrl: TypeUrl, names: readonly string[]): string[] {
    const all = this.view?.resources(typeUrl);
    return all ? names.map((name) => all.get(name)?.name ?? name) : [...names];
  }

  /** The state for a request's type, or undefined for types Prescient does not serve (ignored). */
  protected typeState(requestTypeUrl: string): TypeState | undefined {
    const fixed = SERVICE_TYPE[this.service];
    const typeUrl = requestTypeUrl || fixed;
    if (!typeUrl) throw new XdsProtocolError('XDS_MISSING_TYPE_URL', 'every request on an aggregated (ADS) stream must carry type_url');
    if (fixed && typeUrl !== fixed) {
      throw new XdsProtocolError('XDS_TYPE_URL_MISMATCH', `this ${this.service.toUpperCase()} stream serves ${fixed}, not ${typeUrl}; use ADS to mix types`);
    }
    if (!isKnownTypeUrl(typeUrl)) {
      this.log.debug({ typeUrl }, 'request for a resource type Prescient does not serve; ignored');
      return undefined;
    }
    let st = this.types.get(typeUrl);
    if (!st) {
      st = new TypeState(typeUrl);
      this.types.set(typeUrl, st);
    }
    if (!st.requested) {
      st.requested = true;
      this.ctx.metrics.subscriptions.inc({ type: typeLabel(typeUrl) });
    }
    return st;
  }

  /**
   * Resolves the in-flight response if `nonce` names it: an ACK records the version the client
   * runs; a NACK (error_detail) keeps the last ACKed state and records the error (rule 3).
   * Returns false when the nonce is not the in-flight one.
   */
  protected settleResponse(st: TypeState, nonce: string, error: StatusMessage | undefined): boolean {
    if (!st.pending || nonce !== st.pending.nonce) return false;
    const { version } = st.pending;
    st.pending = undefined;
    if (error) {
      st.rejected = true;
      st.nackCount++;
      st.lastNack = { version, message: error.message, at: this.ctx.clock() };
      this.ctx.metrics.rejects.inc({ type: typeLabel(st.typeUrl) });
      this.log.warn({ node: this.node?.id, typeUrl: st.typeUrl, version, code: error.code, message: error.message }, 'client rejected (NACKed) a response; keeping its last acknowledged state');
    } else {
      st.rejected = false;
      st.ackedVersion = version;
      this.ctx.metrics.acks.inc({ type: typeLabel(st.typeUrl) });
    }
    return true;
  }

  /** Records a sent response. */
  protected sent(st: TypeState, response: Buffer, version: string, nonce: string, updatedNames: readonly string[]): void {
    this.sink.write(response);
    st.pending = { nonce, version };
    st.lastSent = { version, nonce, at: this.ctx.clock() };
    st.rejected = false;
    st.mustAnswer = false;
    for (const name of updatedNames) st.force.delete(name);
    this.ctx.metrics.pushes.inc({ type: typeLabel(st.typeUrl), protocol: this.metricProtocol });
    this.ctx.metrics.responseBytes.inc({ type: typeLabel(st.typeUrl) }, response.length);
    this.trackWarming(st.typeUrl, updatedNames);
    const follower = WARMING_FOLLOW_UP.get(st.typeUrl);
    const followState = follower && this.types.get(follower);
    if (updatedNames.length && followState?.requested && this.view) {
      for (const name of followState.scope(this.view).keys()) followState.forceSend(name);
    }
  }

  private trackWarming(typeUrl: TypeUrl, updatedNames: readonly string[]): void {
    if (typeUrl === TYPE_URL.endpoint) for (const name of updatedNames) this.awaitingEndpoints.delete(name);
    if (typeUrl !== TYPE_URL.cluster || !this.view) return;
    const endpoints = this.view.resources(TYPE_URL.endpoint);
    const before = this.awaitingEndpoints.size;
    for (const name of updatedNames) if (endpoints.has(name)) this.awaitingEndpoints.add(name);
    if (this.awaitingEndpoints.size === before) return;
    clearTimeout(this.warmingTimer);
    this.warmingTimer = setTimeout(() => {
      this.awaitingEndpoints.clear();
      this.pump();
    }, this.ctx.warmingTimeoutMs);
    this.warmingTimer.unref();
  }

  /** Endpoints of freshly sent clusters are still to go out (names gone from the view are not awaited). */
  private warming(view: GroupView): boolean {
    const endpoints = view.resources(TYPE_URL.endpoint);
    for (const name of this.awaitingEndpoints) if (!endpoints.has(name)) this.awaitingEndpoints.delete(name);
    return this.awaitingEndpoints.size > 0;
  }

  /** Sends whatever the current view requires, in make-before-break order. */
  protected pump(): void {
    const view = this.view;
    if (!view || this.closed || !this.placement) return;
    this.beforePlan(view);
    const retain = this.referringTypesUnsettled(view);
    const warming = this.warming(view);
    let inFlight = false;
    for (const typeUrl of PUSH_ORDER) {
      const st = this.types.get(typeUrl);
      if (!st?.requested) continue;
      if (warming && REFERRING_TYPES.includes(typeUrl)) inFlight = true;
      // Endpoints the client asks for and was never sent do not wait for a CDS ACK: Envoy holds
      // that ACK until the clusters it added have warmed, that is until their endpoints arrived
      // (it asks for them only once it has the clusters, so they still follow CDS). Waiting would
      // stall both until Envoy's initial_fetch_timeout.
      const blocked = inFlight && !(typeUrl === TYPE_URL.endpoint && st.awaitsUnsentName(view));
      if (!blocked && !st.pending) {
        const plan = this.plan(st, view, retain && RETAINED_TYPES.includes(typeUrl));
        if (plan) this.commit(st, view, plan);
      }
      if (st.pending) inFlight = true;
    }
    const settled = !inFlight && [...this.types.values()].every((st) => !st.rejected);
    this.ctx.tracker.report(this, this.placement.group, settled);
  }

  /** LDS or RDS has a response in flight, rejected, or still to send. */
  private referringTypesUnsettled(view: GroupView): boolean {
    return REFERRING_TYPES.some((t) => {
      const st = this.types.get(t);
      return !!st?.requested && (!st.quiet || this.plan(st, view, false) !== undefined);
    });
  }

  private onChange(change: GroupChange): void {
    if (this.closed) return;
    this.ctx.tracker.changed(change);
    this.view = change.view;
    for (const [typeUrl, { updated, removed }] of change.changes) this.types.get(typeUrl)?.viewChanged(updated, removed);
    this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.warmingTimer);
    this.unwatch?.();
    if (this.placement) this.ctx.tracker.remove(this, this.placement.group);
    for (const st of this.types.values()) if (st.requested) this.ctx.metrics.subscriptions.dec({ type: typeLabel(st.typeUrl) });
  }

  /** The node the stream bound to on its first request (rule 1); undefined before it. */
  get boundNode(): NodeMessage | undefined {
    return this.node;
  }

  /** What the client of a requested type was offered; undefined for types never requested. */
  offered(typeUrl: TypeUrl): OfferedState | undefined {
    const st = this.types.get(typeUrl);
    return st?.requested ? st : undefined;
  }

  status(): ClientStatus {
    return {
      streamId: this.id,
      nodeId: this.node?.id ?? '',
      nodeCluster: this.node?.cluster ?? '',
      group: this.placement?.group,
      flavor: this.placement?.flavor,
      protocol: this.protocol,
      service: this.service,
      peer: this.sink.peer,
      connectedAt: this.connectedAt,
      types: PUSH_ORDER.flatMap((t) => {
        const st = this.types.get(t);
        if (!st?.requested) return [];
        return [{
          typeUrl: t,
          type: typeLabel(t),
          wildcard: st.sub.wildcard,
          names: [...st.sub.names],
          lastSent: st.lastSent,
          ackedVersion: st.ackedVersion,
          pendingNonce: st.pending?.nonce,
          lastNack: st.lastNack,
          nackCount: st.nackCount,
        }];
      }),
    };
  }
}
