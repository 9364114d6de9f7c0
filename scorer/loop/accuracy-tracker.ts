/**
 * Live forecast accuracy per endpoint, for the model and for the EWMA fallback (DESIGN §5
 * "Feedback loop"). Each forecast is remembered until its target time; when an actual for that
 * time arrives, accuracy a = 1 − |forecast − actual| / actual (clamped to 0..1) feeds an EWMA with
 * α = 0.1. An endpoint whose tracked model accuracy is below the fallback's is served by the
 * fallback. A new model starts untracked (trusted) and earns or loses endpoints as actuals arrive.
 */
export const ACCURACY_ALPHA = 0.1;

/** One endpoint; the pending forecast is held inline (targetAt NaN: none), so no object per tick. */
interface Track {
  model: number | undefined;
  fallback: number | undefined;
  targetAt: number;
  pendingModel: number;
  pendingFallback: number;
  /** The last forecasts scored against an actual, and that actual (NaN: none yet). */
  scoredModel: number;
  scoredFallback: number;
  scoredActual: number;
}

/** A forecast whose target time came, beside what was then observed. */
export interface ScoredForecast {
  readonly model: number;
  readonly fallback: number;
  readonly actual: number;
}

export interface AccuracySummary {
  /** Mean tracked accuracy over endpoints with a value; undefined when none yet. */
  readonly model: number | undefined;
  readonly fallback: number | undefined;
  readonly tracked: number;
}

function sample(forecast: number, actual: number): number {
  return Math.min(1, Math.max(0, 1 - Math.abs(forecast - actual) / actual));
}

const prefers = (t: Track): boolean => t.model !== undefined && t.fallback !== undefined && t.model < t.fallback;

const ewma = (prev: number | undefined, x: number) => (prev === undefined ? x : prev + ACCURACY_ALPHA * (x - prev));

export class AccuracyTracker {
  private readonly tracks = new Map<string, Track>();

  /** @param resolutionMs an actual counts for a target time if it is at most this much older. */
  constructor(private readonly resolutionMs: number) {}

  /**
   * Scores the endpoint's pending forecast if its target time has come and an actual for it exists,
   * then remembers the new forecasts of `model` and `fallback` for `targetAt` if nothing is pending
   * (`model` NaN: no new forecast). Returns `prefersFallback(id)` after the update. Scalars rather
   * than an object: this runs for every endpoint on every tick.
   */
  update(id: string, now: number, actual: number, actualAt: number, targetAt: number, model: number, fallback: number): boolean {
    let t = this.tracks.get(id);
    // All fields set from the start: one object shape for every track.
    if (!t) this.tracks.set(id, (t = { model: undefined, fallback: undefined, targetAt: Number.NaN, pendingModel: 0, pendingFallback: 0, scoredModel: Number.NaN, scoredFallback: Number.NaN, scoredActual: Number.NaN }));
    if (now >= t.targetAt) {
      if (actual > 0 && actualAt >= t.targetAt - this.resolutionMs) {
        t.model = ewma(t.model, sample(t.pendingModel, actual));
        t.fallback = ewma(t.fallback, sample(t.pendingFallback, actual));
        t.scoredModel = t.pendingModel;
        t.scoredFallback = t.pendingFallback;
        t.scoredActual = actual;
        t.targetAt = Number.NaN;
      } else if (now - t.targetAt > 4 * this.resolutionMs) {
        t.targetAt = Number.NaN; // no actual arrived for that time; forget it
      }
    }
    if (Number.isNaN(t.targetAt) && !Number.isNaN(model)) {
      t.targetAt = targetAt;
      t.pendingModel = model;
      t.pendingFallback = fallback;
    }
    return prefers(t);
  }

  /** True when the fallback has been more accurate than the model on this endpoint. */
  prefersFallback(id: string): boolean {
    const t = this.tracks.get(id);
    return t !== undefined && prefers(t);
  }

  /** The endpoint's last forecasts that came due and the actual they were scored against. */
  lastScored(id: string): ScoredForecast | undefined {
    const t = this.tracks.get(id);
    return t && !Number.isNaN(t.scoredActual) ? { model: t.scoredModel, fallback: t.scoredFallback, actual: t.scoredActual } : undefined;
  }

  accuracy(id: string): { model?: number; fallback?: number } {
    const t = this.tracks.get(id);
    return { model: t?.model, fallback: t?.fallback };
  }

  /** Forgets model accuracy (a new model was swapped in); fallback accuracy carries on. */
  resetModel(): void {
    for (const t of this.tracks.values()) {
      t.model = undefined;
      t.targetAt = Number.NaN;
      t.scoredModel = Number.NaN;
    }
  }

  /** Keeps only the endpoints still scored. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.tracks.keys()) if (!ids.has(id)) this.tracks.delete(id);
  }

  summary(): AccuracySummary {
    let m = 0;
    let mn = 0;
    let f = 0;
    let fn = 0;
    for (const t of this.tracks.values()) {
      if (t.model !== undefined) (m += t.model), mn++;
      if (t.fallback !== undefined) (f += t.fallback), fn++;
    }
    return { model: mn ? m / mn : undefined, fallback: fn ? f / fn : undefined, tracked: mn };
  }
}
