/**
 * Leases per key in this process (the embedded default, one replica): the same semantics as the
 * Redis lease store — expiry on the injected clock, a fencing token that only grows per key.
 */
import type { KeyLease, Lease, LeaseStore } from '../../api/leadership.ts';

interface Held {
  holder: string;
  token: number;
  expiresAt: number;
}

export class MemoryLeaseStore implements LeaseStore {
  private readonly held = new Map<string, Held>();
  private readonly fences = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  lease(key: string): KeyLease {
    const live = (): Held | undefined => {
      const h = this.held.get(key);
      if (h && h.expiresAt <= this.now()) this.held.delete(key);
      return this.held.get(key);
    };
    const isCurrent = (l: Lease) => {
      const h = live();
      return h !== undefined && h.holder === l.holder && h.token === l.token;
    };
    return {
      tryAcquire: async (holder, ttlMs) => {
        if (live()) return undefined;
        const token = (this.fences.get(key) ?? 0) + 1;
        this.fences.set(key, token);
        this.held.set(key, { holder, token, expiresAt: this.now() + ttlMs });
        return { holder, token };
      },
      renew: async (l, ttlMs) => {
        if (!isCurrent(l)) return false;
        this.held.get(key)!.expiresAt = this.now() + ttlMs;
        return true;
      },
      release: async (l) => {
        if (isCurrent(l)) this.held.delete(key);
      },
    };
  }
}
