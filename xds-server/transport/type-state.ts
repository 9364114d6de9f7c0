/**
 * Per stream, per resource type protocol state, and the side-effect-free questions asked of it:
 * which resources are in scope, which the client has not been sent at their current version.
 *
 * `sent` is what the server last offered (ACKed or NACKed): comparing the view against it, not
 * against `acked`, is what keeps a rejected version from being resent in a loop (DESIGN §4.2
 * rule 3); `ackedVersion` names what the client really runs.
 */
import type { EncodedResource, GroupView } from '../cache/types.ts';
import { isFullStateType, type TypeUrl } from '../envoy/type-urls.ts';
import { Subscription } from './subscription.ts';

export interface PendingResponse {
  readonly nonce: string;
  readonly version: string;
}

export interface NackRecord {
  /** Version of the response the client rejected. */
  readonly version: string;
  readonly message: string;
  /** Unix ms. */
  readonly at: number;
}

export class TypeState {
  readonly sub: Subscription;
  readonly fullState: boolean;
  /** Some request of this type was seen on the stream. */
  requested = false;
  /** Requests of this type processed (stale ones excluded in SotW); 0 means the next is the initial one. */
  requestsHandled = 0;
  readonly sent = new Map<string, EncodedResource>();
  /** Names to send even if the client holds their current version (newly subscribed, warming). */
  readonly force = new Set<string>();
  /** The next plan must produce a response even if empty (initial LDS/CDS request). */
  mustAnswer = false;
  pending: PendingResponse | undefined;
  /** The last response of this type was NACKed and nothing newer has been sent. */
  rejected = false;
  lastSent: { version: string; nonce: string; at: number } | undefined;
  ackedVersion: string | undefined;
  lastNack: NackRecord | undefined;
  nackCount = 0;

  constructor(readonly typeUrl: TypeUrl) {
    this.fullState = isFullStateType(typeUrl);
    this.sub = new Subscription(this.fullState);
  }

  /** Resources of the view the subscription covers (names that do not exist yet are skipped). */
  scope(view: GroupView): ReadonlyMap<string, EncodedResource> {
    const all = view.resources(this.typeUrl);
    if (this.sub.wildcard) return all;
    const out = new Map<string, EncodedResource>();
    for (const name of this.sub.names) {
      const r = all.get(name);
      if (r) out.set(name, r);
    }
    return out;
  }

  /** In-scope resources the client must be sent: new or changed versions, or forced names. */
  updates(scope: ReadonlyMap<string, EncodedResource>): EncodedResource[] {
    const out: EncodedResource[] = [];
    for (const [name, r] of scope) if (this.force.has(name) || this.sent.get(name)?.version !== r.version) out.push(r);
    return out;
  }

  /** Names the client was sent that no longer exist in the view. */
  vanished(view: GroupView): string[] {
    const all = view.resources(this.typeUrl);
    return [...this.sent.keys()].filter((name) => !all.has(name));
  }

  /** Forgets what was sent for names the subscription no longer covers. */
  dropUncovered(): void {
    for (const name of this.sent.keys()) if (!this.sub.covers(name)) this.sent.delete(name);
    for (const name of this.force) if (!this.sub.covers(name)) this.force.delete(name);
  }

  /** Nothing unacknowledged, nothing rejected: what was last sent is what the client runs. */
  get quiet(): boolean {
    return !this.pending && !this.rejected;
  }
}
