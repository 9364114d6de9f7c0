/**
 * MCP-over-xDS on a state-of-the-world ADS stream: istiod (`meshConfig.configSources` with an
 * `xds://` address) asks for Istio type URLs (`networking.istio.io/v1/ServiceEntry`,
 * `core/v1alpha1/MeshConfig`, …) and gets, per type, the whole set as `istio.mcp.v1alpha1.Resource`
 * entries (docs/istio.md). Rules, from istiod's client (pkg/adsc):
 *
 * - its first request of each type already carries a nonce (the time it was sent), so a type's
 *   first request on a stream is always answered, whatever its nonce;
 * - every response replaces istiod's whole set of that type; it ACKs each one with the response's
 *   nonce and no names. An ACK is not answered; a newer set goes out once the previous response is
 *   ACKed (at most one unacknowledged response per type, DESIGN §4.2 rule 4);
 * - a request with any other nonce is stale and ignored (rule 2); a NACK keeps the rejected
 *   version from being sent again (rule 3), is logged and counted;
 * - types Prescient does not produce (MeshConfig, Gateway, Sidecar, AuthorizationPolicy…) get an
 *   empty set, not silence: istiod waits for an answer per type before it reports synced.
 *
 * Before the first render the cache is not ready and first requests wait for it.
 */
import type { McpResourceCache, McpTypeSet } from '../cache/mcp-cache.ts';
import type { Unsubscribe } from '../cache/types.ts';
import type { IstioMetrics } from '../istio/metrics.ts';
import { kindLabel } from '../istio/metrics.ts';
import type { Logger } from '../log.ts';
import type { StatusMessage } from './discovery-messages.ts';
import { encodeSotwResponse } from './discovery-wire.ts';

/** What the transport needs to serve istiod. */
export interface McpServing {
  readonly cache: McpResourceCache;
  readonly metrics: IstioMetrics;
}

/** At most this many Istio types are tracked per stream (istiod asks for about 16). */
export const MAX_MCP_TYPES = 64;

interface McpTypeState {
  /** Nonce and version of the response in flight (sent, not yet ACKed or NACKed). */
  pending?: { nonce: string; version: string };
  /** Version last sent (ACKed or not). */
  sentVersion?: string;
  ackedVersion?: string;
  /** Version the client rejected; not sent again. */
  rejectedVersion?: string;
  /** The type's first request is still to be answered (waits while the cache is not ready). */
  waiting: boolean;
}

export interface McpTypeStatus {
  typeUrl: string;
  ackedVersion?: string;
  sentVersion?: string;
  pendingNonce?: string;
  rejectedVersion?: string;
}

export class McpTypes {
  private readonly types = new Map<string, McpTypeState>();
  private unwatch: Unsubscribe | undefined;
  private overflowLogged = false;

  constructor(
    private readonly serving: McpServing,
    private readonly log: Logger,
    private readonly nextNonce: () => string,
    private readonly write: (response: Buffer) => void,
  ) {}

  handle(typeUrl: string, responseNonce: string, error: StatusMessage | undefined, nodeId: string | undefined): void {
    let st = this.types.get(typeUrl);
    if (!st) {
      if (this.types.size >= MAX_MCP_TYPES) {
        if (!this.overflowLogged) this.log.warn({ node: nodeId, max: MAX_MCP_TYPES }, 'client asked for too many Istio config types; ignoring further ones');
        this.overflowLogged = true;
        return;
      }
      // The first request of a type is answered whatever nonce it carries, once the cache is ready.
      st = { waiting: true };
      this.types.set(typeUrl, st);
      this.subscribe(nodeId);
      return this.pump(typeUrl, st);
    }
    if (!st.pending || responseNonce !== st.pending.nonce) {
      this.log.debug({ typeUrl, nonce: responseNonce }, 'stale Istio config request ignored');
      return;
    }
    const { version } = st.pending;
    st.pending = undefined;
    if (error) {
      st.rejectedVersion = version;
      this.serving.metrics.rejects.inc({ kind: kindLabel(typeUrl) });
      this.log.warn({ code: 'ISTIO_CONFIG_REJECTED', node: nodeId, typeUrl, version, message: error.message }, 'istiod rejected Istio config; it keeps its previous set');
    } else {
      st.ackedVersion = version;
      st.rejectedVersion = undefined;
    }
    this.pump(typeUrl, st);
  }

  private subscribe(nodeId: string | undefined): void {
    if (this.unwatch) return;
    this.log.info({ node: nodeId }, 'istiod subscribed to Istio config (MCP over xDS)');
    this.serving.metrics.subscribers.inc();
    this.unwatch = this.serving.cache.watch(() => {
      for (const [typeUrl, st] of this.types) this.pump(typeUrl, st);
    });
  }

  /** Sends the type's set when the client lacks it and nothing is in flight. */
  private pump(typeUrl: string, st: McpTypeState): void {
    if (st.pending) return;
    if (st.waiting) {
      if (!this.serving.cache.ready) return;
      st.waiting = false;
      return this.send(typeUrl, st);
    }
    const set = this.serving.cache.set(typeUrl);
    if (set.version === st.sentVersion || set.version === st.rejectedVersion) return;
    this.send(typeUrl, st, set);
  }

  private send(typeUrl: string, st: McpTypeState, set: McpTypeSet = this.serving.cache.set(typeUrl)): void {
    const nonce = this.nextNonce();
    this.write(encodeSotwResponse({ versionInfo: set.version, typeUrl, nonce, resources: set.resources }));
    st.pending = { nonce, version: set.version };
    st.sentVersion = set.version;
    this.serving.metrics.pushes.inc({ kind: kindLabel(typeUrl) });
  }

  status(): McpTypeStatus[] {
    return [...this.types].map(([typeUrl, st]) => ({
      typeUrl,
      ...(st.ackedVersion !== undefined && { ackedVersion: st.ackedVersion }),
      ...(st.sentVersion !== undefined && { sentVersion: st.sentVersion }),
      ...(st.pending && { pendingNonce: st.pending.nonce }),
      ...(st.rejectedVersion !== undefined && { rejectedVersion: st.rejectedVersion }),
    }));
  }

  close(): void {
    if (!this.unwatch) return;
    this.unwatch();
    this.unwatch = undefined;
    this.serving.metrics.subscribers.dec();
  }
}
