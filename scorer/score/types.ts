/** Inputs and outputs of the pure scoring pipeline (one service at a time). */
import type { OutlierReason } from '../../api/decisions.ts';

/** Uniform random numbers in [0, 1); injected so every decision can be replayed. */
export type Rng = () => number;

/** The forecast of one endpoint's latency at the policy horizon, in milliseconds. */
export interface LatencyForecast {
  readonly medianMs: number;
  readonly lowerMs: number;
  readonly upperMs: number;
  /**
   * Steps (of the feature resolution) since the forecast was made, when it is reused from an
   * earlier tick (staggered forecasting); absent or 0 when made this tick.
   */
  readonly ageSteps?: number;
  /** Steps ahead of now that the forecast is for (default 1); scales how much age matters. */
  readonly horizonSteps?: number;
}

/**
 * What the scorer knows about one endpoint when it scores. A missing value means "no data" and
 * is scored neutrally (as the cluster's typical value), never as perfect.
 */
export interface EndpointSignals {
  /** "address:port" */
  readonly key: string;
  /** False when the endpoint is known to be down (probe loss 100%, no successful request). */
  readonly available: boolean;
  /** Probe latency (the prober's round trips: liveness and the network, not the request path). */
  readonly latencyMs?: number;
  readonly latencyP99Ms?: number;
  /** Mean latency on the request path (load reports by Little's law, or pushed). */
  readonly requestLatencyMs?: number;
  /**
   * The standard error of `requestLatencyMs` (its noise as an estimate), when known (policies with
   * `damping.evidence`). With it the scorer moves only on differences larger than their noise
   * (evidence.ts).
   */
  readonly requestLatencySeMs?: number;
  /**
   * The same latency over a longer window (LONG_WINDOW_MS), with its standard error: steadier, and
   * later. With it the scorer also moves when that steadier reading calls for a move beyond its own
   * noise (evidence.ts, moveSurvivesNoise).
   */
  readonly requestLatencyLong?: { readonly meanMs: number; readonly seMs: number };
  /** 0..1 */
  readonly errorRate?: number;
  /** Utilisation 0..1 (CPU); headroom is its complement. */
  readonly utilisation?: number;
  readonly costPerHour?: number;
  readonly forecast?: LatencyForecast;
}

export interface ScoreComponents {
  readonly performance: number;
  readonly forecast: number;
  readonly errors: number;
  readonly headroom: number;
  readonly cost: number;
}

export interface EndpointScore {
  readonly key: string;
  /** 0..1, higher is better; 0 for filtered endpoints. */
  readonly score: number;
  readonly components: ScoreComponents;
  /** 0..1: how much the forecast can be trusted (narrow band → 1). */
  readonly confidence: number;
  /** Why the endpoint was filtered before scoring, if it was. */
  readonly filtered?: FilterReason;
}

/** The scorer's reasons are the outlier reasons its weights slice carries. */
export type FilterReason = OutlierReason;
