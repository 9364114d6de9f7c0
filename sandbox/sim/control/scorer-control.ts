/**
 * The production scorer on virtual time: RingFeatureStore fed by telemetry-feed.ts, ScorerLoop
 * (features → forecaster with its EWMA fallback → score → damping → integer weights) with an
 * in-memory exclusive score store, ticked by the event queue at the policy interval. Its decision
 * slice goes to the SimPublisher exactly as the root's ScorerModule hands it to the decision board.
 */
import type { MeshConfig } from '../../../api/config.ts';
import { SCORER_SLICE, type WeightsSlice } from '../../../api/decisions.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { EwmaForecaster } from '../../../scorer/forecast/ewma-forecaster.ts';
import type { Forecaster } from '../../../scorer/forecast/types.ts';
import { ScorerLoop } from '../../../scorer/loop/scorer-loop.ts';
import { MemoryScoreStore } from '../../../scorer/store/memory-score-store.ts';
import type { EventQueue } from '../event-queue.ts';
import type { SeededRng } from '../rng.ts';
import type { SimPublisher } from './sim-publisher.ts';

/** Shape of the shipped model, for the EWMA-only scorer (as ScorerModule falls back to). */
const EWMA_ONLY = { window: 48, horizons: [1, 3, 12] };

/** A forecaster the loop may "close" without closing the shared one. */
function borrowed(f: Forecaster): Forecaster {
  return {
    version: f.version,
    window: f.window,
    horizons: f.horizons,
    quantiles: f.quantiles,
    provider: f.provider,
    forecast: (b) => f.forecast(b),
    close: async () => undefined,
  };
}

export interface ScorerControlOptions {
  readonly queue: EventQueue;
  readonly now: () => number;
  readonly config: MeshConfig;
  readonly rng: SeededRng;
  readonly publisher: SimPublisher;
  /** The model; absent = EWMA only (what the root runs when no model loads). */
  readonly forecaster?: Forecaster;
  readonly intervalMs: number;
  /** The clients' LRS interval (the scorer's loop gain on request-path latency depends on it). */
  readonly loadReportIntervalMs?: number;
  readonly untilMs: number;
  readonly endpoints: number;
  /** Called after every tick with the feature store and the scorer's now (sandbox/sim/series/ reads the served series). */
  readonly onTick?: (features: RingFeatureStore, nowMs: number) => void;
}

export class ScorerControl {
  readonly features: RingFeatureStore;
  readonly loop: ScorerLoop;
  ticks = 0;

  constructor(o: ScorerControlOptions) {
    this.features = new RingFeatureStore({ resolutionMs: 1000, retentionMs: 600_000, maxSeries: Math.max(64, o.endpoints * 16) });
    const model = o.forecaster ? borrowed(o.forecaster) : new EwmaForecaster(EWMA_ONLY);
    this.loop = new ScorerLoop({
      config: o.config,
      features: this.features,
      forecaster: model,
      fallback: new EwmaForecaster({ window: model.window, horizons: model.horizons }),
      store: new MemoryScoreStore({ now: o.now, exclusive: true }),
      now: o.now,
      rng: o.rng.asFunction(),
      replicaId: 'sim',
      ...(o.loadReportIntervalMs !== undefined && { loadReportIntervalMs: o.loadReportIntervalMs }),
      onDecisions: (slice: WeightsSlice) => {
        o.publisher.decisions = new Map([[SCORER_SLICE, slice]]);
        o.publisher.changed();
      },
    });
    const q = o.queue;
    const tick = async () => {
      this.ticks++;
      await this.loop.tick();
      o.onTick?.(this.features, o.now());
      if (q.now + o.intervalMs < o.untilMs) q.after(o.intervalMs, tick);
    };
    q.at(o.intervalMs, tick);
  }

  setConfig(config: MeshConfig): void {
    this.loop.setConfig(config);
  }
}
