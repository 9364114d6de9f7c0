import assert from 'node:assert/strict';
import { RedisScoreStore } from '../../../scorer/store/redis-score-store.ts';
import type { ScoreStore } from '../../../scorer/store/types.ts';
import { RedisServer } from '../../support/redis-server.ts';
import { record, scoreStoreContract } from './score-store-contract.ts';

describe('RedisScoreStore (real redis-server)', () => {
  let redis: RedisServer;
  let stores: RedisScoreStore[] = [];
  let prefix = 0;

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  after(async () => {
    await redis.dispose();
  });

  function open(keyPrefix = `t${++prefix}:`): RedisScoreStore {
    const s = new RedisScoreStore({ url: redis.url, keyPrefix, maxReconnectDelayMs: 100 });
    stores.push(s);
    return s;
  }

  scoreStoreContract({
    store: async () => {
      const s = open();
      await s.ready();
      return s;
    },
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
  });

  it('fails fast while Redis is down and works again after it restarts', async () => {
    const s = open();
    await s.ready();
    const a = (await s.tryAcquire('a', 5000))!;
    await s.publish(a, { upserts: [record('svc', { 'x:1': 1000 })], removals: [] });
    await redis.stop();
    await assert.rejects(s.read(), /STORE_UNAVAILABLE/);
    await redis.restart();
    await s.ready();
    const state = await s.read();
    assert.equal(state.revision, undefined, 'no persistence: the state is gone');
    const again: ScoreStore = s;
    assert.ok(await again.tryAcquire('a', 5000), 'the lease is free again after the restart');
  });
});
