/**
 * TSIG (RFC 8945): HMAC signatures on DNS messages with a shared key. Requests are signed; every
 * response to a signed request must carry a TSIG that verifies against the request's MAC, or the
 * response is not to be trusted (an attacker on the path could fake "NOERROR").
 *
 * Only full-length MACs are produced and accepted (no truncation). Times are Unix seconds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RR_CLASS, RR_TYPE, WireWriter, decodeMessage, normalizeName, readName, writeRecord } from './wire.ts';

export const TSIG_ALGORITHMS = {
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
  'hmac-sha224': 'sha224',
  'hmac-sha1': 'sha1',
} as const;
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

export interface TsigKey {
  /** Key name as the server knows it (`key "NAME" { ... }` in named.conf). */
  readonly name: string;
  readonly algorithm: TsigAlgorithm;
  readonly secret: Uint8Array;
}

/** TSIG error field values (RFC 8945 §3, IANA DNS RCODEs). */
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;
const TSIG_ERROR_NAMES = new Map<number, string>(Object.entries(TSIG_ERROR).map(([k, v]) => [v, k]));
export function tsigErrorName(code: number): string {
  return TSIG_ERROR_NAMES.get(code) ?? `TSIG${code}`;
}

/** Seconds of clock difference accepted either way (RFC 8945 recommends 300). */
export const DEFAULT_FUDGE = 300;

interface TsigFields {
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  other: Uint8Array;
}

function variables(w: WireWriter, keyName: string, f: Omit<TsigFields, 'mac' | 'originalId'>): void {
  w.name(keyName).u16(RR_CLASS.ANY).u32(0).name(f.algorithm);
  w.u48(f.timeSigned).u16(f.fudge).u16(f.error).u16(f.other.length).bytes(f.other);
}

function hmac(key: TsigKey, parts: Uint8Array[]): Uint8Array {
  const h = createHmac(TSIG_ALGORITHMS[key.algorithm], key.secret);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export interface SignedMessage {
  readonly bytes: Uint8Array;
  /** The request MAC: a response's TSIG is computed over it. */
  readonly mac: Uint8Array;
}

/** Appends a TSIG record to an encoded, unsigned message. */
export function signMessage(message: Uint8Array, key: TsigKey, nowSeconds: number, fudge = DEFAULT_FUDGE): SignedMessage {
  const id = (message[0]! << 8) | message[1]!;
  const fields = { algorithm: key.algorithm, timeSigned: Math.floor(nowSeconds), fudge, error: 0, other: new Uint8Array(0) };
  const vars = new WireWriter();
  variables(vars, key.name, fields);
  const mac = hmac(key, [message, vars.done()]);
  const rdata = new WireWriter()
    .name(fields.algorithm)
    .u48(fields.timeSigned)
    .u16(fudge)
    .u16(mac.length)
    .bytes(mac)
    .u16(id)
    .u16(0)
    .u16(0)
    .done();
  const w = new WireWriter().bytes(message);
  writeRecord(w, { name: key.name, type: RR_TYPE.TSIG, class: RR_CLASS.ANY, ttl: 0, rdata });
  const bytes = w.done();
  const arcount = ((bytes[10]! << 8) | bytes[11]!) + 1;
  bytes[10] = arcount >> 8;
  bytes[11] = arcount & 0xff;
  return { bytes, mac };
}

export type TsigVerdict =
  | { readonly ok: true }
  /** `unsigned`: no TSIG at all; `rejected`: the server says our signature failed (its error field). */
  | { readonly ok: false; readonly reason: 'unsigned' | 'wrong-key' | 'bad-mac' | 'bad-time' | 'rejected'; readonly detail: string };

/** Checks the TSIG on a response to a request signed with `requestMac`. */
export function verifyResponse(response: Uint8Array, key: TsigKey, requestMac: Uint8Array, nowSeconds: number): TsigVerdict {
  const msg = decodeMessage(response);
  const tsig = msg.additionals.at(-1);
  if (!tsig || tsig.type !== RR_TYPE.TSIG) return { ok: false, reason: 'unsigned', detail: 'the response carries no TSIG record' };
  const f = readFields(response, tsig.rdataStart, tsig.end);
  if (normalizeName(tsig.name) !== normalizeName(key.name) || normalizeName(f.algorithm) !== key.algorithm) {
    return { ok: false, reason: 'wrong-key', detail: `response signed with key ${tsig.name} (${f.algorithm}), expected ${key.name} (${key.algorithm})` };
  }
  if (f.error !== TSIG_ERROR.NOERROR) {
    return { ok: false, reason: 'rejected', detail: `the server rejected the request's TSIG: ${tsigErrorName(f.error)}` };
  }
  const stripped = response.slice(0, tsig.start);
  const arcount = msg.additionals.length - 1;
  stripped[0] = f.originalId >> 8;
  stripped[1] = f.originalId & 0xff;
  stripped[10] = arcount >> 8;
  stripped[11] = arcount & 0xff;
  const vars = new WireWriter();
  variables(vars, key.name, f);
  const expected = hmac(key, [new WireWriter().u16(requestMac.length).bytes(requestMac).done(), stripped, vars.done()]);
  if (expected.length !== f.mac.length || !timingSafeEqual(expected, f.mac)) {
    return { ok: false, reason: 'bad-mac', detail: 'the response MAC does not verify with the key' };
  }
  if (Math.abs(Math.floor(nowSeconds) - f.timeSigned) > f.fudge) {
    return { ok: false, reason: 'bad-time', detail: `response signed at ${f.timeSigned}, now ${Math.floor(nowSeconds)}, fudge ${f.fudge}s` };
  }
  return { ok: true };
}

function readFields(bytes: Uint8Array, start: number, end: number): TsigFields {
  const { name: algorithm, next } = readName(bytes, start);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = next;
  const timeSigned = view.getUint16(p) * 2 ** 32 + view.getUint32(p + 2);
  const fudge = view.getUint16(p + 6);
  const macSize = view.getUint16(p + 8);
  p += 10;
  const mac = bytes.slice(p, p + macSize);
  p += macSize;
  const originalId = view.getUint16(p);
  const error = view.getUint16(p + 2);
  const otherLen = view.getUint16(p + 4);
  const other = bytes.slice(p + 6, p + 6 + otherLen);
  if (p + 6 + otherLen !== end) throw new Error('malformed TSIG record');
  return { algorithm, timeSigned, fudge, mac, originalId, error, other };
}
