/** Fixtures for scorer loop tests: tiny forecaster doubles, feature feeding, a three-endpoint mesh. */
import type { MeshConfig } from '../../../api/config.ts';
import type { WeightsSlice } from '../../../api/decisions.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import type { MetricName } from '../../../scorer/features/types.ts';
import type { ForecastBatch, ForecastResult, Forecaster } from '../../../scorer/forecast/types.ts';
import { endpoint, meshConfig, service } from '../../support/config-builders.ts';

/**
 * Forecasts the last value of each window times `bias`, with a band of ±`band` of it. bias 1 is a
 * perfect persistence forecast for flat series; bias 3 is a model that is badly wrong.
 */
export class PersistenceForecaster implements Forecaster {
  readonly window = 8;
  readonly horizons = [1] as const;
  readonly quantiles = [0.1, 0.5, 0.9] as const;
  readonly provider = 'cpu';
  closed = false;
  calls = 0;

  constructor(
    readonly version: string,
    private readonly bias = 1,
    private readonly band = 0.1,
    private readonly fail = false,
  ) {}

  async forecast(batch: ForecastBatch): Promise<ForecastResult> {
    this.calls++;
    if (this.fail) throw new Error('FORECAST_MODEL_INTERFACE: test model fails');
    const median = new Float32Array(batch.count);
    for (let r = 0; r < batch.count; r++) median[r] = batch.windows[r * this.window + this.window - 1]! * this.bias;
    return {
      median,
      lower: median.map((m) => m * (1 - this.band)),
      upper: median.map((m) => m * (1 + this.band)),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export const SERVICE = 'echo';
export const KEYS = ['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'];

export function threeEndpointMesh(): MeshConfig {
  return meshConfig(service(SERVICE, { endpoints: KEYS.map((k) => endpoint('127.0.0.1', Number(k.split(':')[1]))) }));
}

export function featureStore(): RingFeatureStore {
  return new RingFeatureStore({ resolutionMs: 1000, retentionMs: 120_000 });
}

/** Records one observation per endpoint at `at`: latencies by endpoint key (default 5 ms). */
export function observe(fs: RingFeatureStore, at: number, latency: Record<string, number> = {}, extra: Partial<Record<MetricName, number>> = {}): void {
  for (const key of KEYS) fs.record({ service: SERVICE, endpoint: key, at, metrics: { latency_ms: latency[key] ?? 5, error_rate: 0, ...extra } });
}

export function shareOf(d: WeightsSlice, key: string, svc = SERVICE): number {
  const w = d.weights.get(svc)!.weights;
  let sum = 0;
  for (const v of w.values()) sum += v;
  return w.get(key)! / sum;
}

export class ManualClock {
  constructor(public t: number) {}
  readonly now = () => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}
