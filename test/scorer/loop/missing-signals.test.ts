/**
 * Missing or misleading signals never concentrate traffic (issue 9): through the whole tick
 * (features → signals → scores), probes that every endpoint fails while load reports show its
 * requests succeeding (servers without grpc.health.v1), and probes failing everywhere with no load
 * reports at all, leave the traffic spread; an endpoint failing probes with no successful request
 * still drops to the floor.
 */
import assert from 'node:assert/strict';
import { ScorerLoop } from '../../../scorer/loop/scorer-loop.ts';
import { MemoryScoreStore } from '../../../scorer/store/memory-score-store.ts';
import type { MetricName } from '../../../scorer/features/types.ts';
import { seeded } from '../score/builders.ts';
import { featureStore, KEYS, ManualClock, PersistenceForecaster, SERVICE, shareOf, threeEndpointMesh } from './fixtures.ts';

const T0 = 1_700_000_000_000;

async function run(metricsOf: (key: string) => Partial<Record<MetricName, number>>, ticks = 8) {
  const clock = new ManualClock(T0);
  const features = featureStore();
  const loop = new ScorerLoop({
    config: threeEndpointMesh(),
    features,
    forecaster: new PersistenceForecaster('m1'),
    fallback: new PersistenceForecaster('ewma'),
    store: new MemoryScoreStore(),
    onDecisions: () => undefined,
    now: clock.now,
    rng: seeded(3),
  });
  for (let i = 0; i < ticks; i++) {
    clock.advance(1000);
    for (const key of KEYS) features.record({ service: SERVICE, endpoint: key, at: clock.t, metrics: metricsOf(key) });
    await loop.tick();
  }
  return loop.current();
}

describe('scorer loop: missing signals do not concentrate traffic', () => {
  it('every probe fails (UNIMPLEMENTED) but load reports show requests succeeding: about a third each, none unavailable', async () => {
    const d = await run(() => ({ loss: 1, error_rate: 0, request_latency_ms: 20, rps: 50, in_flight: 1 }));
    for (const k of KEYS) assert.ok(Math.abs(shareOf(d, k) - 1 / 3) < 0.05, `${k}: ${shareOf(d, k)}`);
    assert.equal(d.weights.get(SERVICE)!.outliers, undefined);
  });

  it('every probe fails and nothing else is known: about a third each (reasons still reported)', async () => {
    const d = await run(() => ({ loss: 1 }));
    for (const k of KEYS) assert.ok(Math.abs(shareOf(d, k) - 1 / 3) < 0.05, `${k}: ${shareOf(d, k)}`);
    assert.equal(d.weights.get(SERVICE)!.outliers?.get(KEYS[0]!), 'unavailable');
  });

  it('one endpoint fails its probes and every request: it drops to the floor, the others share the rest', async () => {
    const d = await run((k) => (k === KEYS[2] ? { loss: 1, error_rate: 1 } : { loss: 0, latency_ms: 2, error_rate: 0 }));
    assert.ok(shareOf(d, KEYS[2]!) < 0.03, `failing one: ${shareOf(d, KEYS[2]!)}`);
    assert.equal(d.weights.get(SERVICE)!.outliers?.get(KEYS[2]!), 'unavailable');
  });
});
