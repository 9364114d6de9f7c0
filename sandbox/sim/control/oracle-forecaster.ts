/**
 * The oracle forecaster of the forecaster ablation (`npm run bench:policies -- --oracle-forecast`):
 * the production `Forecaster` contract, answered from what the simulator knows of the future
 * without running it: the scenario's fault schedule.
 *
 * Definition, per forecast row (one simulated endpoint) at virtual time t, for horizon h steps of
 * the feature resolution r (1 s), target time T = t + h·r:
 * - Each endpoint's measured latency is modelled as v(τ) = c + e(τ) + f(τ)·b(τ), where f(τ) is the
 *   scheduled service-time factor (degrade ramps, noisy-neighbour duty cycles; faults.ts
 *   `slowFactor`), e(τ) the scheduled extra milliseconds (slowdown: `extraMs` on the request path,
 *   `probeExtraMs` for probes), c the network time (request path: networkMs once; probes: twice)
 *   and b(τ) what the endpoint's own load makes of it (service and queueing at factor 1).
 * - The window the scorer hands over is de-faulted cell by cell: b_k = (v_k − c − e(τ_k)) / f(τ_k),
 *   τ_k the start of cell k's bucket (the requests a load report describes were served in the
 *   second before it).
 * - Level: B = the mean of the last LEVEL_STEPS de-faulted cells, the same 5 s the scorer averages
 *   request-path latency over before scoring (compute-tick.ts smoothingSteps), so the oracle adds
 *   to the scorer's own current-level signal exactly the scheduled change and nothing else.
 * - Median at T: c + e(T) + f(T)·B. With nothing scheduled (f ≡ 1, e ≡ 0) it is the measured level;
 *   at LEVEL_STEPS = 1 it is the current value × (factor at T / factor now) + (extra at T − extra
 *   now), up to the network term.
 * - Band: median ± z₀.₉·σ·f(T), σ the noise of one measurement around the level, estimated as
 *   1.2533·MAE(one-step differences of b)/√2 over the window. Not lower = median = upper: that
 *   would claim confidence 1, and the scorer spends confidence on exploration (exploration.ts),
 *   so the certain band would change the run through exploration as well as through the
 *   forecast; the band of a forecaster that knew the expected value exactly is the measurement's
 *   own noise, which is what this one gives. It does not widen with h: the schedule is certain.
 *
 * What it does not know, honestly:
 * - Its own future load. b is held at its current level; the scorer's decisions, the other
 *   endpoints' faults and the load profile all change b, and queueing makes f·b nonlinear in f
 *   (a degrading replica at a fixed share queues more than f× as long). So it is the scheduled
 *   part of the future that is perfect, not the latency.
 * - Errors and refusals (fast-errors, gray-errors, crash, refused, zone-failure): they are not
 *   latency, so a crashing endpoint's forecast is its level; the scorer sees those through error
 *   rate and probe loss as ever.
 * - A cold replica's first reading: rows with no data are not sent to forecasters at all.
 *
 * Rows: the scorer sends its model the rows of its endpoint table (scorer/loop/endpoint-table.ts,
 * built from the config it runs on) that have data and are due a refresh, in ascending row order,
 * packed. The oracle rebuilds the same table from the same config, reads the same windows from the
 * scorer's own feature store at the same virtual instant (readFeatures), and matches the packed
 * windows to rows in order by their exact contents, so it needs no hook in the scorer. A window
 * that matches no row fails the forecast (SIM_ORACLE_ROWS): the scorer then serves its fallback,
 * as it does for any failing model.
 */
import type { MeshConfig } from '../../../api/config.ts';
import type { FeatureStore } from '../../../scorer/features/types.ts';
import { checkBatch, emptyResult } from '../../../scorer/forecast/forecast-batch.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from '../../../scorer/forecast/types.ts';
import { buildEndpointTable, type EndpointTable } from '../../../scorer/loop/endpoint-table.ts';
import { FeatureBuffers, readFeatures } from '../../../scorer/loop/read-features.ts';
import { conditionAt, endpointFaults, type EndpointCondition, type FaultSpec } from '../endpoint/faults.ts';
import { endpointAddress, type FullScenario } from '../scenario/scenario.ts';

/** Cells averaged into the level: 5 s, as compute-tick.ts smooths request-path latency at 1-s reports. */
export const LEVEL_STEPS = 5;
/** z of the 0.9 quantile of a standard normal; the band is the 0.1–0.9 interval. */
const Z_90 = 1.2815515655446004;
const MAE_TO_SIGMA = Math.sqrt(Math.PI / 2);

export interface OracleForecasterOptions {
  readonly scenario: FullScenario;
  /** The virtual clock (Unix ms of the simulation). */
  readonly now: () => number;
  /** The config the scorer runs on now (it changes when a replica joins). */
  readonly config: () => MeshConfig;
  /** The scorer's feature store (read at forecast time, so it may be created after this). */
  readonly features: () => FeatureStore;
  /** The scorer loop's staleAfterMs (ScorerLoop's default 30 s). */
  readonly staleAfterMs?: number;
  readonly window?: number;
  readonly horizons?: readonly number[];
}

export class OracleForecaster implements Forecaster {
  readonly version = 'oracle-schedule';
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles = [0.1, 0.5, 0.9] as const;
  readonly provider = 'cpu';
  /** Forecast rows answered so far. */
  rows = 0;
  readonly #o: OracleForecasterOptions;
  readonly #faults: FaultSpec[][];
  readonly #indexOfKey: Map<string, number>;
  readonly #buffers = new FeatureBuffers();
  readonly #cond: EndpointCondition = { refused: false, errorRate: 0, extraMs: 0, probeExtraMs: 0, slowFactor: 1 };
  #config: MeshConfig | undefined;
  #table: EndpointTable | undefined;

  constructor(o: OracleForecasterOptions) {
    this.#o = o;
    this.window = o.window ?? 48;
    this.horizons = [...(o.horizons ?? [1, 3, 12])];
    this.#faults = o.scenario.endpoints.map((e, i) => endpointFaults(o.scenario.faults, i, e.zone));
    this.#indexOfKey = new Map(o.scenario.endpoints.map((_, i) => [endpointAddress(i).key, i]));
  }

  /** Scheduled (extra ms, factor) of endpoint `i` at `tMs` for the request path or probes. */
  #schedule(i: number, tMs: number, probe: boolean): { extra: number; factor: number } {
    const c = conditionAt(this.#faults[i]!, tMs, this.#cond);
    return { extra: probe ? c.probeExtraMs : c.extraMs, factor: c.slowFactor };
  }

  async forecast(batch: ForecastBatch): Promise<ForecastResult> {
    checkBatch(batch, this.window);
    const now = this.#o.now();
    const config = this.#o.config();
    if (config !== this.#config) {
      this.#config = config;
      this.#table = buildEndpointTable(config);
    }
    const table = this.#table!;
    const store = this.#o.features();
    const staleAfterMs = this.#o.staleAfterMs ?? 30_000;
    const W = this.window;
    const feats = readFeatures(store, table, W, now, staleAfterMs, this.#buffers);
    const res = store.resolutionMs;
    const lastBucketMs = Math.floor(now / res) * res;
    const H = this.horizons.length;
    const out = emptyResult(batch.count, H);
    const b = new Float64Array(W);
    let row = 0;
    for (let k = 0; k < batch.count; k++) {
      // The next table row with data whose window is this one (rows come in ascending order).
      while (row < table.refs.length && (feats.empty[row] === 1 || !sameWindow(batch.windows, k * W, feats.windows, row * W, W))) row++;
      if (row >= table.refs.length) {
        throw new Error(`SIM_ORACLE_ROWS: forecast window ${k} of ${batch.count} matches no endpoint of the scorer's table at t=${now} ms`);
      }
      const ref = table.refs[row]!;
      const i = this.#indexOfKey.get(ref.endpoint);
      if (i === undefined) throw new Error(`SIM_ORACLE_ROWS: ${ref.endpoint} is not an endpoint of scenario ${this.#o.scenario.name}`);
      const probe = !this.#requestPath(store, table, row, now, staleAfterMs);
      const network = (probe ? 2 : 1) * this.#o.scenario.networkMs;
      for (let j = 0; j < W; j++) {
        const s = this.#schedule(i, lastBucketMs - (W - 1 - j) * res, probe);
        b[j] = (batch.windows[k * W + j]! - network - s.extra) / s.factor;
      }
      let level = 0;
      for (let j = W - LEVEL_STEPS; j < W; j++) level += b[j]!;
      level /= LEVEL_STEPS;
      let mad = 0;
      for (let j = 1; j < W; j++) mad += Math.abs(b[j]! - b[j - 1]!);
      const sigma = ((mad / (W - 1)) * MAE_TO_SIGMA) / Math.SQRT2;
      for (let h = 0; h < H; h++) {
        const s = this.#schedule(i, now + this.horizons[h]! * res, probe);
        const cell = k * H + h;
        const median = network + s.extra + s.factor * level;
        const half = Z_90 * sigma * s.factor;
        out.median[cell] = median;
        out.lower[cell] = median - half;
        out.upper[cell] = median + half;
      }
      this.rows++;
      row++;
    }
    return out;
  }

  /** Whether the row's service is scored on request-path latency (read-features.ts's rule). */
  #requestPath(store: FeatureStore, table: EndpointTable, row: number, now: number, staleAfterMs: number): boolean {
    const svc = table.services.find((s) => row >= s.start && row < s.end)!;
    for (let r = svc.start; r < svc.end; r++) {
      const { service, endpoint } = table.refs[r]!;
      const v = store.latest(service, endpoint, 'request_latency_ms');
      if (v !== undefined && now - v.at <= staleAfterMs) return true;
    }
    return false;
  }

  async close(): Promise<void> {}
}

function sameWindow(a: Float32Array, aStart: number, b: Float32Array, bStart: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[aStart + j] !== b[bStart + j]) return false;
  return true;
}
