/**
 * RFC 2136 UPDATE messages: a zone, prerequisites that must hold on the server for the update to
 * apply (so two writers cannot clobber each other: each states the record set it believes is
 * there), and the changes. The server applies all changes or none.
 */
import { encodeRdata, typeCode, type RecordData, type RecordSet, type RecordType } from './record-data.ts';
import { OPCODE, RR_CLASS, RR_TYPE, encodeMessage, headerFlags, type Message, type ResourceRecord } from './wire.ts';

const EMPTY = new Uint8Array(0);

/** RFC 2136 §2.4. */
export type Prerequisite =
  /** The record set holds exactly these records (value-dependent: compares every RDATA). */
  | { readonly kind: 'rrset-equals'; readonly set: RecordSet }
  /** No record of this name and type exists. */
  | { readonly kind: 'rrset-absent'; readonly name: string; readonly type: RecordType };

/** RFC 2136 §2.5. */
export type UpdateOperation =
  | { readonly kind: 'add'; readonly name: string; readonly ttl: number; readonly record: RecordData }
  | { readonly kind: 'delete-record'; readonly name: string; readonly record: RecordData }
  | { readonly kind: 'delete-rrset'; readonly name: string; readonly type: RecordType };

export interface UpdateRequest {
  readonly zone: string;
  readonly prerequisites: readonly Prerequisite[];
  readonly operations: readonly UpdateOperation[];
}

export function prerequisiteRecords(p: Prerequisite): ResourceRecord[] {
  switch (p.kind) {
    case 'rrset-equals':
      // An empty set cannot be "equal": say absent instead (RFC 2136 has no empty RRset).
      if (p.set.records.length === 0) return prerequisiteRecords({ kind: 'rrset-absent', name: p.set.name, type: p.set.type });
      return p.set.records.map((r) => ({ name: p.set.name, type: typeCode(r.type), class: RR_CLASS.IN, ttl: 0, rdata: encodeRdata(r) }));
    case 'rrset-absent':
      return [{ name: p.name, type: typeCode(p.type), class: RR_CLASS.NONE, ttl: 0, rdata: EMPTY }];
  }
}

export function operationRecord(op: UpdateOperation): ResourceRecord {
  switch (op.kind) {
    case 'add':
      return { name: op.name, type: typeCode(op.record.type), class: RR_CLASS.IN, ttl: op.ttl, rdata: encodeRdata(op.record) };
    case 'delete-record':
      return { name: op.name, type: typeCode(op.record.type), class: RR_CLASS.NONE, ttl: 0, rdata: encodeRdata(op.record) };
    case 'delete-rrset':
      return { name: op.name, type: typeCode(op.type), class: RR_CLASS.ANY, ttl: 0, rdata: EMPTY };
  }
}

/** The unsigned message; sign it with `signMessage` before sending. */
export function encodeUpdate(id: number, req: UpdateRequest): Uint8Array {
  const message: Message = {
    id,
    flags: headerFlags(OPCODE.UPDATE),
    questions: [{ name: req.zone, type: RR_TYPE.SOA, class: RR_CLASS.IN }],
    answers: req.prerequisites.flatMap(prerequisiteRecords),
    authorities: req.operations.map(operationRecord),
    additionals: [],
  };
  return encodeMessage(message);
}

/** A standard query without recursion: asks the authoritative server itself. */
export function encodeQuery(id: number, name: string, type: RecordType | 'SOA'): Uint8Array {
  const code = type === 'SOA' ? RR_TYPE.SOA : typeCode(type);
  return encodeMessage({ id, flags: headerFlags(OPCODE.QUERY), questions: [{ name, type: code, class: RR_CLASS.IN }], answers: [], authorities: [], additionals: [] });
}
