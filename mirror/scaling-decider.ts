/**
 * Predictive scaling decisions for one service (DESIGN §6), pure: the recent observed series of
 * the policy's metric, a forecast of it one start-up time ahead, the current replicas and when
 * the last action was → at most one decision. No clock or I/O; the module feeds it.
 *
 * - Scale out by `step` (up to `max`) when the observed value stayed above `scaleOutAbove` for the
 *   whole `duration`, or — ahead of time — when the forecast for now + `startupMs` is above it, so
 *   new replicas are ready when the load arrives.
 * - Scale in by `step` (down to `min`) only on observed load: the value stayed below
 *   `scaleInBelow` for the whole `duration`; a forecast never scales in, and a forecast above
 *   `scaleOutAbove` vetoes a scale-in (it would be undone at once).
 * - Nothing within `cooldownMs` of the last action.
 */

export interface ScalingSettings {
  readonly scaleOutAbove: number;
  readonly scaleInBelow: number;
  readonly durationMs: number;
  readonly cooldownMs: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly startupMs: number;
}

export interface Sample {
  readonly at: number;
  readonly value: number;
}

export interface ScalingInput {
  readonly at: number;
  readonly replicas: number;
  /** Oldest first; NaN values (no data) are ignored. */
  readonly observed: readonly Sample[];
  /** The metric predicted for `at + startupMs`, if a forecast is available. */
  readonly forecast?: number;
  readonly lastActionAt?: number;
  /** Spacing of the observed samples (the feature store's resolution). */
  readonly resolutionMs: number;
}

export interface ScalingDecision {
  readonly action: 'scale-out' | 'scale-in';
  readonly from: number;
  readonly to: number;
  /** "observed" or "forecast"; "operator" for an operator's undo (`audit revert`), never from the decider. */
  readonly basis: 'observed' | 'forecast' | 'operator';
  readonly reason: string;
  readonly evidence: Record<string, unknown>;
}

/** Whether every sample of the last `durationMs` satisfies `pred`, and the samples cover it. */
function sustained(input: ScalingInput, durationMs: number, pred: (v: number) => boolean): { held: boolean; samples: number; min?: number; max?: number } {
  const from = input.at - durationMs;
  const recent = input.observed.filter((s) => s.at >= from && s.at <= input.at && Number.isFinite(s.value));
  const covered = recent.length > 0 && recent[0]!.at <= from + input.resolutionMs && recent.length >= Math.max(1, Math.floor(durationMs / input.resolutionMs));
  const values = recent.map((s) => s.value);
  return { held: covered && values.every(pred), samples: recent.length, ...(values.length && { min: Math.min(...values), max: Math.max(...values) }) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function decideScaling(input: ScalingInput, s: ScalingSettings): ScalingDecision | undefined {
  if (input.lastActionAt !== undefined && input.at - input.lastActionAt < s.cooldownMs) return undefined;
  const above = sustained(input, s.durationMs, (v) => v > s.scaleOutAbove);
  const forecastHigh = input.forecast !== undefined && Number.isFinite(input.forecast) && input.forecast > s.scaleOutAbove;
  const common = { samples: above.samples, observedMin: above.min !== undefined ? round(above.min) : undefined, observedMax: above.max !== undefined ? round(above.max) : undefined, ...(input.forecast !== undefined && { forecast: round(input.forecast), forecastFor: input.at + s.startupMs }) };
  if (input.replicas < s.max && (above.held || forecastHigh)) {
    const basis = above.held ? 'observed' : 'forecast';
    return {
      action: 'scale-out',
      from: input.replicas,
      to: Math.min(s.max, input.replicas + s.step),
      basis,
      reason: basis === 'observed' ? `above ${s.scaleOutAbove} for ${s.durationMs} ms` : `forecast ${round(input.forecast!)} above ${s.scaleOutAbove} in ${s.startupMs} ms (start-up time): scaling out ahead`,
      evidence: common,
    };
  }
  const below = sustained(input, s.durationMs, (v) => v < s.scaleInBelow);
  if (input.replicas > s.min && below.held && !forecastHigh) {
    return {
      action: 'scale-in',
      from: input.replicas,
      to: Math.max(s.min, input.replicas - s.step),
      basis: 'observed',
      reason: `below ${s.scaleInBelow} for ${s.durationMs} ms`,
      evidence: { ...common, observedMax: below.max !== undefined ? round(below.max) : undefined },
    };
  }
  return undefined;
}

/** Least-squares line through the samples, evaluated `aheadMs` after the last one; undefined with < 3 samples. */
export function trendForecast(samples: readonly Sample[], aheadMs: number): number | undefined {
  const pts = samples.filter((s) => Number.isFinite(s.value));
  if (pts.length < 3) return undefined;
  const t0 = pts[0]!.at;
  const xs = pts.map((p) => (p.at - t0) / 1000);
  const ys = pts.map((p) => p.value);
  const n = pts.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const lastX = (pts[n - 1]!.at - t0) / 1000;
  return my + slope * (lastX + aheadMs / 1000 - mx);
}
