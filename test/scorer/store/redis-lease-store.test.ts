import { Redis } from 'ioredis';
import { RedisLeaseStore } from '../../../scorer/store/redis-lease-store.ts';
import { RedisServer } from '../../support/redis-server.ts';
import { leaseStoreContract } from './lease-store-contract.ts';

describe('RedisLeaseStore (real redis-server)', () => {
  let redis: RedisServer;
  let clients: Redis[] = [];
  let prefix = 0;

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(() => {
    for (const c of clients) c.disconnect();
    clients = [];
  });
  after(async () => {
    await redis.dispose();
  });

  leaseStoreContract({
    stores: async () => {
      const keyPrefix = `lease${++prefix}:`;
      const open = () => {
        const c = new Redis(redis.url);
        clients.push(c);
        return new RedisLeaseStore(c, keyPrefix);
      };
      return [open(), open()];
    },
    // Redis expires keys on its own clock: the test sleeps for real.
    ttlMs: 400,
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
});
