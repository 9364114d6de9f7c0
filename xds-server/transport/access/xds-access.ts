/**
 * Who may do what on the xDS port (docs/security.md). Reading config (ADS and the per-type
 * services) is open to any client the transport admits: with mTLS that is any certificate signed
 * by the configured CA. Writing telemetry (LRS) and inspecting clients (CSDS, SelectEndpoint) are
 * narrower, because load reports move traffic and CSDS shows every client's config:
 *
 * - LRS with mTLS: a report for a cluster counts only when a URI SAN of the client certificate
 *   matches a rule naming that cluster (`lrsIdentities`); everything else is dropped and counted.
 * - LRS without mTLS: loopback peers (a sidecar or test on the same host) may report for any
 *   cluster; other peers are refused unless `allowRemoteUnauthenticatedLrs` (a startup warning says
 *   that anyone who can reach the port can then steer traffic).
 * - CSDS and SelectEndpoint: open when no admin token and no operator identity is configured (as
 *   the admin port is); otherwise the admin bearer token in `authorization` metadata or a client
 *   certificate naming an operator identity.
 *
 * Patterns (identities and clusters) are exact, or end in `*` to match any suffix.
 */
import { bearerTokenMatches } from '../../../api/bearer-token.ts';
import { peerIdentity, type InspectableCall, type PeerIdentity } from './peer-identity.ts';

export interface LrsIdentityRule {
  /** A client certificate URI SAN, e.g. `spiffe://cluster.local/ns/shop/sa/frontend`, or a prefix ending in `*`. */
  identity: string;
  /** Clusters (Prescient Service names) that identity may report for; `*` suffixes allowed. */
  clusters: string[];
}

export interface XdsAccessOptions {
  /** Client certificates are required and verified (requireClientCert with a CA). */
  mtls: boolean;
  lrsIdentities?: LrsIdentityRule[];
  /** Without mTLS, accept LRS from non-loopback peers too. Off by default. */
  allowRemoteUnauthenticatedLrs?: boolean;
  /** Admin bearer token; also admits CSDS and SelectEndpoint calls. */
  adminToken?: string;
  /** Client certificate identities allowed to call CSDS and SelectEndpoint without the token. */
  operatorIdentities?: string[];
  /**
   * Client certificate identities (istiod's, e.g. `spiffe://cluster.local/ns/istio-system/sa/istiod`)
   * that may read Istio config over MCP (docs/istio.md). Unset: any client that may read xDS config.
   */
  istiodIdentities?: string[];
}

export type LrsAdmission =
  | { admitted: true; source: string; mayReport: (cluster: string) => boolean }
  | { admitted: false; code: 'XDS_LRS_UNAUTHENTICATED'; message: string };

/** A call as CSDS and SelectEndpoint see it: its peer and its metadata. */
export interface OperatorCall extends InspectableCall {
  metadata: { get(key: string): unknown[] };
}

export const XDS_ACCESS_OPEN: XdsAccessOptions = { mtls: false };

export class XdsAccess {
  private readonly lrsRules: { identity: Pattern; clusters: Pattern[] }[];
  private readonly operators: Pattern[];
  private readonly istiods: Pattern[] | undefined;

  constructor(private readonly options: XdsAccessOptions) {
    this.lrsRules = (options.lrsIdentities ?? []).map((r) => ({ identity: pattern(r.identity), clusters: r.clusters.map(pattern) }));
    this.operators = (options.operatorIdentities ?? []).map(pattern);
    this.istiods = options.istiodIdentities?.length ? options.istiodIdentities.map(pattern) : undefined;
  }

  /**
   * Istio config (MCP over xDS): like any xDS config unless istiod identities are configured;
   * then only a client certificate naming one of them (so never without mTLS).
   */
  istioConfigAllowed(call: InspectableCall): boolean {
    if (!this.istiods) return true;
    return this.options.mtls && peerIdentity(call).identities.some((id) => this.istiods!.some((p) => p(id)));
  }

  /** Lines to log at startup when the configuration leaves load reports open or shut. */
  warnings(): string[] {
    const o = this.options;
    if (o.mtls && this.lrsRules.length === 0) {
      return ['XDS_LRS_NO_IDENTITIES: mTLS is on but no --lrs-identity maps a client identity to clusters; every load report is dropped'];
    }
    if (!o.mtls && o.istiodIdentities?.length) {
      return ['XDS_ISTIOD_IDENTITIES_WITHOUT_MTLS: istiod identities are configured but mTLS is off; no client can prove one, so Istio config is served to nobody'];
    }
    if (!o.mtls && o.allowRemoteUnauthenticatedLrs) {
      return ['XDS_LRS_UNAUTHENTICATED_ALLOWED: load reports are accepted from any peer without authentication; anyone who can reach the xDS port can move traffic. Configure mTLS and --lrs-identity instead'];
    }
    return [];
  }

  admitLrs(call: InspectableCall): LrsAdmission {
    const peer = peerIdentity(call);
    if (this.options.mtls) {
      const rules = this.lrsRules.filter((r) => peer.identities.some((id) => r.identity(id)));
      const source = peer.identities[0] ?? peer.address;
      return { admitted: true, source, mayReport: (cluster) => rules.some((r) => r.clusters.some((c) => c(cluster))) };
    }
    if (peer.loopback || this.options.allowRemoteUnauthenticatedLrs) {
      return { admitted: true, source: peer.address, mayReport: () => true };
    }
    return {
      admitted: false,
      code: 'XDS_LRS_UNAUTHENTICATED',
      message: `XDS_LRS_UNAUTHENTICATED: load reports from ${peer.address || 'this peer'} are refused: without mTLS only loopback peers may report (see docs/security.md)`,
    };
  }

  /** CSDS and SelectEndpoint: the admin token or an operator identity, when either is configured. */
  operatorAllowed(call: OperatorCall): boolean {
    const token = this.options.adminToken;
    if (token === undefined && this.operators.length === 0) return true;
    const authorization = call.metadata.get('authorization')[0];
    if (token !== undefined && bearerTokenMatches(authorization === undefined ? undefined : String(authorization), token)) return true;
    return this.identityIsOperator(peerIdentity(call));
  }

  private identityIsOperator(peer: PeerIdentity): boolean {
    return this.options.mtls && peer.identities.some((id) => this.operators.some((p) => p(id)));
  }
}

type Pattern = (value: string) => boolean;

function pattern(p: string): Pattern {
  if (p.endsWith('*')) {
    const prefix = p.slice(0, -1);
    return (v) => v.startsWith(prefix);
  }
  return (v) => v === p;
}

/**
 * `IDENTITY=CLUSTER[,CLUSTER...]` from `--lrs-identity`. The identity is everything before the
 * last `=` that precedes the cluster list (URIs rarely hold `=`, cluster names never do).
 */
export function parseLrsIdentity(value: string): LrsIdentityRule {
  const i = value.lastIndexOf('=');
  const identity = value.slice(0, i).trim();
  const clusters = value
    .slice(i + 1)
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (i <= 0 || !identity || clusters.length === 0) {
    throw new Error(`--lrs-identity "${value}": expected IDENTITY=CLUSTER[,CLUSTER...], e.g. spiffe://cluster.local/ns/shop/sa/frontend=payments,checkout`);
  }
  return { identity, clusters };
}
