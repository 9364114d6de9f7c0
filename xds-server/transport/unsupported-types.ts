/**
 * Answers requests for resource types Prescient does not serve (SDS secrets, RTDS runtime, ECDS
 * extension configs, anything made up) so the client stops waiting instead of hanging on its
 * initial fetch forever:
 *
 * - state of the world: an empty DiscoveryResponse of that type (no resources: "none exist");
 * - delta: a DeltaDiscoveryResponse listing every newly subscribed name in `removed_resources`.
 *
 * The client ACKs that answer; an ACK (the answer's nonce, nothing new subscribed) is not answered
 * again, so the exchange ends there. Each type is logged once per stream (a stream is one client),
 * and at most MAX_TYPES types are tracked per stream: a client inventing type URLs gets no more
 * answers, not more memory.
 */
import type { Logger } from '../log.ts';
import { encodeDeltaResponse, encodeSotwResponse } from './discovery-wire.ts';

export const MAX_TYPES = 16;
const VERSION = '0';

interface Answered {
  nonce: string;
  /** SotW: the requested names, joined; delta: every name subscribed so far. */
  names: string;
}

export interface UnsupportedTypeEvents {
  /** Called for every answer sent (for the metric). */
  answered?: (protocol: 'sotw' | 'delta') => void;
}

export class UnsupportedTypes {
  private readonly answered = new Map<string, Answered>();
  private overflowLogged = false;

  constructor(
    private readonly log: Logger,
    private readonly nextNonce: () => string,
    private readonly write: (response: Buffer) => void,
    private readonly events: UnsupportedTypeEvents = {},
  ) {}

  sotw(typeUrl: string, responseNonce: string, names: readonly string[], nodeId: string | undefined): void {
    const key = names.join('\n');
    const prev = this.track(typeUrl, nodeId, 'sotw');
    if (prev === false) return;
    if (prev && responseNonce === prev.nonce && key === prev.names) return;
    const nonce = this.nextNonce();
    this.answered.set(typeUrl, { nonce, names: key });
    this.write(encodeSotwResponse({ versionInfo: VERSION, typeUrl: typeUrl as never, nonce, resources: [] }));
    this.events.answered?.('sotw');
  }

  delta(typeUrl: string, subscribe: readonly string[], nodeId: string | undefined): void {
    const prev = this.track(typeUrl, nodeId, 'delta');
    if (prev === false) return;
    const known = new Set(prev ? prev.names.split('\n') : []);
    const added = subscribe.filter((n) => !known.has(n));
    // An ACK, or an unsubscribe: nothing new to tell the client.
    if (prev && added.length === 0) return;
    const nonce = this.nextNonce();
    for (const n of added) known.add(n);
    this.answered.set(typeUrl, { nonce, names: [...known].filter(Boolean).join('\n') });
    this.write(encodeDeltaResponse({ systemVersionInfo: VERSION, typeUrl: typeUrl as never, nonce, resources: [], removed: added }));
    this.events.answered?.('delta');
  }

  /** The previous answer for the type, undefined for a new type, false when no more types are tracked. */
  private track(typeUrl: string, nodeId: string | undefined, protocol: string): Answered | undefined | false {
    const prev = this.answered.get(typeUrl);
    if (prev) return prev;
    if (this.answered.size >= MAX_TYPES) {
      if (!this.overflowLogged) this.log.warn({ node: nodeId, max: MAX_TYPES }, 'client asked for too many unsupported resource types; ignoring further ones');
      this.overflowLogged = true;
      return false;
    }
    this.log.warn(
      { code: 'XDS_UNSUPPORTED_TYPE', node: nodeId, typeUrl: typeUrl.slice(0, 200), protocol },
      'request for a resource type Prescient does not serve; answered as empty (the client sees no such resources)',
    );
    return undefined;
  }
}
