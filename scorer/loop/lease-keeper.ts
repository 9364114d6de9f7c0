/**
 * Keeps (or tries to win) one lease (the scorer's, or a module's key). A replica considers itself leader only while its
 * last successful acquire/renew is younger than the lease time minus a safety margin, so when the
 * store is unreachable it steps down before anyone else can have taken over. Renewal is a
 * compare-and-set, so a lease that expired and went to someone else is never extended.
 */
import { isFenced, StoreError } from '../store/errors.ts';
import type { KeyLease, Lease } from '../../api/leadership.ts';
import type { ScorerMetrics } from '../metrics.ts';
import type { ScorerLogger } from './logger.ts';

export interface LeaseKeeperOptions {
  /** The lease operations of one key (a ScoreStore's own lease, or a LeaseStore's key). */
  readonly store: KeyLease;
  /** What the lease is for, in log lines; default "scoring". */
  readonly name?: string;
  readonly holder: string;
  readonly leaseTtlMs: number;
  readonly now: () => number;
  readonly logger: ScorerLogger;
  /** Called with true on winning the lease and false on losing it. */
  readonly onChange: (leader: boolean) => void;
  /** The scorer's metrics (leader gauge, store errors); other keys report none. */
  readonly metrics?: ScorerMetrics;
}

export class LeaseKeeper {
  private lease: Lease | undefined;
  private validUntil = 0;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: LeaseKeeperOptions) {}

  /** The lease, while this replica may act as leader. */
  current(): Lease | undefined {
    // An exclusive (in-process) store cannot be unreachable and nobody else can take over.
    if (this.lease && !this.o.store.exclusive && this.o.now() >= this.validUntil) this.lose('expired locally (store unreachable?)');
    return this.lease;
  }

  /** How often `step` should run: often enough that a renew never misses the lease time. */
  get periodMs(): number {
    return Math.max(10, Math.floor(this.o.leaseTtlMs / 3));
  }

  /** Renews when due, or tries to acquire. Serialised: concurrent calls run one after another. */
  step(force = false): Promise<void> {
    this.chain = this.chain.then(() => this.run(force));
    return this.chain;
  }

  /** Marks the lease lost (a write was fenced). */
  fenced(): void {
    this.lose('fenced by a newer leader');
  }

  /** Gives the lease up; waits for a step in flight first, so an acquire cannot land after it. */
  async release(): Promise<void> {
    await this.chain;
    const lease = this.lease;
    this.lose('released');
    if (lease) await this.o.store.release(lease).catch(() => undefined);
  }

  private async run(force: boolean): Promise<void> {
    const now = this.o.now();
    if (!force && now - this.lastAttempt < this.periodMs) return;
    this.lastAttempt = now;
    const ttl = this.o.leaseTtlMs;
    try {
      if (this.current()) {
        if (await this.o.store.renew(this.lease!, ttl)) this.validUntil = now + ttl - this.margin();
        else this.lose('renew refused: the lease expired or another replica holds it');
        return;
      }
      const lease = await this.o.store.tryAcquire(this.o.holder, ttl);
      if (lease) {
        this.lease = lease;
        this.validUntil = now + ttl - this.margin();
        this.o.metrics?.scorerMetrics.leader.set(1);
        this.o.logger.info({ holder: lease.holder, token: lease.token }, `${this.o.name ?? 'scoring'} lease acquired: this replica leads`);
        this.o.onChange(true);
      }
    } catch (err) {
      this.o.metrics?.scorerMetrics.storeErrors.inc({ code: err instanceof StoreError ? err.code : 'UNKNOWN' });
      if (isFenced(err)) this.lose('fenced');
      else this.o.logger.warn({ err: (err as Error).message }, 'score store unreachable; keeping the lease until it would expire');
    }
  }

  /** Steps down a little before the store would let the lease expire (clock drift, latency). */
  private margin(): number {
    return Math.min(this.o.leaseTtlMs / 5, 1000);
  }

  private lose(reason: string): void {
    if (!this.lease) return;
    const name = this.o.name ?? 'scoring';
    // Handing the lease over on a clean stop is routine; losing it otherwise deserves a warning.
    if (reason === 'released') this.o.logger.info({ token: this.lease.token }, `${name} lease released`);
    else this.o.logger.warn({ token: this.lease.token, reason }, `${name} lease lost: following`);
    this.lease = undefined;
    this.o.metrics?.scorerMetrics.leader.set(0);
    this.o.onChange(false);
  }
}
