/**
 * State-of-the-world xDS (ADS StreamAggregatedResources and the per-type Stream* methods).
 *
 * - A request whose nonce is not the latest one sent for its type is stale and ignored (rule 2).
 * - The request's names replace the subscription; newly subscribed names are sent even when the
 *   client was sent them before (rule 7); names that do not exist yet stay subscribed and go out
 *   when they appear.
 * - LDS/CDS responses are complete sets (absence means deletion); EDS/RDS responses carry only
 *   what the client lacks, split under the size budget (rules 5, 11).
 * - The initial LDS/CDS request is always answered, even with an empty set, so the client can
 *   finish initialising.
 */
import type { EncodedResource, GroupView } from '../cache/types.ts';
import { hashVersions } from '../cache/content-hash.ts';
import type { DiscoveryRequestMessage } from './discovery-messages.ts';
import { encodeSotwResponse } from './discovery-wire.ts';
import { takeWithinBudget, totalSize } from './response-chunks.ts';
import type { TypeState } from './type-state.ts';
import { UnsupportedTypes } from './unsupported-types.ts';
import { McpTypes } from './mcp-types.ts';
import { isIstioTypeUrl } from '../istio/kinds.ts';
import { XdsProtocolError } from './protocol-error.ts';
import { XdsSession, type ResponseSink, type SessionContext } from './xds-session.ts';
import type { ClientStatus, XdsService } from './client-status.ts';

interface SotwPlan {
  readonly resources: readonly EncodedResource[];
  /** The resources are the whole set the client should hold (LDS/CDS). */
  readonly complete: boolean;
  /** Names whose content the client did not hold at this version. */
  readonly updated: readonly string[];
}

const anyBytes = (r: EncodedResource): number => r.any.length;

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && Buffer.compare(a, b) === 0;
}

export class SotwSession extends XdsSession<SotwPlan> {
  readonly protocol = 'sotw';
  private readonly unsupported: UnsupportedTypes;
  /** Istio config for istiod (MCP over xDS), created on the stream's first Istio type. */
  private mcp: McpTypes | undefined;
  private nodeId: string | undefined;
  private firstNode: DiscoveryRequestMessage['node'];
  private requests = 0;

  constructor(ctx: SessionContext, service: XdsService, private readonly responseSink: ResponseSink) {
    super(ctx, service, responseSink);
    this.unsupported = new UnsupportedTypes(this.log, ctx.nextNonce, (b) => responseSink.write(b), { answered: (protocol) => ctx.metrics.unsupportedTypes.inc({ protocol }) });
  }

  /** An Istio type URL on an ADS stream: served when Prescient is a config source (docs/istio.md). */
  private istio(req: DiscoveryRequestMessage): void {
    const serving = this.ctx.mcp!;
    if (!this.mcp) {
      if (this.responseSink.mayReadIstioConfig && !this.responseSink.mayReadIstioConfig()) {
        serving.metrics.refused.inc();
        throw new XdsProtocolError('XDS_ISTIO_CONFIG_FORBIDDEN', `Istio config is served only to istiod identities (--istiod-identity); ${this.responseSink.peer} is not one (docs/security.md)`);
      }
      this.mcp = new McpTypes(serving, this.log, this.ctx.nextNonce, (b) => this.responseSink.write(b));
    }
    this.mcp.handle(req.type_url, req.response_nonce, req.error_detail, this.nodeId);
  }

  override close(): void {
    super.close();
    this.mcp?.close();
  }

  override status(): ClientStatus {
    const status = super.status();
    if (!this.mcp) return status;
    return { ...status, nodeId: status.nodeId || (this.nodeId ?? ''), nodeCluster: status.nodeCluster || (this.firstNode?.cluster ?? ''), istioTypes: this.mcp.status() };
  }

  handle(req: DiscoveryRequestMessage): void {
    if (this.requests++ === 0) this.firstNode = req.node;
    this.nodeId ??= req.node?.id;
    // istiod asks only for Istio config: its stream joins no node group, so Prescient renders no
    // Envoy resources for it and convergence does not wait on it. An Envoy type binds the stream
    // to the first request's node, as always (rule 1).
    if (this.ctx.mcp && this.service === 'ads' && isIstioTypeUrl(req.type_url)) return this.istio(req);
    this.bindNode(this.firstNode);
    const st = this.typeState(req.type_url);
    if (!st) return this.unsupported.sotw(req.type_url, req.response_nonce, req.resource_names, this.nodeId);
    // Before anything was sent on this stream there is nothing to be stale against (a client may
    // carry a nonce over from a previous stream).
    if (req.response_nonce && st.lastSent && req.response_nonce !== st.lastSent.nonce) {
      this.log.debug({ typeUrl: st.typeUrl, nonce: req.response_nonce }, 'stale request ignored');
      return;
    }
    const first = st.requestsHandled++ === 0;
    this.settleResponse(st, req.response_nonce, req.error_detail);
    // An ACK repeats the names it subscribes to; equal bytes replace the subscription with itself
    // (for any request but the first), so they are neither decoded nor compared name by name.
    if (first || !sameBytes(st.namesWire, req.resource_names_wire)) {
      // A copy of its own: a view would keep the whole request (or a shared pool slab) alive.
      st.namesWire = new Uint8Array(req.resource_names_wire);
      const change = st.sub.replace(this.sharedNames(st.typeUrl, req.resource_names), first);
      st.subscriptionChanged(change, change.added, this.view);
    }
    if (first && st.fullState) st.mustAnswer = true;
    this.pump();
  }

  /** EDS/RDS removals cannot be expressed in SotW; forget them so a reappearance is sent again. */
  protected override beforePlan(view: GroupView): void {
    for (const st of this.types.values()) if (!st.fullState) for (const name of st.outstanding(view).vanished) st.sent.delete(name);
  }

  protected plan(st: TypeState, view: GroupView, retainRemovals: boolean): SotwPlan | undefined {
    const { updates, vanished } = st.outstanding(view);
    if (!st.fullState) {
      if (updates.length === 0) return undefined;
      const chunk = takeWithinBudget(updates, anyBytes, this.ctx.maxResponseBytes);
      return { resources: chunk, complete: false, updated: chunk.map((r) => r.name) };
    }
    const removes = !retainRemovals && vanished.length > 0;
    if (updates.length === 0 && !removes && !st.mustAnswer) return undefined;
    const retained = retainRemovals ? vanished.map((n) => st.sent.get(n)!) : [];
    const resources = [...st.scope(view).values(), ...retained];
    return { resources, complete: true, updated: updates.map((r) => r.name) };
  }

  protected commit(st: TypeState, view: GroupView, plan: SotwPlan): void {
    if (plan.complete) st.sent.clear();
    for (const r of plan.resources) st.sent.set(r.name, r);
    const version = st.holdsWholeView(view) ? view.typeVersion(st.typeUrl) : hashVersions([...st.sent.values()].map((r) => [r.name, r.version] as const));
    const nonce = this.ctx.nextNonce();
    if (plan.complete && totalSize(plan.resources, anyBytes) > this.ctx.maxResponseBytes) {
      this.log.warn({ typeUrl: st.typeUrl, resources: plan.resources.length }, 'complete LDS/CDS set exceeds the response budget and cannot be split in state of the world; clients with the default 4 MB limit will reject it (use delta xDS)');
    }
    const response = encodeSotwResponse({ versionInfo: version, typeUrl: st.typeUrl, nonce, resources: plan.resources });
    this.sent(st, response, version, nonce, plan.updated);
  }
}
