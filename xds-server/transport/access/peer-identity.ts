/**
 * Who is on the other end of a gRPC call on the xDS port: its address (loopback or not) and, over
 * mutual TLS, the identities its verified client certificate names. Identities are the
 * certificate's URI subject alternative names (SPIFFE IDs such as
 * `spiffe://cluster.local/ns/shop/sa/frontend`), the way Istio and SPIRE name workloads.
 */
import net from 'node:net';

export interface PeerIdentity {
  /** Remote address as the socket reports it ('' when unknown). */
  address: string;
  /** 127.0.0.0/8, ::1 or an IPv4-mapped loopback address. */
  loopback: boolean;
  /** URI SANs of the verified client certificate; empty without mTLS. */
  identities: string[];
}

/** The parts of a grpc-js server call this reads (every server call type has them). */
export interface InspectableCall {
  /** `address:port` (no brackets around IPv6), or 'unknown'. */
  getPeer(): string;
  getAuthContext(): { transportSecurityType?: string; sslPeerCertificate?: { subjectaltname?: string } };
}

export function peerIdentity(call: InspectableCall): PeerIdentity {
  const address = addressOf(safe(() => call.getPeer(), 'unknown'));
  const auth = safe(() => call.getAuthContext(), {});
  return { address, loopback: isLoopback(address), identities: uriSans(auth.sslPeerCertificate?.subjectaltname) };
}

/** grpc-js peers read `10.0.0.1:5000`, `::1:5000` or `::ffff:127.0.0.1:5000`: drop the port. */
export function addressOf(peer: string): string {
  if (peer === 'unknown') return '';
  const withoutPort = peer.replace(/:\d+$/, '');
  return withoutPort.replace(/^\[(.*)\]$/, '$1');
}

export function isLoopback(address: string): boolean {
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  return bare === '::1';
}

/** `URI:spiffe://a/b, DNS:x, IP Address:1.2.3.4` → the URIs. Node quotes values containing commas. */
export function uriSans(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  const out: string[] = [];
  for (const m of subjectaltname.matchAll(/(?:^|,\s*)URI:("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = m[1]!;
    out.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return out;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}
