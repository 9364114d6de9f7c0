/**
 * The record types Prescient publishes (A, AAAA, SRV), as plain data, and their RDATA bytes.
 * A record set is the unit DNS updates and caches work on: all records of one name and type, one TTL.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RR_TYPE, WireError, WireWriter, normalizeName, readName } from './wire.ts';

export type AddressRecord = { readonly type: 'A' | 'AAAA'; readonly address: string };
export type SrvRecord = {
  readonly type: 'SRV';
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
};
export type RecordData = AddressRecord | SrvRecord;
export type RecordType = RecordData['type'];

export interface RecordSet {
  /** Owner name, lower case, no trailing dot. */
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly records: readonly RecordData[];
}

export function typeCode(type: RecordType): number {
  return RR_TYPE[type];
}

export function addressRecordType(address: string): 'A' | 'AAAA' {
  if (isIPv4(address)) return 'A';
  if (isIPv6(address)) return 'AAAA';
  throw new WireError(`not an IP address: ${address}`);
}

function ipv4Bytes(address: string): Uint8Array {
  if (!isIPv4(address)) throw new WireError(`not an IPv4 address: ${address}`);
  return Uint8Array.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Uint8Array {
  if (!isIPv6(address)) throw new WireError(`not an IPv6 address: ${address}`);
  let text = address.split('%')[0]!;
  const embedded = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const b = ipv4Bytes(embedded[2]!);
    text = `${embedded[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...new Array<number>(zeros).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

function ipv6Text(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // Shorten the longest run of zero words (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

export function encodeRdata(r: RecordData): Uint8Array {
  switch (r.type) {
    case 'A':
      return ipv4Bytes(r.address);
    case 'AAAA':
      return ipv6Bytes(r.address);
    case 'SRV':
      return new WireWriter().u16(r.priority).u16(r.weight).u16(r.port).name(r.target).done();
  }
}

/** `message` and `offset` locate the RDATA, since SRV targets may be compressed. */
export function decodeRdata(type: number, message: Uint8Array, offset: number, length: number): RecordData | undefined {
  const rdata = message.subarray(offset, offset + length);
  if (type === RR_TYPE.A && length === 4) return { type: 'A', address: Array.from(rdata).join('.') };
  if (type === RR_TYPE.AAAA && length === 16) return { type: 'AAAA', address: ipv6Text(rdata) };
  if (type === RR_TYPE.SRV && length >= 7) {
    const view = new DataView(rdata.buffer, rdata.byteOffset, rdata.byteLength);
    return {
      type: 'SRV',
      priority: view.getUint16(0),
      weight: view.getUint16(2),
      port: view.getUint16(4),
      target: readName(message, offset + 6).name,
    };
  }
  return undefined;
}

/** Identity of one record inside its set (RDATA equality, as DNS compares records). */
export function recordKey(r: RecordData): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return `${r.type} ${ipv6OrV4Canonical(r)}`;
    case 'SRV':
      return `SRV ${r.priority} ${r.weight} ${r.port} ${normalizeName(r.target)}`;
  }
}

function ipv6OrV4Canonical(r: AddressRecord): string {
  return r.type === 'A' ? r.address : ipv6Text(ipv6Bytes(r.address));
}

/** `name type ttl rdata` lines, as dig prints them (sorted), for logs and status pages. */
export function formatRecord(name: string, ttl: number, r: RecordData): string {
  const data = r.type === 'SRV' ? `${r.priority} ${r.weight} ${r.port} ${normalizeName(r.target)}.` : r.address;
  return `${name}. ${ttl} IN ${r.type} ${data}`;
}
