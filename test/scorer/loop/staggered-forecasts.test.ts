import assert from 'node:assert/strict';
import type { ForecastResult, Forecaster } from '../../../scorer/forecast/types.ts';
import { buildEndpointTable } from '../../../scorer/loop/endpoint-table.ts';
import { DEFAULT_MODEL_ROWS_PER_TICK, refreshTicksFor, StaggeredForecasts } from '../../../scorer/loop/staggered-forecasts.ts';
import { endpoint, meshConfig, service } from '../../support/config-builders.ts';
import { PersistenceForecaster } from './fixtures.ts';

const T0 = 1_700_000_000_000;
const RES = 1000;

function mesh(endpoints: number, name = 'svc') {
  return buildEndpointTable(meshConfig(service(name, { endpoints: Array.from({ length: endpoints }, (_, i) => endpoint('10.0.0.1', 1000 + i)) })));
}

/** A model with horizons 1, 3, 12 (forecast() is not called by StaggeredForecasts). */
const threeHorizons = { ...new PersistenceForecaster('h3'), horizons: [1, 3, 12] } as unknown as Forecaster;

/** Row i's forecast at horizon j: median 100·(j+1) + i, band ±10·(j+1). */
function result(rows: Uint32Array, horizons: number): ForecastResult {
  const median = new Float32Array(rows.length * horizons);
  rows.forEach((row, i) => {
    for (let j = 0; j < horizons; j++) median[i * horizons + j] = 100 * (j + 1) + row;
  });
  return {
    median,
    lower: median.map((m, c) => m - 10 * ((c % horizons) + 1)),
    upper: median.map((m, c) => m + 10 * ((c % horizons) + 1)),
  };
}

describe('StaggeredForecasts', () => {
  it('forecasts every row on the first tick, then about 1/K per tick, each within K ticks', () => {
    const table = mesh(10);
    const cache = new StaggeredForecasts();
    const empty = new Uint8Array(10);
    const lastRefresh = new Array<number>(10).fill(-1);
    const first = cache.rowsToRefresh(table, threeHorizons, empty, 3);
    assert.equal(first.length, 10);
    cache.store(first, result(first, 3), T0);
    for (let tick = 1; tick <= 9; tick++) {
      const rows = cache.rowsToRefresh(table, threeHorizons, empty, 3);
      assert.ok(rows.length >= 3 && rows.length <= 4, `tick ${tick}: ${rows.length} rows`);
      for (const r of rows) lastRefresh[r] = tick;
      cache.store(rows, result(rows, 3), T0 + tick * RES);
      for (let r = 0; r < 10; r++) if (tick >= 3) assert.ok(tick - lastRefresh[r]! < 3, `row ${r} last refreshed on tick ${lastRefresh[r]}, now ${tick}`);
    }
  });

  it('K = 1 refreshes every row every tick', () => {
    const table = mesh(4);
    const cache = new StaggeredForecasts();
    for (let tick = 0; tick < 3; tick++) {
      const rows = cache.rowsToRefresh(table, threeHorizons, new Uint8Array(4), 1);
      assert.equal(rows.length, 4);
      cache.store(rows, result(rows, 3), T0 + tick * RES);
    }
  });

  it('shifts a reused forecast by its age between the horizons, with its age attached', () => {
    const table = mesh(2);
    const cache = new StaggeredForecasts();
    const rows = cache.rowsToRefresh(table, threeHorizons, new Uint8Array(2), 3);
    cache.store(rows, result(rows, 3), T0);
    const fresh = cache.forecastAt(1, 1, T0, RES)!;
    assert.deepEqual([fresh.medianMs, fresh.lowerMs, fresh.upperMs, fresh.ageSteps], [101, 91, 111, 0]);
    // One step later, "1 step ahead" is horizon 2 of the old forecast: halfway between 1 and 3.
    const aged = cache.forecastAt(1, 1, T0 + RES, RES)!;
    assert.deepEqual([aged.medianMs, aged.lowerMs, aged.upperMs, aged.ageSteps], [151, 136, 166, 1]);
    assert.equal(cache.forecastAt(1, 1, T0 + 2 * RES, RES)!.medianMs, 201); // exactly horizon 3
    assert.equal(cache.forecastAt(1, 12, T0 + 5 * RES, RES)!.medianMs, 301); // flat past the last horizon
  });

  it('skips rows without data, and forecasts them as soon as they have some', () => {
    const table = mesh(3);
    const cache = new StaggeredForecasts();
    const first = cache.rowsToRefresh(table, threeHorizons, Uint8Array.of(0, 1, 0), 3);
    assert.deepEqual([...first], [0, 2]);
    cache.store(first, result(first, 3), T0);
    assert.equal(cache.forecastAt(1, 1, T0, RES), undefined);
    assert.ok(cache.rowsToRefresh(table, threeHorizons, Uint8Array.of(0, 0, 0), 3).includes(1));
  });

  it('keeps forecasts of endpoints that stay across a config change and forgets them for a new model', () => {
    const cache = new StaggeredForecasts();
    const before = mesh(3);
    const rows = cache.rowsToRefresh(before, threeHorizons, new Uint8Array(3), 3);
    cache.store(rows, result(rows, 3), T0);
    // The new table puts service "aaa" first: the old rows move down by one.
    const after = buildEndpointTable(
      meshConfig(service('aaa', { endpoints: [endpoint('10.9.9.9', 1)] }), service('svc', { endpoints: [0, 1, 2].map((i) => endpoint('10.0.0.1', 1000 + i)) })),
    );
    const refresh = cache.rowsToRefresh(after, threeHorizons, new Uint8Array(4), 3);
    assert.ok(refresh.includes(0), 'the new endpoint is forecast at once');
    assert.equal(cache.forecastAt(3, 1, T0, RES)!.medianMs, 102); // old row 2, now row 3
    const other = { ...threeHorizons } as Forecaster;
    assert.equal(cache.rowsToRefresh(after, other, new Uint8Array(4), 3).length, 4);
  });

  it('defaults K to the smallest that keeps each tick within the model row budget', () => {
    assert.equal(refreshTicksFor(1000, undefined), 1);
    assert.equal(refreshTicksFor(DEFAULT_MODEL_ROWS_PER_TICK, undefined), 1);
    assert.equal(refreshTicksFor(100_000, undefined), Math.ceil(100_000 / DEFAULT_MODEL_ROWS_PER_TICK));
    assert.equal(refreshTicksFor(100_000, 1), 1);
    assert.throws(() => refreshTicksFor(10, 0), /SCORER_OPTIONS_INVALID/);
  });
});
