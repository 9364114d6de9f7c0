/**
 * Leases per key on Redis, for several replicas: the score store's lease scripts (SET NX PX with a
 * fencing token from INCR; compare-and-set renew and release) on keys of their own,
 * `<prefix>{lease:<key>}:lease` and `…:fence` (one hash tag per key, so each pair sits in one
 * Redis Cluster slot). The scorer keeps its own lease inside the score store, where its writes are
 * fenced in the same script.
 */
import type { Redis } from 'ioredis';
import type { KeyLease, Lease, LeaseStore } from '../../api/leadership.ts';
import { StoreError } from './errors.ts';
import { DEFAULT_KEY_PREFIX } from './redis-keys.ts';
import { ACQUIRE, RELEASE, RENEW } from './redis-scripts.ts';

const leaseValue = (l: Lease) => `${l.holder}#${l.token}`;

export class RedisLeaseStore implements LeaseStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string = DEFAULT_KEY_PREFIX,
  ) {}

  lease(key: string): KeyLease {
    const lease = `${this.prefix}{lease:${key}}:lease`;
    const fence = `${this.prefix}{lease:${key}}:fence`;
    const run = async <T>(op: string, f: () => Promise<T>): Promise<T> => {
      try {
        return await f();
      } catch (err) {
        throw new StoreError('STORE_UNAVAILABLE', `lease ${key}: ${op} failed: ${(err as Error).message}`, { cause: err });
      }
    };
    return {
      tryAcquire: (holder, ttlMs) =>
        run('acquire', async () => {
          const token = (await this.client.eval(ACQUIRE, 2, lease, fence, holder, ttlMs)) as number | null;
          return token === null ? undefined : { holder, token: Number(token) };
        }),
      renew: (l, ttlMs) => run('renew', async () => (await this.client.eval(RENEW, 1, lease, leaseValue(l), ttlMs)) === 1),
      release: (l) =>
        run('release', async () => {
          await this.client.eval(RELEASE, 1, lease, leaseValue(l));
        }),
    };
  }
}
