/**
 * One leader tick's computation, without side effects on the store: features → one batched
 * forecast (the model over the endpoints due a refresh, see staggered-forecasts.ts; the EWMA
 * fallback over all) → per-endpoint forecaster choice from tracked accuracy → scores → damped
 * integer weights for every service.
 */
import type { FeatureStore } from '../features/types.ts';
import type { Forecaster, ForecastResult } from '../forecast/types.ts';
import { scoreService, type HoldReason } from '../score/score-service.ts';
import type { EndpointSignals, FilterReason, LatencyForecast, Rng } from '../score/types.ts';
import type { ServiceRecord } from '../store/types.ts';
import type { AccuracyTracker } from './accuracy-tracker.ts';
import { forecastAll, horizonIndex } from './batched-forecast.ts';
import type { EndpointTable } from './endpoint-table.ts';
import { readFeatures, type FeatureBuffers, type TickFeatures } from './read-features.ts';
import type { StaggeredForecasts } from './staggered-forecasts.ts';

export interface TickInput {
  readonly table: EndpointTable;
  readonly features: FeatureStore;
  readonly model: Forecaster;
  readonly fallback: Forecaster;
  readonly tracker: AccuracyTracker;
  readonly previousShares: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly now: number;
  readonly rng: Rng;
  readonly staleAfterMs: number;
  /** The model's forecasts kept across ticks; decides which rows the model refreshes. */
  readonly forecasts: StaggeredForecasts;
  /** K: the model re-forecasts each endpoint at least every this many ticks. */
  readonly refreshTicks: number;
  /** Feature buffers reused from tick to tick. */
  readonly buffers?: FeatureBuffers;
  /** How often load reports arrive (the LRS interval Prescient asks for); default 10 s. */
  readonly loadReportIntervalMs?: number;
}

export interface TickOutput {
  readonly records: ServiceRecord[];
  readonly shares: Map<string, Map<string, number>>;
  /** Mean forecast confidence per service. */
  readonly confidence: Map<string, number>;
  /** Services whose previous shares were kept this tick, and why. */
  readonly held: Map<string, HoldReason>;
  /** Row ids ("service\0endpoint") forecast by the fallback this tick. */
  readonly onFallback: Set<string>;
  readonly modelError?: Error;
  /** Endpoints the model forecast this tick (the others reused an earlier forecast). */
  readonly modelRows: number;
  readonly timings: { featuresMs: number; modelMs: number; fallbackMs: number; scoringMs: number };
}

/**
 * Loop gains for services scored on request-path latency (score-service.ts `gain` for shares
 * going down, `gainUp` for shares going up), per load-report interval: that latency rises with
 * the share it causes and is new only once per report, so the loop may take one step per report,
 * not one per tick (jumping to each tick's target made two equal replicas at 85% swing between
 * 35% and 63%; taking a quarter per 1-s tick still swung 26–72% under 10-s reports once scores
 * were sharpened). Per tick the gain is 1 − (1 − g)^(tick / report interval).
 *
 * Rising is slower than falling: the loop's gain is the step times (1 + the target's sensitivity
 * to the share), and that sensitivity grows without bound as an endpoint nears saturation
 * (queueing latency ~ 1/(1 − ρ)). An endpoint given too much is shed quickly; the share it climbs
 * back to is approached from below, without the overshoot that restarts the cycle. Tuned in the
 * simulator (bench:policies, heterogeneous-step, fast-failing-replica, slow-replica).
 */
export const REQUEST_LATENCY_GAIN = 0.4;
export const REQUEST_LATENCY_GAIN_UP = 0.18;
/**
 * The gains above apply per load report, but never more than once per this many milliseconds:
 * with reports every second, one report's worth of gain per report made the 3x-capacity replica of
 * the simulator's heterogeneous-step swing (p99.9 212 ms over 3 seeds against 83 ms here), while
 * reports that arrive often still help by being fresh and by averaging their noise over the ticks
 * (with the same per-second gain, 5-s reports gave 184 ms and 1-s reports 83 ms; bench:policies,
 * 5 seeds). At 10-s reports (or longer) nothing changes.
 */
export const GAIN_BASIS_MS = 5_000;
/**
 * What Prescient asks LRS clients for unless told otherwise (xds-server/transport, the CLI's
 * --lrs-interval-ms, the simulator's default): request-path latency from load reports is the
 * signal the scorer moves traffic on, and every move waits for it. 1 s instead of 10 s took the
 * simulator's degradation p99.9 from 242 to 190 ms and heterogeneous-step's from 107 to 83 ms
 * (README, "Policies in the simulator"); the cost is one load report per client stream per second.
 */
export const DEFAULT_LOAD_REPORT_INTERVAL_MS = 1_000;

/** A per-report gain as a per-tick one. */
export function perTickGain(perReport: number, tickMs: number, reportMs: number): number {
  if (!(reportMs > 0) || tickMs >= reportMs) return perReport;
  return 1 - (1 - perReport) ** (tickMs / reportMs);
}

/** Lowest and highest of a latency over the available endpoints that have it (±Infinity: none). */
function spread(signals: readonly EndpointSignals[], latency: (x: EndpointSignals) => number | undefined): { best: number; worst: number } {
  let best = Number.POSITIVE_INFINITY;
  let worst = Number.NEGATIVE_INFINITY;
  for (const x of signals) {
    const v = latency(x);
    if (!x.available || v === undefined) continue;
    best = Math.min(best, v);
    worst = Math.max(worst, v);
  }
  return { best, worst };
}

/**
 * Whether the probes alone already show an endpoint at least four times as slow as the best (with
 * the latency tolerance; twice was met by event-loop jitter of a few milliseconds on real clients,
 * and each time the loop jumped with full gain), and by at least PROBE_GAP_MS (a probe delayed
 * 25 ms by a busy event loop is not a slow host): then the fast, load-independent probe signal drives the move, and the gain
 * need not be lowered for the slow request-path one.
 */
function probesDiffer(signals: readonly EndpointSignals[], toleranceMs: number): boolean {
  const { best, worst } = spread(signals, (x) => x.latencyMs);
  return worst - best >= PROBE_GAP_MS && (best + toleranceMs) / (worst + toleranceMs) < 0.25;
}

const PROBE_GAP_MS = 50;

/**
 * Steps of the feature window over which request-path latency is averaged before scoring when
 * load reports arrive faster than GAIN_BASIS_MS: one report's Little's-law latency rests on a
 * snapshot of requests in flight, which at tens of requests per report is noise of the order of
 * the value itself; the loop moves once per GAIN_BASIS_MS anyway, so it may look at that much.
 * Measured on real clients (3x-capacity backend at 70% load, 1-s reports): moves of two points or
 * more changing direction 17 times in 40 s → 0; in the simulator within the seed-to-seed spread.
 * With reports as slow as the basis or slower, the latest value is used as before.
 */
export function smoothingSteps(reportMs: number, resolutionMs: number, window: number): number {
  if (reportMs >= GAIN_BASIS_MS || !(resolutionMs > 0)) return 1;
  return Math.max(1, Math.min(window, Math.round(GAIN_BASIS_MS / resolutionMs)));
}

export function meanOfLast(windows: Float32Array, row: number, window: number, steps: number): number {
  const end = (row + 1) * window;
  let sum = 0;
  for (let i = end - steps; i < end; i++) sum += windows[i]!;
  return sum / steps;
}

/**
 * How far back the noise of request-path readings is judged (standardErrorOfLast's span; never
 * more than the feature window). Chosen in the simulator: over 20 s one heterogeneous-step seed
 * held an overloaded replica's share (p99.9 174 vs 84 ms); over 40 s no seed of ten went above 96 ms.
 */
export const NOISE_SPAN_MS = 40_000;

/**
 * The longer window of request-path latency (EndpointSignals.requestLatencyLong) that lets a
 * service held for want of evidence still move where a steadier reading calls for it (a recovered
 * replica coming back). Chosen in the simulator: 10, 15 and 20 s kept the 3x-capacity case
 * settled alike (4–5 reversals over ten simulated minutes); 20 s brought a recovered replica back
 * furthest (0.23 of the traffic 50 s after its recovery, against 0.32 without the gate), 40 s let
 * the reversals back (30).
 */
export const LONG_WINDOW_MS = 20_000;

/**
 * The standard error of `meanOfLast` over `steps`: the readings' standard deviation over √steps.
 * Each step holds the load reports of its own second, so steps are close to independent readings
 * of one latency, and their spread is what a reading's Little's-law noise really is at this
 * endpoint's load, with no model of the reporters behind it. The deviation comes from successive
 * differences over the last `span` steps (von Neumann: E[(xᵢ₊₁ − xᵢ)²] = 2σ² for independent
 * readings), which a latency drifting up or down over the span barely inflates, and which is
 * steadier than the deviation of the few steps averaged.
 */
export function standardErrorOfLast(windows: Float32Array, row: number, window: number, steps: number, span: number): number {
  const n = Math.min(window, span);
  if (n < 2 || steps < 1) return Number.POSITIVE_INFINITY;
  const end = (row + 1) * window;
  let squares = 0;
  for (let i = end - n + 1; i < end; i++) squares += (windows[i]! - windows[i - 1]!) ** 2;
  return Math.sqrt(squares / (2 * (n - 1)) / steps);
}

/**
 * Whether the load reports show an endpoint at least three times as slow on the request path as
 * the best and by at least REQUEST_GAP_MS: then shares going down move by REQUEST_LATENCY_GAIN per
 * report, without waiting for GAIN_BASIS_MS (a +200 ms replica is shed in a few reports; a 3x
 * slower replica under ~50 ms of queueing, which is the normal state of heterogeneous capacity,
 * is not). Rising stays at the slow gain: the overshoot upwards is what starts a cycle. Chosen in
 * the simulator (factor 3 and 4 alike; a faster drop, 0.7 per report, herded the others into errors).
 */
const REQUEST_GAP_FACTOR = 3;
const REQUEST_GAP_MS = 50;

function requestPathDiffers(signals: readonly EndpointSignals[]): boolean {
  const { best, worst } = spread(signals, (x) => x.requestLatencyMs);
  return worst - best >= REQUEST_GAP_MS && worst >= REQUEST_GAP_FACTOR * best;
}

/**
 * The per-tick gains of a service scored on load reports: REQUEST_LATENCY_GAIN down and
 * REQUEST_LATENCY_GAIN_UP up per report, at most one report's worth per GAIN_BASIS_MS, except
 * that shares go down by a full report's gain per report when the request path shows an
 * obviously slow endpoint (requestPathDiffers).
 */
export function loadReportGains(signals: readonly EndpointSignals[], tickMs: number, reportMs: number): { gain: number; gainUp: number } {
  const basis = Math.max(GAIN_BASIS_MS, reportMs);
  return {
    gain: perTickGain(REQUEST_LATENCY_GAIN, tickMs, requestPathDiffers(signals) ? reportMs : basis),
    gainUp: perTickGain(REQUEST_LATENCY_GAIN_UP, tickMs, basis),
  };
}

/** A number column's value as an optional signal (NaN: missing). */
const present = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** A fresh forecast (the fallback's), in the same shape as the model's reused ones. */
function band(r: ForecastResult, cell: number, horizonSteps: number): LatencyForecast {
  return { medianMs: r.median[cell]!, lowerMs: r.lower[cell]!, upperMs: r.upper[cell]!, ageSteps: 0, horizonSteps };
}

function signalsOf(feats: TickFeatures, row: number, key: string, forecast: LatencyForecast | undefined): EndpointSignals {
  const loss = feats.loss[row]!;
  // Every field always set (undefined when missing): one object shape for the scoring code.
  const errorRate = present(feats.errorRate[row]!);
  return {
    key,
    // Probes that all fail while requests succeed (load reports with errors below 100%) say
    // nothing about the endpoint, only about the probe (a server without grpc.health.v1 answers
    // UNIMPLEMENTED): it is available.
    available: Number.isNaN(loss) || loss < 1 || (errorRate !== undefined && errorRate < 1),
    latencyMs: present(feats.latencyMs[row]!),
    requestLatencyMs: present(feats.requestLatencyMs[row]!),
    latencyP99Ms: present(feats.latencyP99Ms[row]!),
    errorRate,
    utilisation: present(feats.utilisation[row]!),
    costPerHour: present(feats.costPerHour[row]!),
    forecast,
  };
}

export async function computeTick(input: TickInput): Promise<TickOutput> {
  const { table, model, fallback, tracker, now, forecasts } = input;
  const count = table.refs.length;
  const window = Math.max(model.window, fallback.window);
  const t0 = performance.now();
  const feats = readFeatures(input.features, table, window, now, input.staleAfterMs, input.buffers);
  const t1 = performance.now();
  const refresh = forecasts.rowsToRefresh(table, model, feats.empty, input.refreshTicks);
  const fc = await forecastAll(model, fallback, feats.windows, count, window, refresh);
  if (fc.model) forecasts.store(refresh, fc.model, now);
  const t2 = performance.now();
  const resolutionMs = input.features.resolutionMs;
  const smoothSteps = smoothingSteps(input.loadReportIntervalMs ?? DEFAULT_LOAD_REPORT_INTERVAL_MS, resolutionMs, window);
  const noiseSpan = Math.round(NOISE_SPAN_MS / resolutionMs);
  const longSteps = Math.min(window, Math.round(LONG_WINDOW_MS / resolutionMs));

  const records: ServiceRecord[] = [];
  const shares = new Map<string, Map<string, number>>();
  const confidence = new Map<string, number>();
  const held = new Map<string, HoldReason>();
  const onFallback = new Set<string>();
  for (const svc of table.services) {
    const hm = horizonIndex(model.horizons, svc.policy.horizonSteps);
    const hf = horizonIndex(fallback.horizons, svc.policy.horizonSteps);
    const modelSteps = model.horizons[hm]!;
    const targetAt = now + modelSteps * resolutionMs;
    const signals: EndpointSignals[] = [];
    for (let row = svc.start; row < svc.end; row++) {
      const id = table.ids[row]!;
      const fCell = row * fallback.horizons.length + hf;
      const empty = feats.empty[row] === 1;
      const modelForecast = empty || !fc.model ? undefined : forecasts.forecastAt(row, modelSteps, now, resolutionMs);
      const prefersFallback = tracker.update(
        id,
        now,
        feats.actual[row]!,
        feats.actualAt[row]!,
        targetAt,
        modelForecast ? modelForecast.medianMs : Number.NaN,
        fc.fallback.median[fCell]!,
      );
      const useFallback = !modelForecast || prefersFallback;
      if (useFallback && !empty) onFallback.add(id);
      const forecast = empty ? undefined : useFallback ? band(fc.fallback, fCell, fallback.horizons[hf]!) : modelForecast;
      const sig = signalsOf(feats, row, table.refs[row]!.endpoint, forecast);
      const smoothed = smoothSteps > 1 && sig.requestLatencyMs !== undefined && feats.empty[row] !== 1;
      if (!smoothed) signals.push(sig);
      else if (!(svc.policy.evidence > 0)) signals.push({ ...sig, requestLatencyMs: meanOfLast(feats.windows, row, window, smoothSteps) });
      else {
        // The noise of the readings, only for policies that move on evidence (evidence.ts).
        signals.push({
          ...sig,
          requestLatencyMs: meanOfLast(feats.windows, row, window, smoothSteps),
          requestLatencySeMs: standardErrorOfLast(feats.windows, row, window, smoothSteps, noiseSpan),
          requestLatencyLong: { meanMs: meanOfLast(feats.windows, row, window, longSteps), seMs: standardErrorOfLast(feats.windows, row, window, longSteps, noiseSpan) },
        });
      }
    }
    const onLoadReports = signals.some((x) => x.requestLatencyMs !== undefined) && !probesDiffer(signals, svc.policy.latencyToleranceMs);
    const reportMs = input.loadReportIntervalMs ?? DEFAULT_LOAD_REPORT_INTERVAL_MS;
    const r = scoreService({
      signals,
      policy: svc.policy,
      previousShares: input.previousShares.get(svc.service),
      rng: input.rng,
      ...(onLoadReports && { ...loadReportGains(signals, svc.policy.intervalMs, reportMs), moveOnEvidence: smoothSteps > 1 }),
    });
    shares.set(svc.service, r.shares);
    confidence.set(svc.service, r.confidence);
    if (r.held) held.set(svc.service, r.held);
    const scores = new Map<string, number>();
    const outliers = new Map<string, FilterReason>();
    for (const sc of r.scores) {
      scores.set(sc.key, sc.score);
      if (sc.filtered) outliers.set(sc.key, sc.filtered);
    }
    records.push({ weights: { service: svc.service, weights: r.weights, modelVersion: model.version, computedAt: now, ...(outliers.size > 0 && { outliers }) }, scores });
  }
  const t3 = performance.now();
  return {
    records,
    shares,
    confidence,
    held,
    onFallback,
    ...(fc.modelError ? { modelError: fc.modelError } : {}),
    modelRows: fc.model ? refresh.length : 0,
    timings: { featuresMs: t1 - t0, modelMs: fc.inferenceMs.model, fallbackMs: fc.inferenceMs.fallback, scoringMs: t3 - t2 },
  };
}
