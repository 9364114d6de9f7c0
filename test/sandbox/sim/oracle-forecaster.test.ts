import assert from 'node:assert/strict';
import type { MeshConfig } from '../../../api/config.ts';
import type { FeatureStore } from '../../../scorer/features/types.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { EwmaForecaster } from '../../../scorer/forecast/ewma-forecaster.ts';
import type { ForecastResult } from '../../../scorer/forecast/types.ts';
import { buildEndpointTable } from '../../../scorer/loop/endpoint-table.ts';
import { readFeatures } from '../../../scorer/loop/read-features.ts';
import { OracleForecaster } from '../../../sandbox/sim/control/oracle-forecaster.ts';
import { policyByName } from '../../../sandbox/sim/policies.ts';
import { meshConfigFor, SERVICE } from '../../../sandbox/sim/scenario/mesh-config.ts';
import { endpointAddress, withDefaults, type Scenario } from '../../../sandbox/sim/scenario/scenario.ts';
import { simulate } from '../../../sandbox/sim/simulate.ts';
import { SIM_EPOCH_MS } from '../../../sandbox/sim/virtual-clock.ts';

const W = 48;
const HORIZONS = [1, 3, 12];
const STALE_MS = 30_000;

/** What the scorer hands its model at `now`: the windows of the rows with data, packed in row order. */
function batchAt(store: FeatureStore, config: MeshConfig, now: number): { windows: Float32Array; count: number; rows: number[] } {
  const table = buildEndpointTable(config);
  const f = readFeatures(store, table, W, now, STALE_MS);
  const rows = table.refs.flatMap((_, r) => (f.empty[r] === 1 ? [] : [r]));
  const windows = new Float32Array(rows.length * W);
  rows.forEach((r, k) => windows.set(f.windows.subarray(r * W, (r + 1) * W), k * W));
  return { windows, count: rows.length, rows };
}

const slowdown: Scenario = {
  name: 'oracle-slowdown',
  durationS: 30,
  endpoints: [{}, {}, {}],
  load: { kind: 'constant', rps: 300 },
  faults: [{ kind: 'slowdown', endpoints: [2], atS: 20, extraMs: 200 }],
};

describe('oracle forecaster (forecaster ablation)', () => {
  it('in the simulator: forecasts the scheduled slowdown before the measured latency shows it, and is the measured level (the fallback, bit for bit) where nothing is scheduled', async () => {
    const s = withDefaults(slowdown);
    const config = meshConfigFor(s, policyByName('prescient'), [0, 1, 2]);
    let store: FeatureStore | undefined;
    let now = 0;
    const oracle = new OracleForecaster({ scenario: s, now: () => now, config: () => config, features: () => store!, staleAfterMs: STALE_MS });
    const fallback = new EwmaForecaster({ window: W, horizons: HORIZONS });
    const slowKey = endpointAddress(2).key;
    const ticks: { t: number; measured: number | undefined; oracle: Promise<ForecastResult>; fallback: Promise<ForecastResult>; rows: number[] }[] = [];
    await simulate(slowdown, {
      policy: policyByName('prescient'),
      seed: 3,
      onScorerTick: (features, nowMs) => {
        store = features;
        now = nowMs;
        const batch = batchAt(features, config, nowMs);
        ticks.push({
          t: (nowMs - SIM_EPOCH_MS) / 1000,
          measured: features.latest(SERVICE, slowKey, 'request_latency_ms')?.value,
          oracle: oracle.forecast(batch),
          fallback: fallback.forecast(batch),
          rows: batch.rows,
        });
      },
    });
    assert.ok(ticks.length >= 25, `ticks: ${ticks.length}`);
    const H = HORIZONS.length;
    for (const tick of ticks) {
      const o = await tick.oracle;
      const f = await tick.fallback;
      const k = tick.rows.indexOf(2);
      if (k < 0) continue;
      const cell = (h: number) => k * H + HORIZONS.indexOf(h);
      // Endpoints 0 and 1 have nothing scheduled: the oracle is the measured level, exactly.
      for (const r of [0, 1]) {
        const kr = tick.rows.indexOf(r);
        for (let h = 0; h < H; h++) assert.equal(o.median[kr * H + h], f.median[kr * H + h], `endpoint ${r} at t=${tick.t} h=${HORIZONS[h]}`);
      }
      if (tick.t <= 7) {
        // Nothing scheduled within 12 s yet: the faulty endpoint too is its measured level.
        for (let h = 0; h < H; h++) assert.equal(o.median[k * H + h], f.median[k * H + h], `endpoint 2 at t=${tick.t}`);
      }
      if (tick.t >= 8 && tick.t <= 20) {
        // The slowdown is ahead (T = t + 12 s ≥ 20 s) while the measurements still show none of it
        // (the reading at t = 20 s describes the second before).
        assert.ok(tick.measured !== undefined && tick.measured < 100, `measured at t=${tick.t}: ${tick.measured}`);
        assert.ok(o.median[cell(12)]! > f.median[cell(12)]! + 190, `h=12 at t=${tick.t}: oracle ${o.median[cell(12)]} vs level ${f.median[cell(12)]}`);
        if (tick.t >= 19) assert.ok(o.median[cell(1)]! > f.median[cell(1)]! + 190, `h=1 at t=${tick.t}`);
        else assert.equal(o.median[cell(1)], f.median[cell(1)], `h=1 at t=${tick.t}: nothing scheduled at t+1`);
      }
    }
    // Once the slowdown shows in the measurements (from t = 21 s: load reports describe the second
    // before them), the oracle does not add it a second time: it stays near the measured level.
    let after = 0;
    for (const tick of ticks.filter((x) => x.t >= 21 && x.t <= 27)) {
      const o = await tick.oracle;
      const f = await tick.fallback;
      const k = tick.rows.indexOf(2);
      assert.ok(tick.measured! > 150, `measured at t=${tick.t}: ${tick.measured}`);
      assert.ok(Math.abs(o.median[k * H]! - f.median[k * H]!) < 0.25 * f.median[k * H]!, `t=${tick.t}: oracle ${o.median[k * H]} vs level ${f.median[k * H]}`);
      assert.ok(o.lower[k * H]! < o.median[k * H]! && o.median[k * H]! < o.upper[k * H]!, `t=${tick.t}: a band around the median, not a certain point`);
      after++;
    }
    assert.equal(after, 7);
  });

  it('maps packed windows to endpoints when a row has no data (a cold replica), and fails loudly on a window of no endpoint', async () => {
    // Endpoint 1 has no readings: the scorer sends rows 0 and 2 only; row 2 is the one with a slowdown ahead.
    const s = withDefaults({ ...slowdown, faults: [{ kind: 'slowdown', endpoints: [2], atS: 40, extraMs: 100 }] });
    const config = meshConfigFor(s, policyByName('prescient'), [0, 1, 2]);
    const store = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 600_000, maxSeries: 64 });
    for (let t = 0; t <= 39; t++)
      for (const i of [0, 2]) store.record({ service: SERVICE, endpoint: endpointAddress(i).key, at: SIM_EPOCH_MS + t * 1000, metrics: { request_latency_ms: 20 + i + (t % 3) } });
    const now = SIM_EPOCH_MS + 39_000;
    const oracle = new OracleForecaster({ scenario: s, now: () => now, config: () => config, features: () => store });
    const batch = batchAt(store, config, now);
    assert.deepEqual(batch.rows, [0, 2]);
    const o = await oracle.forecast(batch);
    const f = await new EwmaForecaster({ window: W, horizons: HORIZONS }).forecast(batch);
    assert.equal(o.median[0], f.median[0], 'endpoint 0: its level');
    assert.ok(Math.abs(o.median[3]! - (f.median[3]! + 100)) < 1e-3, `endpoint 2, h=1: ${o.median[3]} vs level ${f.median[3]} + 100`);
    const stranger = new Float32Array(W).fill(999);
    await assert.rejects(oracle.forecast({ windows: stranger, count: 1 }), /SIM_ORACLE_ROWS/);
  });
});
