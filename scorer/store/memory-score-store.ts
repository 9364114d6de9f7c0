/**
 * In-process ScoreStore: the embedded default when no REDIS_URL is configured. Same semantics as
 * the Redis store (lease with expiry on the injected clock, fencing tokens, TTL on the state), so
 * several scorer loops in one process (tests, the sandbox) behave like replicas.
 */
import { randomUUID } from 'node:crypto';
import { StoreError } from './errors.ts';
import type { Lease, Publication, ScoreStore, ServiceRecord, StoredState } from './types.ts';

export interface MemoryScoreStoreOptions {
  /** Unix ms; injected for tests. */
  now?: () => number;
  /** How long published state lives without being refreshed by a leader. */
  ttlMs?: number;
  /**
   * One scorer in one process (`prescient serve` without Redis): the lease never expires while
   * held, so a long stall (a huge reload, a GC pause) is never reported as a lost lease. Leave
   * unset where several loops share the store as replicas (tests, the sandbox).
   */
  exclusive?: boolean;
}

export class MemoryScoreStore implements ScoreStore {
  private readonly now: () => number;
  private readonly ttlMs: number;
  readonly exclusive: boolean;
  private fence = 0;
  private lease: { holder: string; token: number; expiresAt: number } | undefined;
  private state: { revision: string; modelVersion?: string; leader: string; services: Map<string, ServiceRecord>; expiresAt: number } | undefined;

  constructor(opts: MemoryScoreStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.exclusive = opts.exclusive ?? false;
  }

  private liveLease() {
    if (this.lease && !this.exclusive && this.lease.expiresAt <= this.now()) this.lease = undefined;
    return this.lease;
  }

  private liveState() {
    if (this.state && this.state.expiresAt <= this.now()) this.state = undefined;
    return this.state;
  }

  private isCurrent(lease: Lease): boolean {
    const l = this.liveLease();
    return l !== undefined && l.holder === lease.holder && l.token === lease.token && this.fence === lease.token;
  }

  async tryAcquire(holder: string, ttlMs: number): Promise<Lease | undefined> {
    if (this.liveLease()) return undefined;
    const token = ++this.fence;
    this.lease = { holder, token, expiresAt: this.now() + ttlMs };
    return { holder, token };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    if (!this.isCurrent(lease)) return false;
    this.lease!.expiresAt = this.now() + ttlMs;
    return true;
  }

  async release(lease: Lease): Promise<void> {
    if (this.isCurrent(lease)) this.lease = undefined;
  }

  async publish(lease: Lease, p: Publication): Promise<string | undefined> {
    if (!this.isCurrent(lease)) {
      throw new StoreError('STORE_FENCED', `lease ${lease.holder}#${lease.token} is no longer current; another replica leads`);
    }
    const leader = `${lease.holder}#${lease.token}`;
    const expiresAt = this.now() + this.ttlMs;
    const prev = this.liveState();
    const changed = p.upserts.length > 0 || p.removals.length > 0 || p.modelVersion !== prev?.modelVersion || !prev;
    const services = new Map(prev?.services);
    for (const r of p.upserts) services.set(r.weights.service, r);
    for (const s of p.removals) services.delete(s);
    this.state = {
      revision: changed ? randomUUID() : prev!.revision,
      leader,
      services,
      expiresAt,
      ...(p.modelVersion !== undefined ? { modelVersion: p.modelVersion } : {}),
    };
    return this.state.revision;
  }

  async revision(): Promise<string | undefined> {
    return this.liveState()?.revision;
  }

  async read(): Promise<StoredState> {
    const s = this.liveState();
    if (!s) return { revision: undefined, services: new Map() };
    return { revision: s.revision, leader: s.leader, services: new Map(s.services), ...(s.modelVersion !== undefined ? { modelVersion: s.modelVersion } : {}) };
  }

  async close(): Promise<void> {}
}
