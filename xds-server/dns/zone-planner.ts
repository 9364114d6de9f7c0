/**
 * Turns the mesh's endpoint state into the next UPDATE for one zone: for every published name,
 * choose endpoints (endpoint-selection), derive record sets (desired-records), compare with what
 * the server holds (record-diff), and let the pacer hold back names that changed too recently.
 * Pure: the published state and the time are passed in; the caller applies the plan.
 */
import { desiredRecordSets, generatedTarget, srvOwner, type PublishTarget } from './desired-records.ts';
import {
  selectEndpoints,
  type CandidateEndpoint,
  type DegradationThresholds,
  type Selection,
  type SelectionLimits,
} from './endpoint-selection.ts';
import { diffRecordSets, updateRequest, type RecordSetChange } from './record-diff.ts';
import type { RecordSet } from './record-data.ts';
import type { UpdatePacer } from './update-pacer.ts';
import type { UpdateRequest } from './update-message.ts';
import { normalizeName } from './wire.ts';

export interface PublishRule {
  readonly service: string;
  readonly target: PublishTarget;
  readonly limits: SelectionLimits;
}

export interface ZoneSettings {
  readonly zone: string;
  readonly ttlSeconds: number;
  readonly thresholds: DegradationThresholds;
  /** SRV weight moves below this many points (of 100) are not published. */
  readonly srvWeightTolerance: number;
  readonly publish: readonly PublishRule[];
}

/** Endpoint state per service, as the mesh model has it; undefined for an unknown service. */
export type EndpointView = (service: string) => readonly CandidateEndpoint[] | undefined;

/** Per published name: the record sets the server holds (as last read or written). */
export type PublishedState = ReadonlyMap<string, ReadonlyMap<string, RecordSet>>;

export interface TargetPlan {
  readonly name: string;
  readonly service: string;
  readonly selection: Selection;
  readonly changes: readonly RecordSetChange[];
  /** Unix ms the pacer lets this name change; ≤ now when it goes in this plan's request. */
  readonly dueAt: number;
}

export interface ZonePlan {
  /** Every published name whose service has endpoints; `changes` empty when it is up to date. */
  readonly targets: readonly TargetPlan[];
  /** The changes of every due name in one message; undefined when nothing is due. */
  readonly request?: UpdateRequest;
  /** Names whose changes are in `request`. */
  readonly sending: readonly string[];
  /** Earliest Unix ms a held-back change becomes due; undefined when none waits. */
  readonly nextAt?: number;
}

/** Endpoints the server's records point at now (they get the lenient side of the thresholds). */
export function publishedEndpoints(target: PublishTarget, sets: ReadonlyMap<string, RecordSet> | undefined, candidates: readonly CandidateEndpoint[]): Set<string> {
  const out = new Set<string>();
  if (!sets) return out;
  const addresses = new Set<string>();
  const srv = new Set<string>();
  for (const set of sets.values()) {
    for (const r of set.records) {
      if (r.type === 'SRV') srv.add(`${normalizeName(r.target)}:${r.port}`);
      else if (set.name === normalizeName(target.name)) addresses.add(r.address);
    }
  }
  for (const c of candidates) {
    if (addresses.has(c.address)) out.add(c.key);
    else if (srvOwner(target)) {
      const name = c.hostname ? normalizeName(c.hostname) : safeTarget(c.address, target.name);
      if (name && srv.has(`${name}:${c.port}`)) out.add(c.key);
    }
  }
  return out;
}

function safeTarget(address: string, name: string): string | undefined {
  try {
    return generatedTarget(address, name);
  } catch {
    return undefined;
  }
}

export function planZone(settings: ZoneSettings, view: EndpointView, published: PublishedState, pacer: UpdatePacer, now: number): ZonePlan {
  const targets: TargetPlan[] = [];
  for (const rule of settings.publish) {
    const candidates = view(rule.service);
    // No endpoints known (service missing or empty): leave the records as they are rather than empty them.
    if (!candidates || candidates.length === 0) continue;
    const name = normalizeName(rule.target.name);
    const sets = published.get(name);
    const selection = selectEndpoints(candidates, publishedEndpoints(rule.target, sets, candidates), rule.limits, settings.thresholds);
    const desired = desiredRecordSets(rule.target, selection.selected, settings.ttlSeconds);
    const changes = diffRecordSets(sets ?? new Map(), desired, settings.srvWeightTolerance);
    targets.push({ name, service: rule.service, selection, changes, dueAt: pacer.nameDueAt(name) });
  }
  const changed = targets.filter((t) => t.changes.length > 0);
  const zoneDue = changed.length ? pacer.zoneDueAt(now) : now;
  const due = zoneDue <= now ? changed.filter((t) => t.dueAt <= now) : [];
  const waiting = changed.filter((t) => !due.includes(t)).map((t) => Math.max(t.dueAt, zoneDue));
  return {
    targets,
    ...(due.length ? { request: updateRequest(settings.zone, due.flatMap((t) => t.changes)) } : {}),
    sending: due.map((t) => t.name),
    ...(waiting.length ? { nextAt: Math.min(...waiting) } : {}),
  };
}
