/**
 * Keeps one zone on one authoritative server in step with the endpoint state: the stateful side
 * of the planner. It remembers what the server holds (read from it at the start and after every
 * conflict, then kept by applying its own updates), sends one UPDATE per sync when something is
 * due, and backs off after failures. A server that was down gets the whole difference once it
 * answers; a server that lost or changed records fails the prerequisites, is read again, and gets
 * the difference against what it really holds.
 */
import { DnsTransportError, type DnsClient } from './dns-client.ts';
import { srvOwner } from './desired-records.ts';
import type { DnsMetrics, UpdateOutcome } from './metrics.ts';
import { formatRecord, type RecordSet, type RecordType } from './record-data.ts';
import { UpdatePacer } from './update-pacer.ts';
import { readRecordSet, sendUpdate, DnsAnswerError } from './zone-operations.ts';
import { planZone, type EndpointView, type ZoneSettings } from './zone-planner.ts';
import { normalizeName } from './wire.ts';

export interface ZoneWriterOptions {
  /** DnsZone document name (metric label, status key). */
  readonly id: string;
  readonly settings: ZoneSettings;
  readonly client: DnsClient;
  readonly hysteresisMs: number;
  readonly maxUpdatesPerMinute: number;
  readonly metrics?: DnsMetrics;
  /**
   * Read the zone again this often even without a conflict, so records lost on the server (a
   * restore from an old zone file) come back with no endpoint change. Default 30 s.
   */
  readonly rereadMs?: number;
  /** After a failure, wait this long before the next attempt, doubling up to 32×. Default 500 ms. */
  readonly retryMs?: number;
}

export interface ZoneError {
  readonly code: string;
  readonly message: string;
  /** Unix ms. */
  readonly at: number;
}

export interface ZoneStatus {
  readonly zone: string;
  readonly server: string;
  /** Per published name: its records as the server holds them (dig-style lines). */
  readonly records: Readonly<Record<string, readonly string[]>>;
  /** Names whose change waits for hysteresis or the rate limit. */
  readonly pending: readonly string[];
  readonly updates: number;
  readonly failures: number;
  readonly lastUpdateAt?: number;
  readonly lastError?: ZoneError;
  /** Endpoints kept although degraded, so that no name is left empty ("name: endpoint"). */
  readonly keptDegraded: readonly string[];
}

export interface SyncResult {
  /** Unix ms of the next sync this writer wants (held-back change, retry); undefined: on change only. */
  readonly nextAt?: number;
}

const ERROR_CODES: Record<Exclude<UpdateOutcome, 'applied'>, string> = {
  conflict: 'PRESCIENT_DNS_CONFLICT',
  refused: 'PRESCIENT_DNS_REFUSED',
  unverified: 'PRESCIENT_DNS_TSIG',
  unreachable: 'PRESCIENT_DNS_UNREACHABLE',
};

export class ZoneWriter {
  private readonly pacer: UpdatePacer;
  private published = new Map<string, Map<string, RecordSet>>();
  private synced = false;
  private readAt = 0;
  private failuresInRow = 0;
  private retryAt = 0;
  private updates = 0;
  private failures = 0;
  private lastUpdateAt: number | undefined;
  private lastError: ZoneError | undefined;
  private pending: string[] = [];
  private keptDegraded: string[] = [];
  /** Per name: when a sync first saw it differ (for the publish-delay metric). */
  private readonly differingSince = new Map<string, number>();

  constructor(private readonly o: ZoneWriterOptions) {
    this.pacer = new UpdatePacer({ hysteresisMs: o.hysteresisMs, maxUpdatesPerMinute: o.maxUpdatesPerMinute });
  }

  get settings(): ZoneSettings {
    return this.o.settings;
  }

  /** Forget what the server holds: the next sync reads it again (e.g. on becoming the writer). */
  resync(): void {
    this.synced = false;
  }

  async sync(view: EndpointView, now: number): Promise<SyncResult> {
    if (now < this.retryAt) return { nextAt: this.retryAt };
    try {
      if (!this.synced || now - this.readAt >= (this.o.rereadMs ?? 30_000)) {
        await this.readServer();
        this.readAt = now;
      }
      this.synced = true;
      const plan = planZone(this.o.settings, view, this.published, this.pacer, now);
      const changed = plan.targets.filter((t) => t.changes.length > 0);
      this.pending = changed.filter((t) => !plan.sending.includes(t.name)).map((t) => t.name);
      this.keptDegraded = plan.targets.flatMap((t) => t.selection.keptDegraded.map((k) => `${t.name}: ${k}`));
      for (const t of changed) if (!this.differingSince.has(t.name)) this.differingSince.set(t.name, now);
      if (!plan.request) return plan.nextAt === undefined ? {} : { nextAt: plan.nextAt };
      this.pacer.noteSent(now);
      const outcome = await sendUpdate(this.o.client, plan.request);
      if (outcome.kind !== 'applied') {
        const detail = outcome.kind === 'conflict' ? `the server's records are not what this writer last saw (${outcome.rcode}); reading them again` : outcome.detail;
        if (outcome.kind === 'conflict') this.synced = false;
        return this.failed(outcome.kind, detail, now, outcome.kind === 'conflict');
      }
      for (const t of plan.targets.filter((t) => plan.sending.includes(t.name))) {
        const sets = this.published.get(t.name) ?? new Map<string, RecordSet>();
        for (const c of t.changes) {
          if (c.after.records.length) sets.set(c.key, c.after);
          else sets.delete(c.key);
        }
        this.published.set(t.name, sets);
        this.pacer.noteChanged(t.name, now);
        const since = this.differingSince.get(t.name);
        if (since !== undefined) this.o.metrics?.publishDelay.observe({ zone: this.o.id }, (now - since) / 1000);
        this.differingSince.delete(t.name);
      }
      this.updates++;
      this.lastUpdateAt = now;
      this.failuresInRow = 0;
      this.o.metrics?.updates.inc({ zone: this.o.id, outcome: 'applied' });
      this.recordGauges();
      return plan.nextAt === undefined ? {} : { nextAt: plan.nextAt };
    } catch (err) {
      if (err instanceof DnsTransportError) return this.failed('unreachable', err.message, now);
      if (err instanceof DnsAnswerError) return this.failed(err.code === 'PRESCIENT_DNS_TSIG' ? 'unverified' : 'refused', err.message, now);
      throw err;
    }
  }

  private failed(outcome: Exclude<UpdateOutcome, 'applied'>, message: string, now: number, retryNow = false): SyncResult {
    this.failures++;
    this.failuresInRow++;
    this.lastError = { code: ERROR_CODES[outcome], message, at: now };
    this.o.metrics?.updates.inc({ zone: this.o.id, outcome });
    // A conflict is retried at once (after re-reading); anything else backs off.
    const base = this.o.retryMs ?? 500;
    const wait = retryNow && this.failuresInRow <= 2 ? 0 : base * 2 ** Math.min(this.failuresInRow - 1, 5);
    this.retryAt = now + wait;
    return { nextAt: this.retryAt };
  }

  /** Reads every record set the publish rules own, SRV targets Prescient generated included. */
  private async readServer(): Promise<void> {
    const next = new Map<string, Map<string, RecordSet>>();
    for (const rule of this.o.settings.publish) {
      const name = normalizeName(rule.target.name);
      const sets = new Map<string, RecordSet>();
      const read = async (owner: string, type: RecordType) => {
        const set = await readRecordSet(this.o.client, owner, type);
        if (set.records.length) sets.set(`${set.name} ${type}`, set);
      };
      if (rule.target.addresses) {
        await read(name, 'A');
        await read(name, 'AAAA');
      }
      const owner = srvOwner(rule.target);
      if (owner) {
        await read(owner, 'SRV');
        const targets = new Set<string>();
        for (const r of sets.get(`${owner} SRV`)?.records ?? []) if (r.type === 'SRV' && /^ip[46]-/.test(r.target) && r.target.endsWith(`.${name}`)) targets.add(r.target);
        for (const t of targets) await read(t, t.startsWith('ip4-') ? 'A' : 'AAAA');
      }
      next.set(name, sets);
    }
    this.published = next;
    this.recordGauges();
  }

  private recordGauges(): void {
    if (!this.o.metrics) return;
    for (const [name, sets] of this.published) {
      const count = [...sets.values()].filter((s) => s.name === name || s.type === 'SRV').reduce((n, s) => n + s.records.length, 0);
      this.o.metrics.records.set({ zone: this.o.id, name }, count);
    }
  }

  status(): ZoneStatus {
    const records: Record<string, string[]> = {};
    for (const [name, sets] of this.published) {
      records[name] = [...sets.values()].flatMap((s) => s.records.map((r) => formatRecord(s.name, s.ttl, r))).sort();
    }
    const c = this.o.client.server;
    return {
      zone: this.o.settings.zone,
      server: `${c.address}:${c.port}`,
      records,
      pending: this.pending,
      updates: this.updates,
      failures: this.failures,
      ...(this.lastUpdateAt !== undefined ? { lastUpdateAt: this.lastUpdateAt } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      keptDegraded: this.keptDegraded,
    };
  }
}
