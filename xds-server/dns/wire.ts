/**
 * DNS wire format (RFC 1035 §4) for the few messages Prescient sends: QUERY and UPDATE (RFC 2136),
 * signed with TSIG (RFC 8945).
 *
 * Hand-written rather than built on `dns-packet` because (1) UPDATE deletions need class NONE/ANY
 * and empty RDATA, which dns-packet cannot encode, and it drops `opcode` on encode; (2) TSIG needs
 * the exact bytes and offsets of the message and of its TSIG record (to strip it and recompute the
 * MAC over the rest), which a decoder that returns objects does not expose. Encoding never
 * compresses names; decoding follows compression pointers (servers use them in answers).
 */

export const RR_TYPE = { A: 1, NS: 2, SOA: 6, AAAA: 28, SRV: 33, TSIG: 250, ANY: 255 } as const;
export const RR_CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
} as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** Header flag bits (the opcode and rcode fields are set through `flags()`). */
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080 } as const;

export function headerFlags(opcode: number, bits = 0, rcode = 0): number {
  return bits | ((opcode & 0xf) << 11) | (rcode & 0xf);
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdata: Uint8Array;
}

/** A message as sections; for UPDATE the sections are zone, prerequisite, update, additional. */
export interface Message {
  id: number;
  flags: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

export interface DecodedRecord extends ResourceRecord {
  /** Offset of the record's first byte (its owner name) in the message. */
  start: number;
  /** Offset just past the record. */
  end: number;
  /** Offset of the RDATA, for decoders of compressed names inside it. */
  rdataStart: number;
}

export interface DecodedMessage extends Omit<Message, 'answers' | 'authorities' | 'additionals'> {
  opcode: number;
  rcode: number;
  answers: DecodedRecord[];
  authorities: DecodedRecord[];
  additionals: DecodedRecord[];
  bytes: Uint8Array;
}

export class WireError extends Error {
  override readonly name = 'WireError';
}

/** Growable big-endian byte writer. */
export class WireWriter {
  private buf = new Uint8Array(512);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0);
    this.length += 4;
    return this;
  }
  /** 48-bit unsigned (TSIG time signed). */
  u48(v: number): this {
    this.u16(Math.floor(v / 2 ** 32) & 0xffff);
    return this.u32(v % 2 ** 32);
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** Uncompressed, lower-cased (the canonical form RFC 8945 asks for in TSIG variables). */
  name(name: string): this {
    return this.bytes(encodeName(name));
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Absolute names with or without the trailing dot; "." or "" is the root. */
export function encodeName(name: string): Uint8Array {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = trimmed === '' ? [] : trimmed.toLowerCase().split('.');
  const parts: number[] = [];
  for (const label of labels) {
    const bytes = new TextEncoder().encode(label);
    if (bytes.length === 0 || bytes.length > 63) throw new WireError(`bad DNS label in ${JSON.stringify(name)}`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > 255) throw new WireError(`DNS name longer than 255 bytes: ${name}`);
  return Uint8Array.from(parts);
}

/** Lower-case, no trailing dot: the form names are compared in. */
export function normalizeName(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

export function writeRecord(w: WireWriter, rr: ResourceRecord): void {
  w.name(rr.name).u16(rr.type).u16(rr.class).u32(rr.ttl).u16(rr.rdata.length).bytes(rr.rdata);
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new WireWriter();
  w.u16(m.id).u16(m.flags).u16(m.questions.length).u16(m.answers.length).u16(m.authorities.length).u16(m.additionals.length);
  for (const q of m.questions) w.name(q.name).u16(q.type).u16(q.class);
  for (const rr of m.answers) writeRecord(w, rr);
  for (const rr of m.authorities) writeRecord(w, rr);
  for (const rr of m.additionals) writeRecord(w, rr);
  return w.done();
}

/** Reads a possibly compressed name at `offset`; returns it and the offset just past it. */
export function readName(bytes: Uint8Array, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let jumps = 0; ; ) {
    if (pos >= bytes.length) throw new WireError('name runs past the message');
    const len = bytes[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= bytes.length) throw new WireError('truncated compression pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | bytes[pos + 1]!;
      if (++jumps > 64) throw new WireError('compression pointer loop');
      continue;
    }
    if ((len & 0xc0) !== 0) throw new WireError('unsupported label type');
    if (pos + 1 + len > bytes.length) throw new WireError('label runs past the message');
    labels.push(new TextDecoder().decode(bytes.subarray(pos + 1, pos + 1 + len)).toLowerCase());
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

export function decodeMessage(bytes: Uint8Array): DecodedMessage {
  if (bytes.length < 12) throw new WireError(`message of ${bytes.length} bytes is shorter than a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = view.getUint16(0);
  const flags = view.getUint16(2);
  const counts = [view.getUint16(4), view.getUint16(6), view.getUint16(8), view.getUint16(10)] as const;
  let pos = 12;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = readName(bytes, pos);
    if (next + 4 > bytes.length) throw new WireError('truncated question');
    questions.push({ name, type: view.getUint16(next), class: view.getUint16(next + 2) });
    pos = next + 4;
  }
  const section = (count: number): DecodedRecord[] => {
    const out: DecodedRecord[] = [];
    for (let i = 0; i < count; i++) {
      const start = pos;
      const { name, next } = readName(bytes, pos);
      if (next + 10 > bytes.length) throw new WireError('truncated record header');
      const rdlength = view.getUint16(next + 8);
      const rdataStart = next + 10;
      if (rdataStart + rdlength > bytes.length) throw new WireError('truncated record data');
      out.push({
        name,
        type: view.getUint16(next),
        class: view.getUint16(next + 2),
        ttl: view.getUint32(next + 4),
        rdata: bytes.subarray(rdataStart, rdataStart + rdlength),
        start,
        end: rdataStart + rdlength,
        rdataStart,
      });
      pos = rdataStart + rdlength;
    }
    return out;
  };
  const answers = section(counts[1]);
  const authorities = section(counts[2]);
  const additionals = section(counts[3]);
  return {
    id,
    flags,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    questions,
    answers,
    authorities,
    additionals,
    bytes,
  };
}
