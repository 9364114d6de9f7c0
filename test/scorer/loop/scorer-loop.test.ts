import assert from 'node:assert/strict';
import type { WeightsSlice } from '../../../api/decisions.ts';
import { ScorerLoop } from '../../../scorer/loop/scorer-loop.ts';
import { MemoryScoreStore } from '../../../scorer/store/memory-score-store.ts';
import { seeded } from '../score/builders.ts';
import { endpoint, meshConfig, scoringPolicy, service } from '../../support/config-builders.ts';
import { featureStore, KEYS, ManualClock, observe, PersistenceForecaster, SERVICE, shareOf, threeEndpointMesh } from './fixtures.ts';

const T0 = 1_700_000_000_000;

function setup(model = new PersistenceForecaster('m1'), store = new MemoryScoreStore()) {
  const clock = new ManualClock(T0);
  const features = featureStore();
  const emitted: WeightsSlice[] = [];
  const loop = new ScorerLoop({
    config: threeEndpointMesh(),
    features,
    forecaster: model,
    fallback: new PersistenceForecaster('ewma'),
    store,
    onDecisions: (d) => emitted.push(d),
    now: clock.now,
    rng: seeded(7),
  });
  /** Feeds one second of telemetry and runs one tick. */
  const second = async (latency: Record<string, number> = {}) => {
    clock.advance(1000);
    observe(features, clock.t, latency);
    await loop.tick();
  };
  return { clock, features, emitted, loop, second, model };
}

describe('ScorerLoop', () => {
  it('moves traffic off an endpoint with +200 ms within a few intervals and back after recovery', async () => {
    const { loop, second } = setup();
    for (let i = 0; i < 3; i++) await second();
    assert.ok(Math.abs(shareOf(loop.current(), KEYS[2]!) - 1 / 3) < 0.1);
    let ticksToDrop = 0;
    do {
      await second({ [KEYS[2]!]: 205 });
      ticksToDrop++;
    } while (shareOf(loop.current(), KEYS[2]!) >= 0.1 && ticksToDrop < 30);
    assert.ok(ticksToDrop <= 5, `took ${ticksToDrop} intervals to fall below 10%`);
    let ticksToRecover = 0;
    do {
      await second();
      ticksToRecover++;
    } while (shareOf(loop.current(), KEYS[2]!) <= 0.25 && ticksToRecover < 60);
    assert.ok(ticksToRecover <= 10, `took ${ticksToRecover} intervals to climb back above 25%`);
  });

  it('emits WeightsSlice only when weights change, with integer weights summing to 1000', async () => {
    const { emitted, second } = setup();
    await second();
    assert.equal(emitted.length, 1);
    const w = emitted[0]!.weights.get(SERVICE)!;
    assert.equal([...w.weights.values()].reduce((a, b) => a + b, 0), 1000);
    assert.equal(w.modelVersion, 'm1');
  });

  it('falls back to EWMA per endpoint where the model is less accurate, and reports it', async () => {
    const { loop, second } = setup(new PersistenceForecaster('bad', 3));
    for (let i = 0; i < 6; i++) await second();
    const s = loop.status();
    assert.equal(s.fallback.endpoints, 3);
    assert.ok(s.fallback.sample.includes(`${SERVICE}/${KEYS[0]}`));
    assert.ok(s.accuracy.model! < s.accuracy.fallback!);
  });

  it('keeps scoring on the fallback when the model fails', async () => {
    const { loop, second, emitted } = setup(new PersistenceForecaster('broken', 1, 0.1, true));
    await second();
    assert.equal(emitted.length, 1);
    assert.equal(loop.status().fallback.endpoints, 3);
    assert.match(loop.status().fallback.modelError!, /test model fails/);
  });

  it('retrains on drift off the tick path and swaps the new model in atomically', async () => {
    const clock = new ManualClock(T0);
    const features = featureStore();
    const bad = new PersistenceForecaster('v1', 3);
    const good = new PersistenceForecaster('v2');
    let retrains = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loop = new ScorerLoop({
      config: threeEndpointMesh(),
      features,
      forecaster: bad,
      fallback: new PersistenceForecaster('ewma'),
      onDecisions: () => {},
      now: clock.now,
      rng: seeded(1),
      retrain: {
        retrain: async () => {
          retrains++;
          await gate;
          return good;
        },
        minIntervalMs: 0,
        scheduleMs: 0,
      },
    });
    for (let i = 0; i < 6; i++) {
      clock.advance(1000);
      observe(features, clock.t);
      await loop.tick(); // never blocked by the pending retraining
    }
    assert.equal(retrains, 1, 'one retraining at a time');
    assert.equal(loop.status().retrain!.inFlight, true);
    release();
    await new Promise((r) => setImmediate(r));
    await loop.tick();
    assert.equal(loop.status().modelVersion, 'v2');
    assert.equal(bad.closed, true);
    assert.equal(loop.status().retrain!.last!.reason, 'drift');
  });

  it('runs one batched forecast per tick for all services', async () => {
    const model = new PersistenceForecaster('m1');
    const features = featureStore();
    const cfg = meshConfig(
      service('a', { endpoints: [endpoint('10.0.0.1', 1), endpoint('10.0.0.2', 1)] }),
      service('b', { endpoints: [endpoint('10.0.1.1', 1)] }),
    );
    const loop = new ScorerLoop({ config: cfg, features, forecaster: model, fallback: new PersistenceForecaster('e'), onDecisions: () => {}, now: () => T0 });
    await loop.tick();
    assert.equal(model.calls, 1);
    assert.deepEqual([...loop.current().weights.keys()].sort(), ['a', 'b']);
  });

  it('staggers model forecasts: 1/K of the endpoints per tick, every one within K ticks', async () => {
    const counts: number[] = [];
    const model = new (class extends PersistenceForecaster {
      override async forecast(batch: Parameters<PersistenceForecaster['forecast']>[0]) {
        counts.push(batch.count);
        return super.forecast(batch);
      }
    })('m1');
    const keys = Array.from({ length: 6 }, (_, i) => 7001 + i);
    const features = featureStore();
    const clock = new ManualClock(T0);
    const loop = new ScorerLoop({
      config: meshConfig(service(SERVICE, { endpoints: keys.map((p) => endpoint('127.0.0.1', p)) })),
      features,
      forecaster: model,
      fallback: new PersistenceForecaster('ewma'),
      onDecisions: () => {},
      now: clock.now,
      rng: seeded(3),
      forecastRefreshTicks: 3,
    });
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      for (const p of keys) features.record({ service: SERVICE, endpoint: `127.0.0.1:${p}`, at: clock.t, metrics: { latency_ms: 5 } });
      await loop.tick();
    }
    assert.deepEqual(counts, [6, 2, 2, 2, 2, 2, 2]);
    assert.equal(loop.status().forecastRefreshTicks, 3);
    assert.equal(loop.status().lastTickModelRows, 2);
    assert.equal(loop.status().fallback.endpoints, 0, 'reused forecasts still serve');
  });

  it("gives each service new weights only at its own policy's interval", async () => {
    const { loop, second, emitted } = setup();
    const slow = scoringPolicy('slow', { services: [SERVICE], interval: '3s' });
    const fast = service('fast', { endpoints: [endpoint('10.9.9.9', 80)] });
    loop.setConfig(meshConfig(threeEndpointMesh().services.get(SERVICE)!, fast, slow, scoringPolicy('quick', { services: ['fast'], interval: '1s' })));
    await second();
    const echoWeights = () => JSON.stringify([...(loop.current().weights.get(SERVICE)?.weights ?? [])]);
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) {
      // The slow endpoint alternates every second: the weights want to move on every tick.
      await second({ [KEYS[i % 2]!]: 300 });
      seen.push(echoWeights());
    }
    const changes = seen.filter((w, i) => i > 0 && w !== seen[i - 1]).length;
    assert.ok(changes >= 1 && changes <= 3, `echo's weights changed on ${changes} of 8 ticks; its 3 s policy allows one change per 3 ticks`);
    assert.ok(emitted.length > 0);
  });

  it('scores services added by a hot reload and drops removed ones', async () => {
    const { loop, second } = setup();
    await second();
    loop.setConfig(meshConfig(service('other', { endpoints: [endpoint('10.9.9.9', 80)] })));
    await second();
    assert.deepEqual([...loop.current().weights.keys()], ['other']);
  });

  it('two loops on one store: only the leader computes and both emit the same weights', async () => {
    const store = new MemoryScoreStore();
    const a = setup(new PersistenceForecaster('m1'), store);
    const b = setup(new PersistenceForecaster('m1'), store);
    for (let i = 0; i < 4; i++) {
      await a.second({ [KEYS[1]!]: 80 });
      await b.second({ [KEYS[1]!]: 80 });
    }
    assert.equal(a.loop.isLeader(), true);
    assert.equal(b.loop.isLeader(), false);
    assert.equal(b.model.calls, 0);
    assert.deepEqual([...b.loop.current().weights.get(SERVICE)!.weights], [...a.loop.current().weights.get(SERVICE)!.weights]);
  });

  it('closes its model on stop, and a model swapped in after stop (a late retraining) too', async () => {
    const { loop, second, model } = setup();
    await second();
    await loop.stop();
    assert.equal(model.closed, true);
    const late = new PersistenceForecaster('late');
    await loop.swapModel(late);
    assert.equal(late.closed, true);
  });
});
