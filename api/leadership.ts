/**
 * Leadership between Prescient replicas, one key per module ("scorer", "dns", "failover", …): at
 * most one replica leads a key at a time, so a module that acts on the world (writes weights,
 * sends DNS updates, flips a failover) does it once. Modules receive a `Leadership` from the root
 * and never see how leases are kept (memory for one replica, Redis for several).
 */

/** The holder's id and the fencing token it got when it acquired the lease. */
export interface Lease {
  readonly holder: string;
  /** Strictly increasing across acquisitions of one key; every write carries it and a stale one is refused. */
  readonly token: number;
}

/** Lease operations on one key, as a lease store offers them. */
export interface KeyLease {
  /** True for an in-process store with no other replica: its lease cannot be lost to anyone. */
  readonly exclusive?: boolean;
  tryAcquire(holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Compare-and-set extension; false when the lease was lost. */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  release(lease: Lease): Promise<void>;
}

/** Where leases live: one independent lease per key. */
export interface LeaseStore {
  lease(key: string): KeyLease;
}

/** One module's leadership on this replica. */
export interface Leadership {
  readonly key: string;
  /** The lease while this replica leads the key. */
  current(): Lease | undefined;
  isLeader(): boolean;
  /** Change notice: true on winning the key, false on losing it. Returns an unsubscribe function. */
  onChange(listener: (leader: boolean) => void): () => void;
}

/** Hands out one `Leadership` per key, campaigning for it until stopped. */
export interface LeaderElection {
  campaign(key: string): Leadership;
}
