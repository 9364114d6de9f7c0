/**
 * Several scorer replicas on one real redis-server: identical weights, leader hand-over within
 * the lease time, fencing of a stale leader, and surviving a Redis restart.
 */
import assert from 'node:assert/strict';
import { eventually } from '../../support/eventually.ts';
import type { WeightsSlice } from '../../../api/decisions.ts';
import { ScorerLoop } from '../../../scorer/loop/scorer-loop.ts';
import { RedisScoreStore } from '../../../scorer/store/redis-score-store.ts';
import { RedisServer } from '../../support/redis-server.ts';
import { seeded } from '../score/builders.ts';
import { featureStore, KEYS, observe, PersistenceForecaster, SERVICE, threeEndpointMesh } from './fixtures.ts';

const LEASE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const weightsOf = (d: WeightsSlice) => JSON.stringify([...(d.weights.get(SERVICE)?.weights ?? [])]);

interface Replica {
  loop: ScorerLoop;
  store: RedisScoreStore;
  emitted: WeightsSlice[];
}

describe('scorer replicas on a real redis-server', () => {
  let redis: RedisServer;
  let replicas: Replica[] = [];
  let prefix = 0;
  const features = featureStore();
  let feeder: NodeJS.Timeout;

  before(async () => {
    redis = await RedisServer.start();
    // Telemetry keeps flowing while the replicas run; the third endpoint is slower.
    const feed = () => observe(features, Date.now(), { [KEYS[2]!]: 60 });
    feed();
    feeder = setInterval(feed, 100);
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.loop.stop({ releaseLease: false }).then(() => r.store.close())));
    replicas = [];
  });
  after(async () => {
    clearInterval(feeder);
    await redis.dispose();
  });

  async function replica(keyPrefix: string, opts: { now?: () => number; start?: boolean } = {}): Promise<Replica> {
    const store = new RedisScoreStore({ url: redis.url, keyPrefix, maxReconnectDelayMs: 100 });
    await store.ready();
    const emitted: WeightsSlice[] = [];
    const loop = new ScorerLoop({
      config: threeEndpointMesh(),
      features,
      forecaster: new PersistenceForecaster('m1'),
      fallback: new PersistenceForecaster('ewma'),
      store,
      onDecisions: (d) => emitted.push(d),
      rng: seeded(replicas.length + 1),
      leaseTtlMs: LEASE_MS,
      followerPollMs: 50,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const r = { loop, store, emitted };
    replicas.push(r);
    if (opts.start ?? true) loop.start();
    return r;
  }

  it('two replicas push identical weights and only one computes', async () => {
    const p = `r${++prefix}:`;
    const a = await replica(p);
    const b = await replica(p);
    await eventually(() => a.emitted.length > 0 && b.emitted.length > 0, 5000, 20, 'both replicas to emit');
    await eventually(() => weightsOf(a.loop.current()) === weightsOf(b.loop.current()), 5000, 20, 'identical weights');
    assert.equal([a, b].filter((r) => r.loop.isLeader()).length, 1);
    // Every decision the follower emitted is one the leader emitted.
    const [leader, follower] = a.loop.isLeader() ? [a, b] : [b, a];
    const led = new Set(leader.emitted.map(weightsOf));
    for (const d of follower.emitted) assert.ok(led.has(weightsOf(d)), `follower emitted ${weightsOf(d)} the leader never did`);
  });

  it('hands computation to the other replica within the lease time when the leader dies', async () => {
    const p = `r${++prefix}:`;
    const a = await replica(p);
    await eventually(() => a.loop.isLeader(), 5000, 20, 'a to lead');
    const b = await replica(p);
    await eventually(() => b.emitted.length > 0, 5000, 20, 'b to follow');
    const revision = b.loop.status().revision;
    // Crash: no release, connection gone.
    await a.loop.stop({ releaseLease: false });
    await a.store.close();

    const tookMs = await eventually(() => b.loop.isLeader(), 5 * LEASE_MS, 20, 'b to take over');
    assert.ok(tookMs <= LEASE_MS + LEASE_MS / 3 + 200, `take-over took ${tookMs} ms with a ${LEASE_MS} ms lease`);
    await eventually(() => b.loop.status().revision !== revision, 5000, 20, 'b to publish as leader');
  });

  it('refuses a stale leader’s write (fencing) and turns it into a follower', async () => {
    const p = `r${++prefix}:`;
    let frozen = Date.now();
    // a's clock stands still: it believes its lease is still valid long after it expired.
    const a = await replica(p, { now: () => frozen, start: false });
    await a.loop.tick();
    assert.equal(a.loop.isLeader(), true);
    const aWeights = weightsOf(a.loop.current());
    await sleep(LEASE_MS + 100);
    const b = await replica(p, { start: false });
    await b.loop.tick();
    assert.equal(b.loop.isLeader(), true, 'b won the expired lease');
    await a.loop.tick(); // a computes and tries to write with its old token
    assert.equal(a.loop.isLeader(), false, 'a stepped down after the fenced write');
    assert.equal(a.loop.status().lastStoreError?.code, 'STORE_FENCED');
    const stored = await b.store.read();
    assert.ok(stored.leader?.startsWith(b.loop.status().replica), `stored leader ${stored.leader}`);
    frozen += 1; // let a poll as a follower
    await a.loop.tick();
    assert.equal(weightsOf(a.loop.current()), weightsOf(b.loop.current()));
    assert.ok(aWeights.length > 2);
  });

  it('survives a Redis restart: last weights stay served, then both reconnect and resume', async () => {
    const p = `r${++prefix}:`;
    const a = await replica(p);
    const b = await replica(p);
    await eventually(() => a.emitted.length > 0 && weightsOf(a.loop.current()) === weightsOf(b.loop.current()), 5000, 20, 'identical weights');
    const before = weightsOf(a.loop.current());
    const emittedBefore = [a.emitted.length, b.emitted.length];
    await redis.stop();
    await sleep(LEASE_MS * 2);
    assert.equal(weightsOf(a.loop.current()), before, 'a serves its last known weights while Redis is down');
    assert.equal(weightsOf(b.loop.current()), before, 'b serves its last known weights while Redis is down');
    assert.equal(a.loop.isLeader() || b.loop.isLeader(), false, 'nobody leads without the store');
    assert.deepEqual([a.emitted.length, b.emitted.length], emittedBefore, 'nothing emitted while Redis is down');
    await redis.restart();
    await eventually(() => a.loop.isLeader() || b.loop.isLeader(), 10_000, 20, 'a new leader');
    const check = new RedisScoreStore({ url: redis.url, keyPrefix: p });
    try {
      await check.ready();
      let state = await check.read();
      for (let i = 0; i < 100 && state.services.size === 0; i++) {
        await sleep(50);
        state = await check.read();
      }
      assert.ok(state.services.has(SERVICE), 'the new leader republished every service');
    } finally {
      await check.close();
    }
    await eventually(() => weightsOf(a.loop.current()) === weightsOf(b.loop.current()), 5000, 20, 'identical weights again');
    assert.equal([a, b].filter((r) => r.loop.isLeader()).length, 1);
  });
});
