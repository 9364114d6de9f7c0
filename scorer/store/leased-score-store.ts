/**
 * A ScoreStore whose lease comes from a LeaseStore key (a Kubernetes Lease) and whose weights live
 * in this process: several replicas elect the one scorer through the shared lease, and each keeps
 * what it computed itself. Without a shared state store (Redis) followers have no leader's weights
 * to read, so a follower serves what it last computed itself (until the state's time-to-live), or
 * the config's static weights if it never led; with Redis, use the Redis score store instead (its
 * writes are fenced inside Redis).
 *
 * Publications are fenced locally: only the lease this store last acquired or renewed, and has not
 * lost or released, may write.
 */
import type { KeyLease, Lease } from '../../api/leadership.ts';
import { StoreError } from './errors.ts';
import { MemoryScoreStore } from './memory-score-store.ts';
import type { Publication, ScoreStore, StoredState } from './types.ts';

export class LeasedScoreStore implements ScoreStore {
  private held: Lease | undefined;
  private stateLease: Lease | undefined;
  private writer: string | undefined;
  private readonly state: MemoryScoreStore;

  constructor(
    private readonly lease: KeyLease,
    now: () => number,
  ) {
    // In-process state: nobody else writes it, so its own lease never expires.
    this.state = new MemoryScoreStore({ now, exclusive: true });
  }

  async tryAcquire(holder: string, ttlMs: number): Promise<Lease | undefined> {
    const got = await this.lease.tryAcquire(holder, ttlMs);
    if (got) this.held = got;
    return got;
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const ok = await this.lease.renew(lease, ttlMs);
    if (!ok && this.isHeld(lease)) this.held = undefined;
    return ok;
  }

  async release(lease: Lease): Promise<void> {
    if (this.isHeld(lease)) this.held = undefined;
    await this.lease.release(lease);
  }

  async publish(lease: Lease, publication: Publication): Promise<string | undefined> {
    if (!this.isHeld(lease)) throw new StoreError('STORE_FENCED', `lease ${lease.holder}#${lease.token} is no longer current; another replica leads`);
    this.stateLease ??= await this.state.tryAcquire('local', Number.MAX_SAFE_INTEGER);
    this.writer = `${lease.holder}#${lease.token}`;
    return this.state.publish(this.stateLease!, publication);
  }

  revision(): Promise<string | undefined> {
    return this.state.revision();
  }

  async read(): Promise<StoredState> {
    const s = await this.state.read();
    return s.revision === undefined || this.writer === undefined ? s : { ...s, leader: this.writer };
  }

  close(): Promise<void> {
    return this.state.close();
  }

  private isHeld(lease: Lease): boolean {
    return this.held !== undefined && this.held.holder === lease.holder && this.held.token === lease.token;
  }
}
