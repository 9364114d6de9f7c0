/**
 * In-memory `FeatureStore`: per service, endpoint and metric a ring of fixed-resolution buckets
 * (DESIGN §5 "Feature store"). Memory is bounded three ways, each rejection counted by reason in
 * `prescient_feature_store_rejected_total`:
 * - `maxSeries` rings in all (derived from `memoryBudgetBytes` unless given),
 * - `maxEndpointsPerService` endpoints per service,
 * - `maxCustomMetricsPerEndpoint` `custom:*` metrics per endpoint,
 * - `customSeriesShare` of `maxSeries` for `custom:*` series in all, so the fixed metrics the scorer
 *   ranks by always have room (rejected as `custom_series_budget`).
 * The default budget (DEFAULT_MEMORY_BUDGET_BYTES) is sized to fit the shipped Deployment's memory
 * limit next to the rest of the process (test/manifests checks the two agree).
 * Data older than the retention leaves the ring by itself; `sweep(now)` frees series with nothing
 * left inside the retention, and `drop` forgets an endpoint at once.
 */
import { aggregationOf, isCustomMetric } from './aggregation.ts';
import { BucketPool, BYTES_PER_BUCKET } from './bucket-pool.ts';
import { Series } from './series.ts';
import type { FeatureStore, MetricName, Observation, WindowReader } from './types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';

export interface RingFeatureStoreOptions {
  /** Where the store's gauges go; default the module-level instance. */
  metrics?: ScorerMetrics;
  /** Bucket width; default 1000 ms. */
  resolutionMs?: number;
  /** How far back windows reach; default 10 min. Rounded up to whole buckets. */
  retentionMs?: number;
  /** Upper bound on ring memory; default DEFAULT_MEMORY_BUDGET_BYTES. Ignored when `maxSeries` is set. */
  memoryBudgetBytes?: number;
  maxSeries?: number;
  /** Default 10,000. */
  maxEndpointsPerService?: number;
  /** Default 16. */
  maxCustomMetricsPerEndpoint?: number;
  /** Fraction of `maxSeries` custom metrics may use in all; default 0.5. */
  customSeriesShare?: number;
}

export type RejectReason = 'unknown_metric' | 'not_finite' | 'stale' | 'endpoint_limit' | 'custom_metric_limit' | 'custom_series_budget' | 'series_budget';

interface EndpointSeries {
  /** Fixed metrics by name and custom metrics; a Map keeps lookups allocation-free. */
  readonly metrics: Map<string, Series>;
  customCount: number;
}

const MIB = 1024 ** 2;

/**
 * 384 MiB of rings (about 134,000 series at the default 10 min × 1 s) — with the process's own
 * memory (PROCESS_BASELINE_BYTES) it fits the shipped Deployment's 1 GiB limit.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 384 * MIB;
/** What the rest of the process needs beside the rings (V8 heap, model runtime, gRPC buffers), measured with room to spare. */
export const PROCESS_BASELINE_BYTES = 512 * MIB;

export class RingFeatureStore implements FeatureStore, WindowReader {
  readonly resolutionMs: number;
  /** Buckets per ring. */
  readonly size: number;
  readonly maxSeries: number;
  private readonly maxEndpointsPerService: number;
  private readonly maxCustomMetricsPerEndpoint: number;
  private readonly maxCustomSeries: number;
  private customSeries = 0;
  private readonly pool: BucketPool;
  private readonly services = new Map<string, Map<string, EndpointSeries>>();
  private endpointCount = 0;
  /** Newest bucket recorded anywhere: the store's notion of "now" for `latest`. */
  private newestBucket = Number.NEGATIVE_INFINITY;
  private readonly metrics: ScorerMetrics;

  constructor(options: RingFeatureStoreOptions = {}) {
    this.resolutionMs = positive('resolutionMs', options.resolutionMs ?? 1000);
    this.size = Math.ceil(positive('retentionMs', options.retentionMs ?? 600_000) / this.resolutionMs);
    this.maxSeries = Math.floor(options.maxSeries ?? (options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES) / (this.size * BYTES_PER_BUCKET));
    this.maxEndpointsPerService = options.maxEndpointsPerService ?? 10_000;
    this.maxCustomMetricsPerEndpoint = options.maxCustomMetricsPerEndpoint ?? 16;
    this.maxCustomSeries = Math.floor(this.maxSeries * (options.customSeriesShare ?? 0.5));
    this.pool = new BucketPool(this.size, this.maxSeries);
    this.metrics = options.metrics ?? defaultScorerMetrics;
  }

  get retentionMs(): number {
    return this.size * this.resolutionMs;
  }

  /** Bytes of ring memory at most (the bound the options set). */
  get memoryBoundBytes(): number {
    return this.maxSeries * this.size * BYTES_PER_BUCKET;
  }

  /** Bytes of ring memory allocated now (in use or free for reuse); falls after sweeps. */
  get ringBytes(): number {
    return this.pool.allocatedRings * this.size * BYTES_PER_BUCKET;
  }

  get seriesCount(): number {
    return this.pool.inUse;
  }

  /** Records every value it can; returns how many values of `obs` were rejected (and counted). */
  record(obs: Observation): number {
    const bucket = Math.floor(obs.at / this.resolutionMs);
    let rejected = 0;
    let endpoint: EndpointSeries | 'endpoint_limit' | undefined;
    for (const name in obs.metrics) {
      const value = obs.metrics[name as MetricName];
      if (value === undefined) continue;
      let reason: RejectReason | undefined;
      if (!Number.isFinite(value)) reason = 'not_finite';
      else {
        endpoint ??= this.endpointFor(obs.service, obs.endpoint);
        if (typeof endpoint === 'string') reason = endpoint;
        else {
          const series = this.seriesFor(endpoint, name);
          if (typeof series === 'string') reason = series;
          else if (!series.add(bucket, value, obs.at)) reason = 'stale';
        }
      }
      if (reason) {
        rejected++;
        this.metrics.featureStoreMetrics.rejected.inc({ reason });
      }
    }
    if (typeof endpoint === 'object') {
      // A new endpoint whose every value was rejected must not be listed as having data.
      if (endpoint.metrics.size === 0) this.drop(obs.service, obs.endpoint);
      else if (bucket > this.newestBucket && rejected < countValues(obs)) this.newestBucket = bucket;
    }
    return rejected;
  }

  window(service: string, endpoint: string, metric: MetricName, length: number, now: number): Float32Array {
    const out = new Float32Array(length);
    this.windowInto(out, 0, service, endpoint, metric, length, now);
    return out;
  }

  windowInto(out: Float32Array, offset: number, service: string, endpoint: string, metric: MetricName, length: number, now: number): void {
    const series = this.services.get(service)?.get(endpoint)?.metrics.get(metric);
    if (!series) out.fill(Number.NaN, offset, offset + length);
    else series.readWindow(out, offset, Math.floor(now / this.resolutionMs), length);
  }

  /**
   * Windows of many endpoints into one row-major buffer (`refs.length × length`), the layout of
   * `ForecastBatch.windows`.
   */
  windowsInto(out: Float32Array, refs: readonly { service: string; endpoint: string }[], metric: MetricName, length: number, now: number): void {
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      this.windowInto(out, i * length, ref.service, ref.endpoint, metric, length, now);
    }
  }

  latest(service: string, endpoint: string, metric: MetricName): { value: number; at: number } | undefined {
    const series = this.services.get(service)?.get(endpoint)?.metrics.get(metric);
    if (!series || series.head <= this.newestBucket - this.size) return undefined;
    return { value: series.headValue(), at: series.latestAt };
  }

  endpoints(service: string): string[] {
    const endpoints = this.services.get(service);
    return endpoints ? [...endpoints.keys()] : [];
  }

  /** Services with any data. */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  drop(service: string, endpoint: string): void {
    const endpoints = this.services.get(service);
    const entry = endpoints?.get(endpoint);
    if (!endpoints || !entry) return;
    for (const [name, series] of entry.metrics) {
      this.pool.release(series.ring);
      if (isCustomMetric(name)) this.customSeries--;
    }
    endpoints.delete(endpoint);
    this.endpointCount--;
    if (endpoints.size === 0) this.services.delete(service);
    this.updateGauges();
  }

  /** Frees every series whose newest bucket is outside the retention at `now`; returns how many. */
  sweep(now: number): number {
    const horizon = Math.floor(now / this.resolutionMs) - this.size;
    let freed = 0;
    for (const [service, endpoints] of this.services) {
      for (const [endpoint, entry] of endpoints) {
        for (const [name, series] of entry.metrics) {
          if (series.head > horizon) continue;
          this.pool.release(series.ring);
          entry.metrics.delete(name);
          if (isCustomMetric(name)) {
            entry.customCount--;
            this.customSeries--;
          }
          freed++;
        }
        if (entry.metrics.size === 0) {
          endpoints.delete(endpoint);
          this.endpointCount--;
        }
      }
      if (endpoints.size === 0) this.services.delete(service);
    }
    if (freed > 0) {
      this.pool.trim();
      this.updateGauges();
    }
    return freed;
  }

  private endpointFor(service: string, endpoint: string): EndpointSeries | 'endpoint_limit' {
    let endpoints = this.services.get(service);
    const found = endpoints?.get(endpoint);
    if (found) return found;
    if ((endpoints?.size ?? 0) >= this.maxEndpointsPerService) return 'endpoint_limit';
    if (!endpoints) this.services.set(service, (endpoints = new Map()));
    const entry: EndpointSeries = { metrics: new Map(), customCount: 0 };
    endpoints.set(endpoint, entry);
    this.endpointCount++;
    this.metrics.featureStoreMetrics.endpoints.set(this.endpointCount);
    return entry;
  }

  private seriesFor(endpoint: EndpointSeries, name: string): Series | Exclude<RejectReason, 'endpoint_limit'> {
    const found = endpoint.metrics.get(name);
    if (found) return found;
    const aggregation = aggregationOf(name);
    if (!aggregation) return 'unknown_metric';
    const custom = isCustomMetric(name);
    if (custom && endpoint.customCount >= this.maxCustomMetricsPerEndpoint) return 'custom_metric_limit';
    if (custom && this.customSeries >= this.maxCustomSeries) return 'custom_series_budget';
    const ring = this.pool.alloc();
    if (!ring) return 'series_budget';
    const series = new Series(ring, this.size, aggregation, this.resolutionMs / 1000);
    endpoint.metrics.set(name, series);
    if (custom) {
      endpoint.customCount++;
      this.customSeries++;
    }
    this.metrics.featureStoreMetrics.series.set(this.pool.inUse);
    return series;
  }

  private updateGauges(): void {
    this.metrics.featureStoreMetrics.series.set(this.pool.inUse);
    this.metrics.featureStoreMetrics.endpoints.set(this.endpointCount);
  }
}

function countValues(obs: Observation): number {
  let n = 0;
  for (const name in obs.metrics) if (obs.metrics[name as MetricName] !== undefined) n++;
  return n;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`FEATURE_STORE_OPTION: ${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
