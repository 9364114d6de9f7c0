import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { aggregationOf } from '../../../scorer/features/aggregation.ts';
import type { MetricName, Observation } from '../../../scorer/features/types.ts';

const T0 = 1_700_000_000_000;
const S = 'checkout';
const E = '10.0.0.1:8080';

function obs(at: number, metrics: Observation['metrics'], endpoint = E, service = S): Observation {
  return { service, endpoint, at, metrics };
}

function values(a: Float32Array): number[] {
  return [...a].map((v) => (Number.isNaN(v) ? NaN : Math.round(v * 1000) / 1000));
}

describe('RingFeatureStore', () => {
  it('places values in the bucket containing `at` at the configured resolution', () => {
    const store = new RingFeatureStore({ resolutionMs: 100, retentionMs: 1000 });
    store.record(obs(T0 + 10, { latency_ms: 5 }));
    store.record(obs(T0 + 99, { latency_ms: 7 }));
    store.record(obs(T0 + 100, { latency_ms: 20 }));
    assert.deepEqual(values(store.window(S, E, 'latency_ms', 2, T0 + 150)), [6, 20]);
    assert.equal(store.size, 10);
    assert.equal(store.retentionMs, 1000);
  });

  it('fills empty buckets forward and reads NaN before the first value', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 10_000 });
    store.record(obs(T0 + 2000, { rps: 10 }));
    store.record(obs(T0 + 5000, { rps: 30 }));
    assert.deepEqual(values(store.window(S, E, 'rps', 8, T0 + 7000)), [NaN, NaN, 10, 10, 10, 30, 30, 30]);
  });

  it('seeds fill-forward from a value before the window start', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 60_000 });
    store.record(obs(T0, { cpu: 0.5 }));
    assert.deepEqual(values(store.window(S, E, 'cpu', 3, T0 + 30_000)), [0.5, 0.5, 0.5]);
  });

  it('aggregates per metric: mean, max, last, and per-second rate for custom counters', () => {
    const store = new RingFeatureStore({ resolutionMs: 2000, retentionMs: 20_000 });
    for (const [lat, p99, err, reqs] of [
      [10, 50, 0.1, 4],
      [20, 90, 0.3, 6],
      [30, 70, 0.2, 10],
    ] as const) {
      store.record(obs(T0, { latency_ms: lat, latency_p99_ms: p99, error_rate: err, 'custom:requests_total': reqs }));
    }
    const read = (m: MetricName) => store.window(S, E, m, 1, T0)[0];
    assert.equal(read('latency_ms'), 20);
    assert.equal(read('latency_p99_ms'), 90);
    assert.equal(Math.round(read('error_rate')! * 1000) / 1000, 0.2);
    assert.equal(read('custom:requests_total'), 10, '20 requests in a 2 s bucket = 10/s');
    assert.equal(aggregationOf('custom:queue_depth'), 'mean');
  });

  it('reads custom counters as 0 in empty buckets after the first increment', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 10_000 });
    store.record(obs(T0 + 1000, { 'custom:jobs_total': 5 }));
    assert.deepEqual(values(store.window(S, E, 'custom:jobs_total', 4, T0 + 3000)), [NaN, 5, 0, 0]);
  });

  it('forgets buckets older than the retention and rejects observations that arrive too late', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 5000 });
    store.record(obs(T0, { latency_ms: 1 }));
    store.record(obs(T0 + 3000, { latency_ms: 4 }));
    // Seen from T0 + 7 s the retention starts at T0 + 3 s: the first value is gone.
    assert.deepEqual(values(store.window(S, E, 'latency_ms', 8, T0 + 7000)), [NaN, NaN, NaN, 4, 4, 4, 4, 4]);
    store.record(obs(T0 + 9000, { latency_ms: 9 }));
    assert.equal(store.record(obs(T0 + 4000, { latency_ms: 100 })), 1, 'bucket left the ring');
    assert.equal(store.record(obs(T0 + 6000, { latency_ms: 6 })), 0, 'late but inside the ring');
    // The ring now holds buckets 5..9: bucket 5 has nothing and nothing older is left to carry.
    assert.deepEqual(values(store.window(S, E, 'latency_ms', 5, T0 + 9000)), [NaN, 6, 6, 6, 9]);
  });

  it('wraps the ring many times without mixing old cells into new buckets', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 4000 });
    for (let i = 0; i < 50; i += 3) store.record(obs(T0 + i * 1000, { in_flight: i }));
    assert.deepEqual(values(store.window(S, E, 'in_flight', 5, T0 + 48_000)), [NaN, 45, 45, 45, 48]);
    assert.deepEqual(values(store.window(S, E, 'in_flight', 4, T0 + 49_000)), [NaN, NaN, 48, 48], '45 is outside the retention at 49 s');
  });

  it('bounds endpoints per service and custom metrics per endpoint, counting rejections', () => {
    const store = new RingFeatureStore({ maxEndpointsPerService: 2, maxCustomMetricsPerEndpoint: 1 });
    assert.equal(store.record(obs(T0, { rps: 1 }, 'a:1')), 0);
    assert.equal(store.record(obs(T0, { rps: 1 }, 'b:1')), 0);
    assert.equal(store.record(obs(T0, { rps: 1, loss: 0 }, 'c:1')), 2);
    assert.deepEqual(store.endpoints(S).sort(), ['a:1', 'b:1']);
    assert.equal(store.record(obs(T0, { 'custom:a': 1, 'custom:b': 2, rps: 3 }, 'a:1')), 1);
    assert.equal(store.latest(S, 'a:1', 'custom:a')?.value, 1);
    assert.equal(store.latest(S, 'a:1', 'custom:b'), undefined);
    assert.equal(store.record(obs(T0, { rps: Number.NaN, ['bogus' as MetricName]: 1 }, 'd:1', 'other')), 2);
    assert.deepEqual(store.endpoints('other'), [], 'an endpoint with only rejected values has no data');
  });

  it('refuses new series beyond the memory budget and reuses freed rings', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 10_000, memoryBudgetBytes: 3 * 10 * 5 });
    assert.equal(store.maxSeries, 3);
    assert.equal(store.memoryBoundBytes, 150);
    assert.equal(store.record(obs(T0, { rps: 1, cpu: 0.5, loss: 0, jitter_ms: 1 })), 1);
    store.drop(S, E);
    assert.equal(store.seriesCount, 0);
    assert.equal(store.record(obs(T0, { rps: 2 }, 'x:1')), 0);
    assert.deepEqual(values(store.window(S, 'x:1', 'rps', 2, T0 + 1000)), [2, 2], 'a reused ring starts empty');
  });

  it('reports the latest value and its time; sweep evicts series outside the retention', () => {
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 5000 });
    store.record(obs(T0 + 1500, { latency_ms: 3 }));
    store.record(obs(T0 + 1200, { latency_ms: 5 }));
    assert.deepEqual(store.latest(S, E, 'latency_ms'), { value: 4, at: T0 + 1500 });
    store.record(obs(T0 + 2000, { rps: 1 }, 'other:1'));
    assert.equal(store.sweep(T0 + 5000), 0);
    store.record(obs(T0 + 10_000, { rps: 1 }, 'other:1'));
    assert.equal(store.latest(S, E, 'latency_ms'), undefined, 'older than the retention behind the newest data');
    assert.equal(store.sweep(T0 + 10_000), 1);
    assert.deepEqual(store.endpoints(S), ['other:1']);
    assert.deepEqual(values(store.window(S, E, 'latency_ms', 2, T0 + 10_000)), [NaN, NaN]);
  });

  it('writes many windows into one row-major buffer', () => {
    const store = new RingFeatureStore();
    store.record(obs(T0, { rps: 1 }, 'a:1'));
    store.record(obs(T0, { rps: 2 }, 'b:1'));
    const out = new Float32Array(6);
    store.windowsInto(out, [{ service: S, endpoint: 'a:1' }, { service: S, endpoint: 'missing:1' }, { service: S, endpoint: 'b:1' }], 'rps', 2, T0 + 1000);
    assert.deepEqual(values(out), [1, 1, NaN, NaN, 2, 2]);
  });

  it('rejects nonsensical options with a stable code', () => {
    assert.throws(() => new RingFeatureStore({ resolutionMs: 0 }), /FEATURE_STORE_OPTION: resolutionMs/);
  });

  it('matches a naive model of buckets and fill-forward for any record sequence', () => {
    const size = 8;
    fc.assert(
      fc.property(
        fc.array(fc.record({ bucket: fc.integer({ min: 0, max: 40 }), value: fc.integer({ min: 0, max: 100 }) }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        (records, endBucket, length) => {
          const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: size * 1000 });
          const model = new Map<number, number[]>();
          let head = -Infinity;
          for (const r of records) {
            const accepted = store.record(obs(T0 + r.bucket * 1000, { latency_ms: r.value })) === 0;
            assert.equal(accepted, r.bucket > head - size);
            if (!accepted) continue;
            head = Math.max(head, r.bucket);
            model.set(r.bucket, [...(model.get(r.bucket) ?? []), r.value]);
          }
          const oldest = Math.max(head, endBucket + 0) - size + 1;
          const expected: number[] = [];
          let carry = NaN;
          for (let b = oldest; b < endBucket - length + 1; b++) if (model.has(b) && b <= head) carry = mean(model.get(b)!);
          for (let b = endBucket - length + 1; b <= endBucket; b++) {
            if (b < oldest) expected.push(NaN);
            else {
              if (model.has(b)) carry = mean(model.get(b)!);
              expected.push(carry);
            }
          }
          const got = store.window(S, E, 'latency_ms', length, T0 + endBucket * 1000 + 999);
          assert.deepEqual(values(got), expected.map((v) => (Number.isNaN(v) ? NaN : Math.round(v * 1000) / 1000)));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
