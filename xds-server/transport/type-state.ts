/**
 * Per stream, per resource type protocol state, and the questions asked of it: which resources
 * the client has not been sent at their current version, which it was sent that are gone.
 *
 * `sent` is what the server last offered (ACKed or NACKed): comparing the view against it, not
 * against `acked`, is what keeps a rejected version from being resent in a loop (DESIGN §4.2
 * rule 3); `ackedVersion` names what the client really runs.
 *
 * Cost follows what changed, not what is subscribed: `outstanding` holds every name whose sent
 * state may differ from the view (see `outstanding()` for the invariant), and it is fed only by
 * what can make them differ — a GroupChange's updated and removed names, newly subscribed or
 * forced names, a wildcard that starts, versions a delta client reports holding. A stream holding
 * 200 clusters that hears of a one-cluster change, or that ACKs, looks at that one name or none.
 */
import type { EncodedResource, GroupView } from '../cache/types.ts';
import { isFullStateType, type TypeUrl } from '../envoy/type-urls.ts';
import { Subscription, type SubscriptionChange } from './subscription.ts';

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

/** What the client lacks of the view, and what it holds that the view no longer has. */
export interface Outstanding {
  /** In-scope resources to send: new or changed versions, or forced names. */
  readonly updates: readonly EncodedResource[];
  /** Names the client was sent that no longer exist in the view. */
  readonly vanished: readonly string[];
}

/** A stream is asked on every request and change; most of the time nothing is outstanding. */
const NOTHING: Outstanding = Object.freeze({ updates: Object.freeze([]), vanished: Object.freeze([]) });

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
  /** SotW: the `resource_names` wire bytes of the last request applied, to recognise a repeat. */
  namesWire: Uint8Array | undefined;
  /**
   * Names that may need attention; a superset of: in-scope names that are forced or whose view
   * version differs from the sent one, and sent names gone from the view. Names found settled are
   * dropped as they are looked at.
   */
  private readonly candidates = new Set<string>();

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

  /** Sends `name` on the next response of this type even if the client holds its version. */
  forceSend(name: string): void {
    this.force.add(name);
    this.candidates.add(name);
  }

  /** The client's copy of `name` may differ from the view (a delta client reported a version). */
  recheck(name: string): void {
    this.candidates.add(name);
  }

  /** A new view of the group: only the names it updated or removed can have diverged. */
  viewChanged(updated: ReadonlySet<string>, removed: ReadonlySet<string>): void {
    for (const name of updated) if (this.sub.covers(name)) this.candidates.add(name);
    for (const name of removed) if (this.sent.has(name)) this.candidates.add(name);
  }

  /**
   * Brings bookkeeping in line with a subscription change: forgets what left scope, forces the
   * names to send (`forced`), and, when wildcard started, re-examines every resource of the view.
   */
  subscriptionChanged(change: SubscriptionChange, forced: Iterable<string>, view: GroupView | undefined): void {
    if (change.removed.length > 0 || change.narrowed) this.dropUncovered();
    for (const name of forced) this.forceSend(name);
    if (change.widened && view) for (const name of view.resources(this.typeUrl).keys()) this.candidates.add(name);
  }

  /** What differs between the view and what the client was sent; O(candidates). */
  outstanding(view: GroupView): Outstanding {
    if (this.candidates.size === 0) return NOTHING;
    const all = view.resources(this.typeUrl);
    const updates: EncodedResource[] = [];
    const vanished: string[] = [];
    for (const name of this.candidates) {
      const r = all.get(name);
      if (r && this.sub.covers(name)) {
        if (this.force.has(name) || this.sent.get(name)?.version !== r.version) updates.push(r);
        else this.candidates.delete(name);
      } else if (!r && this.sent.has(name)) vanished.push(name);
      else this.candidates.delete(name);
    }
    return { updates, vanished };
  }

  /** The client asks for a name the view has and it was never sent (a newly subscribed resource). */
  awaitsUnsentName(view: GroupView): boolean {
    if (this.candidates.size === 0) return false;
    const all = view.resources(this.typeUrl);
    for (const name of this.candidates) if (!this.sent.has(name) && this.sub.covers(name) && all.has(name)) return true;
    return false;
  }

  /**
   * What was sent is exactly the view's resources of this type (same names, same versions), so
   * the view's shared type version describes it. O(candidates): a sent name that is no candidate
   * is in scope at its current version.
   */
  holdsWholeView(view: GroupView): boolean {
    const all = view.resources(this.typeUrl);
    if (this.sent.size !== all.size) return false;
    for (const name of this.candidates) {
      const held = this.sent.get(name);
      if (held && held.version !== all.get(name)?.version) return false;
    }
    return true;
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
