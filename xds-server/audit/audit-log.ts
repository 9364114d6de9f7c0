/**
 * The audit trail of automated actions (DESIGN §6, issue 10): who or what decided, on what
 * evidence, what was before and after. Append-only: entries are never changed or removed; an
 * undo is a new entry (`revertOf`). Kept in memory (the newest `maxInMemory`) and, when a file is
 * configured, appended to it as JSON lines and read back on start; when Redis is configured,
 * appended to a Redis stream (capped near 100,000 entries) that every replica writes and
 * `query` reads, so one trail covers all replicas (ids then carry the replica's prefix).
 *
 * Reverting: a module registers a reverter for its actions; `revert(id)` calls it, and the
 * reverter performs the undo in one step and returns the entry it appended for it (failover:
 * move back and hold; `weights.shift`: pin the previous shares; `scaling.decision`: scale back).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Clock } from '../../api/clock.ts';
import { CodedError } from '../../api/coded-error.ts';

export interface AuditActor {
  /** The module that acted ("failover"), or "operator". */
  readonly module: string;
  readonly replica?: string;
}

export interface AuditEntry {
  /** Increasing decimal number, unique in one log. */
  readonly id: string;
  /** Unix ms. */
  readonly at: number;
  readonly actor: AuditActor;
  /** Dotted, e.g. "failover.transition". */
  readonly action: string;
  /** What it acted on, e.g. the Service name. */
  readonly subject: string;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly before: unknown;
  readonly after: unknown;
  /** Whether `audit revert` can undo it in one step. */
  readonly revertible: boolean;
  /** The entry this one undid. */
  readonly revertOf?: string;
}

export type AuditDraft = Omit<AuditEntry, 'id' | 'at'>;

/** Undoes one entry in one step and returns the entry it appended for the undo. */
export type Reverter = (entry: AuditEntry) => AuditEntry | Promise<AuditEntry>;

export class AuditError extends CodedError<'PRESCIENT_AUDIT_UNKNOWN' | 'PRESCIENT_AUDIT_NOT_REVERTIBLE' | 'PRESCIENT_AUDIT_REVERT_FAILED'> {}

export interface AuditLogOptions {
  /** JSON-lines file; memory only when unset. */
  file?: string;
  clock: Clock;
  /** Default 10,000. */
  maxInMemory?: number;
  /** A Redis stream shared by the replicas; `idPrefix` keeps their ids apart. */
  redis?: { client: Redis; key?: string };
  /** Prefix of the ids this log hands out (e.g. the replica's), default none. */
  idPrefix?: string;
}

export const AUDIT_STREAM_KEY = 'prescient:audit';
const STREAM_MAX_LEN = 100_000;

export class AuditLog {
  private entries: AuditEntry[] = [];
  private next = 1;
  private writing: Promise<void> = Promise.resolve();
  private readonly reverters = new Map<string, Reverter>();
  private readonly max: number;
  writeErrors = 0;

  constructor(private readonly options: AuditLogOptions) {
    this.max = options.maxInMemory ?? 10_000;
  }

  /** Reads an existing file (or the Redis stream) so ids continue and `list` shows earlier entries. */
  async open(): Promise<void> {
    const redis = this.options.redis;
    if (redis) {
      try {
        for (const e of await this.readStream(this.max)) {
          this.remember(e);
          const own = this.ownNumber(e.id);
          if (own !== undefined) this.next = Math.max(this.next, own + 1);
        }
      } catch {
        // Redis not reachable yet: this replica starts its ids after the time instead.
        this.next = Math.max(this.next, this.options.clock.now());
      }
    }
    if (!this.options.file) return;
    await fs.mkdir(path.dirname(this.options.file), { recursive: true });
    const text = await fs.readFile(this.options.file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? '' : Promise.reject(err)));
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as AuditEntry;
        if (!redis) this.remember(e);
        const own = this.ownNumber(e.id);
        if (own !== undefined) this.next = Math.max(this.next, own + 1);
      } catch {
        // A torn last line (crash mid-write) is skipped; every complete line is kept.
      }
    }
  }

  append(draft: AuditDraft): AuditEntry {
    const entry: AuditEntry = { id: `${this.options.idPrefix ?? ''}${this.next++}`, at: this.options.clock.now(), ...draft };
    this.remember(entry);
    const file = this.options.file;
    if (file) {
      this.writing = this.writing.then(() => fs.appendFile(file, `${JSON.stringify(entry)}\n`)).catch(() => {
        this.writeErrors++;
      });
    }
    const redis = this.options.redis;
    if (redis) {
      this.writing = this.writing
        .then(() => redis.client.xadd(redis.key ?? AUDIT_STREAM_KEY, 'MAXLEN', '~', STREAM_MAX_LEN, '*', 'entry', JSON.stringify(entry)))
        .then(() => undefined)
        .catch(() => {
          this.writeErrors++;
        });
    }
    return entry;
  }

  /** Oldest first; `limit` keeps the newest. */
  list(filter: { subject?: string; action?: string; limit?: number } = {}): AuditEntry[] {
    const hits = this.entries.filter((e) => (filter.subject === undefined || e.subject === filter.subject) && (filter.action === undefined || e.action.startsWith(filter.action)));
    return filter.limit === undefined ? hits : hits.slice(-filter.limit);
  }

  /**
   * Like `list`, over every replica's entries when Redis is configured (this replica's own in
   * memory when Redis cannot be read), oldest first.
   */
  async query(filter: { subject?: string; action?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    if (!this.options.redis) return this.list(filter);
    let entries: AuditEntry[];
    try {
      await this.writing;
      entries = await this.readStream(this.max);
    } catch {
      return this.list(filter);
    }
    const hits = entries.filter((e) => (filter.subject === undefined || e.subject === filter.subject) && (filter.action === undefined || e.action.startsWith(filter.action)));
    return filter.limit === undefined ? hits : hits.slice(-filter.limit);
  }

  get(id: string): AuditEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Registers the undo of actions starting with `actionPrefix`. */
  onRevert(actionPrefix: string, reverter: Reverter): void {
    this.reverters.set(actionPrefix, reverter);
  }

  /**
   * Undoes entry `id` — this replica's, or with Redis any replica's (failover and scaling state is
   * shared or armed on every replica, so the undo can run here; a weight pin stays on this one).
   */
  async revert(id: string): Promise<AuditEntry> {
    const entry = this.get(id) ?? (this.options.redis ? (await this.query()).find((e) => e.id === id) : undefined);
    if (!entry) throw new AuditError('PRESCIENT_AUDIT_UNKNOWN', `no audit entry ${id}; \`prescient audit list\` shows the ids`);
    const reverter = [...this.reverters].find(([prefix]) => entry.action.startsWith(prefix))?.[1];
    if (!entry.revertible || !reverter) throw new AuditError('PRESCIENT_AUDIT_NOT_REVERTIBLE', `audit entry ${id} (${entry.action}) cannot be undone in one step`);
    return reverter(entry);
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  /** The newest `count` stream entries, oldest first. */
  private async readStream(count: number): Promise<AuditEntry[]> {
    const redis = this.options.redis!;
    const rows = await redis.client.xrevrange(redis.key ?? AUDIT_STREAM_KEY, '+', '-', 'COUNT', count);
    const out: AuditEntry[] = [];
    for (const [, fields] of rows.reverse()) {
      const i = fields.indexOf('entry');
      if (i < 0) continue;
      try {
        out.push(JSON.parse(fields[i + 1]!) as AuditEntry);
      } catch {
        // Not ours or damaged: skipped.
      }
    }
    return out;
  }

  /** The number in one of this log's own ids, undefined for other replicas' ids. */
  private ownNumber(id: string): number | undefined {
    const prefix = this.options.idPrefix ?? '';
    if (!id.startsWith(prefix)) return undefined;
    const n = Number(id.slice(prefix.length));
    return Number.isInteger(n) ? n : undefined;
  }

  private remember(e: AuditEntry): void {
    this.entries.push(e);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }
}
