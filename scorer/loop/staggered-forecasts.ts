/**
 * Staggered model forecasting: the model's forecasts span several steps (horizons such as 1, 3
 * and 12), so a forecast made a few ticks ago still says something about the policy horizon now.
 * With `refreshTicks` K, each tick re-forecasts about 1/K of the endpoints (row ≡ tick mod K) and
 * reuses the others' last forecasts, which divides inference time by K.
 *
 * Contracts:
 * - Every endpoint with data is re-forecast at least once every K ticks: besides its turn, a row is
 *   refreshed when its forecast is K or more ticks old (rows move when the config changes), when
 *   it has none (new endpoint, new model, no data until now), so at most K − 1 ticks old is served.
 * - A reused forecast is shifted by its age: one made `a` steps ago for "now + h" is read at
 *   horizon h + a, linearly interpolated between the model's horizons (flat past the last one).
 *   Its band is read the same way, and the age goes with it so confidence can discount it.
 * - K = 1 forecasts every endpoint every tick (no reuse at all).
 * - Rows whose window has no data are not sent to the model; they have no forecast to serve.
 */
import type { Forecaster, ForecastResult } from '../forecast/types.ts';
import type { LatencyForecast } from '../score/types.ts';
import type { EndpointTable } from './endpoint-table.ts';

/**
 * Endpoints the model forecasts per tick by default: at about 0.25–0.4 s per 35,000 on two CPU
 * cores (bench/results/scorer.json), 100,000 endpoints (K = 3) leave room for the rest of the tick
 * within one second, and meshes up to this size are forecast whole every tick.
 */
export const DEFAULT_MODEL_ROWS_PER_TICK = 35_000;

/** K for a mesh of `endpoints`: the configured one, or the smallest that keeps to the default budget. */
export function refreshTicksFor(endpoints: number, configured: number | undefined): number {
  if (configured !== undefined) {
    if (!Number.isInteger(configured) || configured < 1) {
      throw new RangeError(`SCORER_OPTIONS_INVALID: forecastRefreshTicks must be a positive integer, got ${configured}`);
    }
    return configured;
  }
  return Math.max(1, Math.ceil(endpoints / DEFAULT_MODEL_ROWS_PER_TICK));
}

function lerp(v: Float32Array, a: number, b: number, w: number): number {
  return v[a]! + w * (v[b]! - v[a]!);
}

export class StaggeredForecasts {
  #model: Forecaster | undefined;
  #table: EndpointTable | undefined;
  #horizons: readonly number[] = [];
  #tick = 0;
  /** Per row × horizon, in the series' units. */
  #median = new Float32Array(0);
  #lower = new Float32Array(0);
  #upper = new Float32Array(0);
  /** Per row: when (Unix ms) and on which tick its forecast was made; NaN / −1 when it has none. */
  #madeAt = new Float64Array(0);
  #madeTick = new Int32Array(0);

  /**
   * Starts a tick: keeps the forecasts of endpoints still in `table` (matched by row id) from the
   * same `model`, forgets the rest, and returns the rows to forecast this tick in ascending order.
   * `empty[row]` is 1 where the row has no data; `refreshTicks` is K.
   */
  rowsToRefresh(table: EndpointTable, model: Forecaster, empty: Uint8Array, refreshTicks: number): Uint32Array {
    if (model !== this.#model) this.#reset(table, model);
    else if (table !== this.#table) this.#remap(table);
    const tick = ++this.#tick;
    const k = refreshTicks;
    const count = table.ids.length;
    const rows = new Uint32Array(count);
    let n = 0;
    for (let row = 0; row < count; row++) {
      if (empty[row] === 1) continue;
      const made = this.#madeTick[row]!;
      if (made < 0 || row % k === tick % k || tick - made >= k) rows[n++] = row;
    }
    return rows.subarray(0, n);
  }

  /** Stores the forecasts of `rows` (row i of `result` is table row `rows[i]`), made at `now`. */
  store(rows: Uint32Array, result: ForecastResult, now: number): void {
    const h = this.#horizons.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      for (let j = 0; j < h; j++) {
        this.#median[row * h + j] = result.median[i * h + j]!;
        this.#lower[row * h + j] = result.lower[i * h + j]!;
        this.#upper[row * h + j] = result.upper[i * h + j]!;
      }
      this.#madeAt[row] = now;
      this.#madeTick[row] = this.#tick;
    }
  }

  /**
   * The row's forecast for `now + horizonSteps · resolutionMs`, shifted by its age; undefined when
   * the row has none.
   */
  forecastAt(row: number, horizonSteps: number, now: number, resolutionMs: number): LatencyForecast | undefined {
    const madeAt = this.#madeAt[row]!;
    if (Number.isNaN(madeAt)) return undefined;
    const ageSteps = Math.max(0, (now - madeAt) / resolutionMs);
    const at = horizonSteps + ageSteps;
    const hs = this.#horizons;
    const base = row * hs.length;
    let j = 0;
    while (j < hs.length - 1 && hs[j + 1]! <= at) j++;
    // Cell j alone when `at` is at or past the last horizon, before the first, or exactly on h_j.
    const next = j < hs.length - 1 && at > hs[j]! ? j + 1 : j;
    const w = next === j ? 0 : (at - hs[j]!) / (hs[next]! - hs[j]!);
    const a = base + j;
    const b = base + next;
    return {
      medianMs: lerp(this.#median, a, b, w),
      lowerMs: lerp(this.#lower, a, b, w),
      upperMs: lerp(this.#upper, a, b, w),
      ageSteps,
      horizonSteps,
    };
  }

  #allocate(count: number): void {
    const cells = count * this.#horizons.length;
    this.#median = new Float32Array(cells);
    this.#lower = new Float32Array(cells);
    this.#upper = new Float32Array(cells);
    this.#madeAt = new Float64Array(count).fill(Number.NaN);
    this.#madeTick = new Int32Array(count).fill(-1);
  }

  #reset(table: EndpointTable, model: Forecaster): void {
    this.#model = model;
    this.#table = table;
    this.#horizons = [...model.horizons];
    this.#allocate(table.ids.length);
  }

  #remap(table: EndpointTable): void {
    const before = new Map<string, number>();
    this.#table!.ids.forEach((id, row) => before.set(id, row));
    const [median, lower, upper, madeAt, madeTick] = [this.#median, this.#lower, this.#upper, this.#madeAt, this.#madeTick];
    this.#table = table;
    this.#allocate(table.ids.length);
    const h = this.#horizons.length;
    table.ids.forEach((id, row) => {
      const old = before.get(id);
      if (old === undefined) return;
      this.#median.set(median.subarray(old * h, (old + 1) * h), row * h);
      this.#lower.set(lower.subarray(old * h, (old + 1) * h), row * h);
      this.#upper.set(upper.subarray(old * h, (old + 1) * h), row * h);
      this.#madeAt[row] = madeAt[old]!;
      this.#madeTick[row] = madeTick[old]!;
    });
  }
}
