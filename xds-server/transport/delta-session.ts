/**
 * Incremental (delta) xDS (ADS DeltaAggregatedResources and the per-type Delta* methods).
 *
 * - Subscription changes apply even when the nonce is stale; only the in-flight nonce ACKs or
 *   NACKs (rule 2).
 * - Versions are per resource. `initial_resource_versions` on the first request of a type tells
 *   what the client already holds: equal versions are not resent, names that no longer exist are
 *   reported removed (rule 8).
 * - Every name in `resource_names_subscribe` is answered: with the resource, or in
 *   `removed_resources` when it does not exist (it stays subscribed and is sent when it appears).
 */
import type { EncodedResource, GroupView } from '../cache/types.ts';
import type { TypeUrl } from '../envoy/type-urls.ts';
import type { DeltaDiscoveryRequestMessage } from './discovery-messages.ts';
import { encodeDeltaResponse } from './discovery-wire.ts';
import { takeWithinBudget } from './response-chunks.ts';
import type { TypeState } from './type-state.ts';
import { UnsupportedTypes } from './unsupported-types.ts';
import { XdsSession, type ResponseSink, type SessionContext } from './xds-session.ts';
import type { XdsService } from './client-status.ts';

interface DeltaPlan {
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
}

const deltaBytes = (r: EncodedResource): number => r.deltaResource.length;
const NO_BYTES = new Uint8Array(0);

/** A resource the client reported holding: only its version is known, it is never sent. */
function heldByClient(typeUrl: TypeUrl, name: string, version: string): EncodedResource {
  return { typeUrl, name, version, any: NO_BYTES, deltaResource: NO_BYTES };
}

export class DeltaSession extends XdsSession<DeltaPlan> {
  readonly protocol = 'delta';
  private readonly unsupported: UnsupportedTypes;
  private nodeId: string | undefined;

  constructor(ctx: SessionContext, service: XdsService, sink: ResponseSink) {
    super(ctx, service, sink);
    this.unsupported = new UnsupportedTypes(this.log, ctx.nextNonce, (b) => sink.write(b), { answered: (protocol) => ctx.metrics.unsupportedTypes.inc({ protocol }) });
  }

  handle(req: DeltaDiscoveryRequestMessage): void {
    this.bindNode(req.node);
    this.nodeId ??= req.node?.id;
    const st = this.typeState(req.type_url);
    if (!st) return this.unsupported.delta(req.type_url, req.resource_names_subscribe, this.nodeId);
    const first = st.requestsHandled++ === 0;
    if (req.response_nonce) this.settleResponse(st, req.response_nonce, req.error_detail);
    const initial = first ? req.initial_resource_versions : {};
    const held = Object.entries(initial);
    for (const [name, version] of held) {
      st.sent.set(name, heldByClient(st.typeUrl, name, version));
      st.recheck(name);
    }
    const change = st.sub.apply(this.sharedNames(st.typeUrl, req.resource_names_subscribe), req.resource_names_unsubscribe, first);
    // Reported versions may name resources the subscription does not cover.
    if (first) st.dropUncovered();
    const unheld = held.length === 0 ? change.added : change.added.filter((name) => !Object.hasOwn(initial, name));
    st.subscriptionChanged(change, unheld, this.view);
    if (first && st.sub.wildcard) st.mustAnswer = true;
    this.pump();
  }

  protected plan(st: TypeState, view: GroupView, retainRemovals: boolean): DeltaPlan | undefined {
    const all = view.resources(st.typeUrl);
    const { updates, vanished } = st.outstanding(view);
    const missing = [...st.force].filter((n) => !all.has(n) && !st.sent.has(n));
    const removed = retainRemovals ? missing : [...vanished, ...missing];
    if (updates.length === 0 && removed.length === 0 && !st.mustAnswer) return undefined;
    return { resources: takeWithinBudget(updates, deltaBytes, this.ctx.maxResponseBytes), removed };
  }

  protected commit(st: TypeState, view: GroupView, plan: DeltaPlan): void {
    for (const r of plan.resources) st.sent.set(r.name, r);
    for (const name of plan.removed) {
      st.sent.delete(name);
      st.force.delete(name);
    }
    const version = view.typeVersion(st.typeUrl);
    const nonce = this.ctx.nextNonce();
    const response = encodeDeltaResponse({ systemVersionInfo: version, typeUrl: st.typeUrl, nonce, resources: plan.resources, removed: plan.removed });
    this.sent(st, response, version, nonce, plan.resources.map((r) => r.name));
  }
}
