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
 * - The window the scorer hands over is de-faulted cell by cell into what the endpoint would have
 *   shown with nothing scheduled: u_k = c + (v_k − c − e(τ_k)) / f(τ_k); u_k = v_k exactly where
 *   nothing is scheduled. τ_k is the middle of what cell k's reading describes: a bucket keeps its
 *   last reading, taken at most at the bucket's end (or now, for the current one), and a load
 *   report describes the report interval before it (a probe, the probe interval), so
 *   τ_k = min(bucket end, now) − interval/2. Without that lag, the reading taken at a fault's
 *   first instant, which shows none of it, was de-faulted as if it did (−200 ms of a +200 ms
 *   slowdown) and dragged the level down just when the fault began.
 * - Level and band: the scorer's own fallback on that window, the EWMA with α tuned per window
 *   (scorer/forecast/ewma-forecaster.ts, as ScorerControl builds it): median U_h, band [L_h, R_h].
 * - Forecast at T: median c + e(T) + f(T)·(U_h − c), lower and upper the same map of L_h and R_h.
 *   Where nothing is scheduled in the window or at T it is the fallback's forecast, bit for bit, so
 *   in the ablation the oracle differs from "EWMA only" (`--no-model`) by the schedule alone, and
 *   the scorer's accuracy tracker (which serves the fallback where the model is strictly less
 *   accurate) never trades one for the other on a tie. With the level taken as the last value
 *   (α = 1) and c = 0 it is: current latency × (factor at T / factor now) + (extra at T − extra now).
 * - Band: not lower = median = upper. A certain band gives confidence 1, and the scorer spends
 *   confidence on exploration (exploration.ts), so a certain oracle would differ from the others
 *   through exploration too; and what it does not know (below) is uncertain. Its band is the
 *   fallback's for the load-dependent part, scaled by the scheduled factor; the schedule adds no
 *   width.
 *
 * What it does not know, honestly:
 * - Its own future load. b is forecast as the fallback forecasts any series (flat at its EWMA
 *   level); the scorer's decisions, the other
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
import { EwmaForecaster } from '../../../scorer/forecast/ewma-forecaster.ts';
import { checkBatch, emptyResult } from '../../../scorer/forecast/forecast-batch.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from '../../../scorer/forecast/types.ts';
import { buildEndpointTable, type EndpointTable } from '../../../scorer/loop/endpoint-table.ts';
import { FeatureBuffers, readFeatures } from '../../../scorer/loop/read-features.ts';
import { conditionAt, endpointFaults, type EndpointCondition, type FaultSpec } from '../endpoint/faults.ts';
import { endpointAddress, type FullScenario } from '../scenario/scenario.ts';
import { SIM_EPOCH_MS } from '../virtual-clock.ts';

export interface OracleForecasterOptions {
  readonly scenario: FullScenario;
  /** The scorer's clock (Unix ms: the virtual clock's epochMs + queue time). */
  readonly now: () => number;
  /** The Unix ms of scenario time 0 (VirtualClock.epochMs); the fault schedule is in scenario time. */
  readonly epochMs?: number;
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
  readonly #level: EwmaForecaster;
  readonly #epochMs: number;
  #config: MeshConfig | undefined;
  #table: EndpointTable | undefined;

  constructor(o: OracleForecasterOptions) {
    this.#o = o;
    this.window = o.window ?? 48;
    this.horizons = [...(o.horizons ?? [1, 3, 12])];
    this.#epochMs = o.epochMs ?? SIM_EPOCH_MS;
    this.#level = new EwmaForecaster({ window: this.window, horizons: this.horizons });
    this.#faults = o.scenario.endpoints.map((e, i) => endpointFaults(o.scenario.faults, i, e.zone));
    this.#indexOfKey = new Map(o.scenario.endpoints.map((_, i) => [endpointAddress(i).key, i]));
  }

  /** Scheduled (extra ms, factor) of endpoint `i` at clock time `tMs` for the request path or probes. */
  #schedule(i: number, tMs: number, probe: boolean): { extra: number; factor: number } {
    const c = conditionAt(this.#faults[i]!, tMs - this.#epochMs, this.#cond);
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
    const cp = this.#o.scenario.controlPlane;
    const H = this.horizons.length;
    const unscheduled = new Float32Array(batch.windows.length);
    const endpointOf = new Int32Array(batch.count);
    const probeRow = new Uint8Array(batch.count);
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
      endpointOf[k] = i;
      const probe = !this.#requestPath(store, table, row, now, staleAfterMs);
      probeRow[k] = probe ? 1 : 0;
      const c = this.#network(probe);
      const spanMs = (probe ? cp.probeIntervalS : cp.lrsIntervalS) * 1000;
      for (let j = 0; j < W; j++) {
        const v = batch.windows[k * W + j]!;
        const bucket = lastBucketMs - (W - 1 - j) * res;
        const s = this.#schedule(i, Math.min(bucket + res, now) - spanMs / 2, probe);
        unscheduled[k * W + j] = s.extra === 0 && s.factor === 1 ? v : c + (v - c - s.extra) / s.factor;
      }
      row++;
    }
    const base = await this.#level.forecast({ windows: unscheduled, count: batch.count });
    const out = emptyResult(batch.count, H);
    for (let k = 0; k < batch.count; k++) {
      const probe = probeRow[k] === 1;
      const c = this.#network(probe);
      for (let h = 0; h < H; h++) {
        const s = this.#schedule(endpointOf[k]!, now + this.horizons[h]! * res, probe);
        const cell = k * H + h;
        const at = (x: number) => (s.extra === 0 && s.factor === 1 ? x : c + s.extra + s.factor * (x - c));
        out.median[cell] = at(base.median[cell]!);
        out.lower[cell] = at(base.lower[cell]!);
        out.upper[cell] = at(base.upper[cell]!);
      }
    }
    this.rows += batch.count;
    return out;
  }

  /** Network time in a measurement: once on the request path, twice for a probe (telemetry-feed.ts). */
  #network(probe: boolean): number {
    return (probe ? 2 : 1) * this.#o.scenario.networkMs;
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

  async close(): Promise<void> {
    await this.#level.close();
  }
}

function sameWindow(a: Float32Array, aStart: number, b: Float32Array, bStart: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[aStart + j] !== b[bStart + j]) return false;
  return true;
}
