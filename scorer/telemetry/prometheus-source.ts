/**
 * Prometheus as a telemetry source, for meshes that already run one (DESIGN §5): every interval,
 * each configured PromQL instant query runs against /api/v1/query and every sample of its vector
 * result becomes one observation of the query's metric, attributed by two labels (service, and
 * endpoint — `instance` by default, which Prometheus already writes as "host:port").
 * Errors (unreachable, HTTP status, unexpected shape, query error) are logged and counted in
 * prescient_prometheus_source_errors_total{code}; the poller never throws and keeps polling.
 */
import { MAX_CLOCK_SKEW_MS, outOfRange } from '../features/metric-ranges.ts';
import type { FeatureStore, MetricName } from '../features/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import { silentLogger, type Logger } from './log.ts';
import { realTimers, type Timers } from './timers.ts';
import { describeErrors, validateQueryResponse, validateVector } from './prometheus-response.ts';
import { CodedError } from '../../api/coded-error.ts';

export interface PromQuery {
  /** For logs; default the query text. */
  name?: string;
  /** PromQL, evaluated as an instant query; must return a vector. */
  query: string;
  metric: MetricName;
  /** Label holding the service name; default "service". Ignored when `service` is set. */
  serviceLabel?: string;
  /** Fixed service for every sample of this query. */
  service?: string;
  /** Label holding "address:port"; default "instance". */
  endpointLabel?: string;
}

export interface PrometheusSourceOptions {
  /** Base URL, e.g. "http://prometheus:9090". */
  url: string;
  queries: PromQuery[];
  store: FeatureStore;
  /** Default 15 s (Prometheus's default scrape interval). */
  intervalMs?: number;
  /** Per query; default 5 s. */
  timeoutMs?: number;
  /** Extra request headers, e.g. Authorization. */
  headers?: Record<string, string>;
  timers?: Timers;
  logger?: Logger;
  /** Where this source's counters go; default the module-level instance. */
  metrics?: ScorerMetrics;
}

export type PromErrorCode = 'PROM_UNREACHABLE' | 'PROM_HTTP_STATUS' | 'PROM_BAD_RESPONSE' | 'PROM_QUERY_ERROR' | 'PROM_UNSUPPORTED_RESULT';

export interface QueryOutcome {
  name: string;
  recorded: number;
  /** Samples without the mapping labels or with a non-finite value. */
  skipped: number;
  error?: { code: PromErrorCode; message: string };
}

const SOURCE = 'prometheus';

class PromError extends CodedError<PromErrorCode> {}


export class PrometheusSource {
  private readonly endpoint: string;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private timer: unknown;
  private running = false;

  constructor(private readonly options: PrometheusSourceOptions) {
    this.endpoint = new URL('api/v1/query', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();
    this.intervalMs = options.intervalMs ?? 15_000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.timers = options.timers ?? realTimers;
    this.logger = options.logger ?? silentLogger;
  }

  /** Polls now and then every interval (measured from the end of one poll to the next). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs every query once; never rejects. */
  pollOnce(): Promise<QueryOutcome[]> {
    return Promise.all(this.options.queries.map((q) => this.runQuery(q)));
  }

  private async loop(): Promise<void> {
    await this.pollOnce();
    if (this.running) this.timer = this.timers.setTimeout(() => void this.loop(), this.intervalMs);
  }

  private async runQuery(q: PromQuery): Promise<QueryOutcome> {
    const name = q.name ?? q.query;
    try {
      const samples = await this.fetchVector(q.query);
      return { name, ...this.recordSamples(q, samples) };
    } catch (err) {
      const error = err instanceof PromError ? err : new PromError('PROM_BAD_RESPONSE', String(err));
      (this.options.metrics ?? defaultScorerMetrics).telemetrySourceMetrics.prometheusErrors.inc({ code: error.code });
      this.logger.warn({ query: name, code: error.code, err: error.detail }, `${error.code}: Prometheus query failed`);
      return { name, recorded: 0, skipped: 0, error: { code: error.code, message: error.detail } };
    }
  }

  private async fetchVector(query: string) {
    const url = `${this.endpoint}?${new URLSearchParams({ query })}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...this.options.headers }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new PromError('PROM_UNREACHABLE', `${this.endpoint}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PromError(res.ok ? 'PROM_BAD_RESPONSE' : 'PROM_HTTP_STATUS', `HTTP ${res.status}, body is not JSON: ${text.slice(0, 200)}`);
    }
    if (!validateQueryResponse(body)) {
      (this.options.metrics ?? defaultScorerMetrics).telemetryMetrics.rejected.inc({ source: SOURCE });
      throw new PromError(res.ok ? 'PROM_BAD_RESPONSE' : 'PROM_HTTP_STATUS', `HTTP ${res.status}, unexpected response: ${describeErrors(validateQueryResponse)}`);
    }
    if (body.status === 'error') throw new PromError('PROM_QUERY_ERROR', `${body.errorType ?? 'error'}: ${body.error ?? 'no message'}`);
    if (body.data!.resultType !== 'vector') throw new PromError('PROM_UNSUPPORTED_RESULT', `result type ${body.data!.resultType}; write the query so it returns an instant vector`);
    if (!validateVector(body.data!.result)) {
      (this.options.metrics ?? defaultScorerMetrics).telemetryMetrics.rejected.inc({ source: SOURCE });
      throw new PromError('PROM_BAD_RESPONSE', `unexpected vector: ${describeErrors(validateVector)}`);
    }
    return body.data!.result;
  }

  private recordSamples(q: PromQuery, samples: { metric: Record<string, string>; value: [number, string] }[]): { recorded: number; skipped: number } {
    let recorded = 0;
    let skipped = 0;
    const serviceLabel = q.serviceLabel ?? 'service';
    const endpointLabel = q.endpointLabel ?? 'instance';
    for (const { metric: labels, value } of samples) {
      const service = q.service ?? labels[serviceLabel];
      const endpoint = labels[endpointLabel];
      const v = Number(value[1]);
      const at = Math.round(value[0] * 1000);
      // A cpu query in percent or a far-future stamp would poison the series: refuse, count, go on.
      const reason = !service || !endpoint ? 'unmapped' : (outOfRange(q.metric, v) ?? (at > Date.now() + MAX_CLOCK_SKEW_MS ? 'future' : undefined));
      if (reason) {
        skipped++;
        (this.options.metrics ?? defaultScorerMetrics).telemetrySourceMetrics.dropped.inc({ source: SOURCE, reason });
        continue;
      }
      this.options.store.record({ service: service!, endpoint: endpoint!, at, metrics: { [q.metric]: v } });
      recorded++;
    }
    if (recorded > 0) (this.options.metrics ?? defaultScorerMetrics).telemetryMetrics.accepted.inc({ source: SOURCE }, recorded);
    return { recorded, skipped };
  }
}
