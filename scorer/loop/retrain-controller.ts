/**
 * The feedback loop's trigger: retrains when the model's tracked accuracy falls behind the live
 * fallback's (a tuned EWMA, judged on the same endpoints and target times) or on a schedule, one
 * retraining at a time, never on the serving path (`retrain` runs the work in a worker thread,
 * e.g. scorer/train/retrain-worker.ts). The new model is handed to `onModel`, which swaps it in
 * atomically.
 *
 * Drift is relative: request-path latency at 1-s resolution is noisy, so every forecaster's
 * accuracy there is low (the model's stayed at 0.32–0.67 on real clients), and an absolute
 * threshold fired every `minIntervalMs` forever. Losing to the baseline is what says the model no
 * longer fits. A drift retraining that does not win the endpoints back doubles the wait before the
 * next one (up to the schedule), and the wait resets once the model keeps up again.
 */
import type { Forecaster } from '../forecast/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import type { ScorerLogger } from './logger.ts';

export interface RetrainOptions {
  /** Trains and loads a new model, off the serving thread. */
  readonly retrain: () => Promise<Forecaster>;
  /** Drift when mean tracked model accuracy is below the fallback's by more than this. Default 0.05. */
  readonly accuracyMargin?: number;
  /** Also drift when mean tracked model accuracy falls below this (0..1). Default: off. */
  readonly accuracyThreshold?: number;
  /** Retrain at least this often; 0 = never on schedule. Default 24 h. */
  readonly scheduleMs?: number;
  /** Minimum time between two drift-triggered retrainings. Default 10 min. */
  readonly minIntervalMs?: number;
  /** Drift needs accuracy tracked on at least this many endpoints. Default 3. */
  readonly minTrackedEndpoints?: number;
}

export type RetrainReason = 'drift' | 'schedule';

export interface RetrainStatus {
  readonly inFlight: boolean;
  readonly last?: { readonly at: number; readonly reason: RetrainReason; readonly result: 'swapped' | 'failed'; readonly version?: string; readonly error?: string };
}

export class RetrainController {
  private inFlight = false;
  private lastStart: number;
  private last: RetrainStatus['last'];
  /** Drift retrainings in a row without the model keeping up since. */
  private driftStreak = 0;

  constructor(
    private readonly o: RetrainOptions,
    now: number,
    private readonly onModel: (f: Forecaster) => Promise<void>,
    private readonly logger: ScorerLogger,
    private readonly metrics: ScorerMetrics = defaultScorerMetrics,
  ) {
    this.lastStart = now;
  }

  status(): RetrainStatus {
    return { inFlight: this.inFlight, ...(this.last ? { last: this.last } : {}) };
  }

  /**
   * Starts a retraining if one is due; returns its promise (for tests), or undefined.
   * `accuracy` and `fallbackAccuracy`: mean tracked accuracy of the model and of the fallback.
   */
  consider(now: number, accuracy: number | undefined, tracked: number, fallbackAccuracy?: number): Promise<void> | undefined {
    if (this.inFlight) return undefined;
    const schedule = this.o.scheduleMs ?? 86_400_000;
    const sinceLast = now - this.lastStart;
    const behind =
      accuracy !== undefined &&
      tracked >= (this.o.minTrackedEndpoints ?? 3) &&
      ((fallbackAccuracy !== undefined && accuracy < fallbackAccuracy - (this.o.accuracyMargin ?? 0.05)) ||
        (this.o.accuracyThreshold !== undefined && accuracy < this.o.accuracyThreshold));
    if (!behind && accuracy !== undefined) this.driftStreak = 0;
    const wait = (this.o.minIntervalMs ?? 600_000) * 2 ** this.driftStreak;
    let reason: RetrainReason | undefined;
    if (behind && sinceLast >= (schedule > 0 ? Math.min(wait, schedule) : wait)) reason = 'drift';
    else if (schedule > 0 && sinceLast >= schedule) reason = 'schedule';
    if (!reason) return undefined;
    if (reason === 'drift') this.driftStreak++;
    return this.run(now, reason, accuracy);
  }

  private async run(now: number, reason: RetrainReason, accuracy: number | undefined): Promise<void> {
    this.inFlight = true;
    this.lastStart = now;
    this.logger.info({ reason, accuracy }, 'retraining the forecast model');
    try {
      const model = await this.o.retrain();
      await this.onModel(model);
      this.metrics.scorerMetrics.retrains.inc({ reason, result: 'swapped' });
      this.last = { at: now, reason, result: 'swapped', version: model.version };
      this.logger.info({ reason, version: model.version }, 'retrained model swapped in');
    } catch (err) {
      this.metrics.scorerMetrics.retrains.inc({ reason, result: 'failed' });
      this.last = { at: now, reason, result: 'failed', error: (err as Error).message };
      this.logger.error({ reason, err: (err as Error).message }, 'retraining failed; keeping the current model');
    } finally {
      this.inFlight = false;
    }
  }
}
