/**
 * The minimal difference between the record sets on the server and the desired ones, and the
 * UPDATE that applies it. Pure.
 *
 * Each changed set carries a prerequisite that the server still holds exactly what this writer
 * last saw (or nothing), so a concurrent writer or a server restored from an old copy makes the
 * update fail as a whole (NXRRSET/YXRRSET) instead of being silently merged. Unchanged records are
 * not touched: only removed records are deleted (class NONE) and only new ones added; a TTL change
 * replaces the set (class ANY delete + adds, atomically in one message).
 */
import { recordKey, type RecordSet } from './record-data.ts';
import type { Prerequisite, UpdateOperation, UpdateRequest } from './update-message.ts';

export interface RecordSetChange {
  readonly key: string;
  /** What the server holds now (no records: absent). */
  readonly before: RecordSet;
  /** What it should hold (no records: delete the set). */
  readonly after: RecordSet;
}

/**
 * Same TTL and records; SRV records also count as the same when only their weights moved, each by
 * less than `srvWeightTolerance` points (weights are 1..100 shares and the scorer's move all the time).
 */
export function equivalentSets(a: RecordSet, b: RecordSet, srvWeightTolerance = 0): boolean {
  if (a.records.length !== b.records.length) return false;
  if (a.records.length === 0) return true;
  if (a.ttl !== b.ttl) return false;
  const keyOf = (r: RecordSet['records'][number]) => (r.type === 'SRV' ? `SRV ${r.priority} ${r.port} ${r.target}` : recordKey(r));
  const weights = new Map(a.records.map((r) => [keyOf(r), r.type === 'SRV' ? r.weight : 0]));
  for (const r of b.records) {
    const w = weights.get(keyOf(r));
    if (w === undefined) return false;
    if (r.type === 'SRV' && Math.abs(r.weight - w) >= Math.max(1, srvWeightTolerance)) return false;
  }
  return true;
}

export function diffRecordSets(
  published: ReadonlyMap<string, RecordSet>,
  desired: ReadonlyMap<string, RecordSet>,
  srvWeightTolerance = 0,
): RecordSetChange[] {
  const changes: RecordSetChange[] = [];
  for (const [key, after] of desired) {
    const before = published.get(key) ?? { ...after, records: [] };
    if (!equivalentSets(before, after, srvWeightTolerance)) changes.push({ key, before, after });
  }
  for (const [key, before] of published) {
    if (!desired.has(key) && before.records.length > 0) changes.push({ key, before, after: { ...before, records: [] } });
  }
  return changes.sort((x, y) => (x.key < y.key ? -1 : 1));
}

export function updateRequest(zone: string, changes: readonly RecordSetChange[]): UpdateRequest {
  const prerequisites: Prerequisite[] = [];
  const operations: UpdateOperation[] = [];
  for (const { before, after } of changes) {
    prerequisites.push(
      before.records.length ? { kind: 'rrset-equals', set: before } : { kind: 'rrset-absent', name: before.name, type: before.type },
    );
    if (after.records.length === 0) {
      operations.push({ kind: 'delete-rrset', name: before.name, type: before.type });
      continue;
    }
    if (before.records.length && before.ttl !== after.ttl) {
      operations.push({ kind: 'delete-rrset', name: before.name, type: before.type });
      for (const record of after.records) operations.push({ kind: 'add', name: after.name, ttl: after.ttl, record });
      continue;
    }
    const old = new Set(before.records.map(recordKey));
    const next = new Set(after.records.map(recordKey));
    for (const record of before.records) if (!next.has(recordKey(record))) operations.push({ kind: 'delete-record', name: before.name, record });
    for (const record of after.records) if (!old.has(recordKey(record))) operations.push({ kind: 'add', name: after.name, ttl: after.ttl, record });
  }
  return { zone, prerequisites, operations };
}
