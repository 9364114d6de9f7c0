/**
 * The record sets one published name should hold, from the endpoints chosen for it. Pure.
 *
 * - `NAME A` / `NAME AAAA`: one record per chosen IP endpoint.
 * - `_service._proto.NAME SRV` (optional): one record per chosen endpoint, weight = its share of
 *   the chosen endpoints' weight on a 1..100 scale (RFC 2782 weights are relative), target = the
 *   endpoint's `hostname`, or a generated host name `ip4-10-0-0-1.NAME` / `ip6-….NAME` whose
 *   A/AAAA record Prescient publishes too (SRV targets must be names, not addresses).
 */
import { isIP } from 'node:net';
import type { CandidateEndpoint } from './endpoint-selection.ts';
import { addressRecordType, encodeRdata, type RecordData, type RecordSet } from './record-data.ts';
import { normalizeName } from './wire.ts';

export interface PublishTarget {
  /** Absolute owner name of the A/AAAA records. */
  readonly name: string;
  /** Publish A/AAAA records at `name`. Default true. */
  readonly addresses: boolean;
  /** SRV owner labels, e.g. { service: '_grpc', protocol: '_tcp' }. */
  readonly srv?: { readonly service: string; readonly protocol: string };
}

export function srvOwner(t: PublishTarget): string | undefined {
  return t.srv ? normalizeName(`${t.srv.service}.${t.srv.protocol}.${t.name}`) : undefined;
}

/** Host label for an endpoint without a hostname: `ip4-10-0-0-1` or `ip6-` + 32 hex digits. */
export function generatedTarget(address: string, name: string): string {
  const type = addressRecordType(address);
  const rdata = encodeRdata({ type, address });
  const label = type === 'A' ? `ip4-${address.replace(/\./g, '-')}` : `ip6-${Buffer.from(rdata).toString('hex')}`;
  return normalizeName(`${label}.${name}`);
}

export function srvWeights(endpoints: readonly CandidateEndpoint[]): number[] {
  const total = endpoints.reduce((s, e) => s + Math.max(0, e.weight), 0);
  return endpoints.map((e) => (total > 0 ? Math.max(1, Math.round((100 * Math.max(0, e.weight)) / total)) : 1));
}

/**
 * Every record set this target owns, keyed `name type`; sets that must be absent are present
 * with no records (so the difference deletes them).
 */
export function desiredRecordSets(t: PublishTarget, selected: readonly CandidateEndpoint[], ttl: number): Map<string, RecordSet> {
  const out = new Map<string, RecordSet>();
  const put = (name: string, type: RecordSet['type'], records: RecordData[]) => {
    const n = normalizeName(name);
    out.set(`${n} ${type}`, { name: n, type, ttl, records });
  };
  const ips = selected.filter((e) => isIP(e.address) !== 0);
  if (t.addresses) {
    put(t.name, 'A', ips.filter((e) => isIP(e.address) === 4).map((e) => ({ type: 'A', address: e.address })));
    put(t.name, 'AAAA', ips.filter((e) => isIP(e.address) === 6).map((e) => ({ type: 'AAAA', address: e.address })));
  }
  const owner = srvOwner(t);
  if (owner) {
    const usable = selected.filter((e) => e.hostname !== undefined || isIP(e.address) !== 0);
    const weights = srvWeights(usable);
    const records: RecordData[] = usable.map((e, i) => ({
      type: 'SRV',
      priority: 0,
      weight: weights[i]!,
      port: e.port,
      target: e.hostname ? normalizeName(e.hostname) : generatedTarget(e.address, t.name),
    }));
    put(owner, 'SRV', records);
    for (const e of usable) {
      if (e.hostname) continue;
      const type = addressRecordType(e.address);
      const target = generatedTarget(e.address, t.name);
      const existing = out.get(`${target} ${type}`);
      if (!existing) put(target, type, [{ type, address: e.address }]);
    }
  }
  return out;
}
