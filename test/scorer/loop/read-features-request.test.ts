import assert from 'node:assert/strict';
import { buildEndpointTable } from '../../../scorer/loop/endpoint-table.ts';
import { readFeatures } from '../../../scorer/loop/read-features.ts';
import { featureStore, KEYS, SERVICE, threeEndpointMesh } from './fixtures.ts';

const T0 = 1_700_000_000_000;

describe('readFeatures: which latency a service is forecast on', () => {
  it('probe latency while no endpoint has a load-report latency; request-path latency for all once one has, never mixed', () => {
    const fs = featureStore();
    const table = buildEndpointTable(threeEndpointMesh());
    for (let t = 0; t < 5; t++) for (const k of KEYS) fs.record({ service: SERVICE, endpoint: k, at: T0 + t * 1000, metrics: { latency_ms: 2 } });
    let f = readFeatures(fs, table, 4, T0 + 4000, 30_000);
    assert.deepEqual([...f.windows.subarray(0, 4)], [2, 2, 2, 2]);

    fs.record({ service: SERVICE, endpoint: KEYS[0]!, at: T0 + 4000, metrics: { request_latency_ms: 40 } });
    f = readFeatures(fs, table, 4, T0 + 4000, 30_000);
    assert.equal(f.windows[3], 40, 'row 0 now forecasts its request-path latency');
    assert.deepEqual([f.empty[0], f.empty[1], f.empty[2]], [0, 1, 1], 'rows without one have no window (typical), not their probe latency');
    assert.equal(f.latencyMs[1], 2, 'probe latency stays a signal of its own');
    assert.equal(f.requestLatencyMs[0], 40);
    assert.ok(Number.isNaN(f.requestLatencyMs[1]!));
  });
});
