/**
 * HTTP JSON ingest API for custom metrics and cost (DESIGN §5), as a handler the admin server
 * mounts:
 *   POST /v1/telemetry  {"observations":[{"service","endpoint","at"?,"metrics":{name: value}}]}
 *   POST /v1/cost       {"rates":[{"service","endpoint","at"?,"perHour"}]}
 * Bodies are validated against ./schemas; `at` defaults to the time of receipt and may not lie
 * more than `maxClockSkewMs` in the future. Answers (JSON):
 *   202 {"accepted": observations, "rejectedValues": values the store refused (limits, stale)}
 *   400 TELEMETRY_BAD_JSON | TELEMETRY_INVALID (with details [{path, message}])
 *   401 TELEMETRY_UNAUTHORIZED   405 TELEMETRY_METHOD_NOT_ALLOWED
 *   413 TELEMETRY_TOO_LARGE      415 TELEMETRY_UNSUPPORTED_MEDIA_TYPE
 *   422 TELEMETRY_UNKNOWN_ENDPOINT (a service/endpoint the config does not define; nothing stored)
 *   429 TELEMETRY_RATE_LIMITED (this client's observation budget is spent; Retry-After says when)
 * With `known` set, a batch naming any endpoint the config does not define is refused whole, so
 * made-up names never create series (each such observation counts in
 * prescient_telemetry_dropped_total{source="ingest_api",reason="unknown_endpoint"}).
 * Every refusal counts in prescient_telemetry_rejected_total{source="ingest_api"}, every stored
 * observation in prescient_telemetry_accepted_total{source="ingest_api"}.
 */
import { MAX_CLOCK_SKEW_MS } from '../features/metric-ranges.ts';
import type http from 'node:http';
import { bearerTokenMatches } from '../../api/bearer-token.ts';
import type { MetricName, Observation } from '../features/types.ts';
import { defaultScorerMetrics, type ScorerMetrics } from '../metrics.ts';
import type { EndpointCatalog } from './known-endpoints.ts';
import type { SourceBudget } from './source-budget.ts';
import { readBody } from './http-body.ts';
import { fieldErrors, validateCostBatch, validateTelemetryBatch, type FieldError } from './ingest-validation.ts';
import { silentLogger, type Logger } from './log.ts';

/** Any FeatureStore; one that returns the number of refused values (RingFeatureStore) is reported. */
export interface IngestStore {
  record(obs: Observation): number | void;
}

export interface IngestApiOptions {
  store: IngestStore;
  /** When set, requests must carry "Authorization: Bearer <token>". */
  bearerToken?: string;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Default 60 s. */
  maxClockSkewMs?: number;
  clock?: { now(): number };
  logger?: Logger;
  /** Endpoints observations may name; unset: any (library use). */
  known?: EndpointCatalog;
  /** Per-client observation budget, keyed by the client's address; unset: unlimited. */
  budget?: SourceBudget;
  /** Where this source's counters go; default the module-level instance. */
  metrics?: ScorerMetrics;
}

/** Unknown endpoints named in one refusal's details; the count says how many there were in all. */
const MAX_UNKNOWN_DETAILS = 20;

export type IngestHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;

export const TELEMETRY_PATH = '/v1/telemetry';
export const COST_PATH = '/v1/cost';
const SOURCE = 'ingest_api';

class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly details?: FieldError[],
  ) {}
}

type Parser = (body: unknown, now: number) => Observation[] | Refusal;

const parseTelemetry: Parser = (body, now) => {
  if (!validateTelemetryBatch(body)) return invalid(fieldErrors(validateTelemetryBatch.errors));
  return body.observations.map((o) => ({ service: o.service, endpoint: o.endpoint, at: o.at ?? now, metrics: o.metrics as Observation['metrics'] }));
};

const parseCost: Parser = (body, now) => {
  if (!validateCostBatch(body)) return invalid(fieldErrors(validateCostBatch.errors));
  return body.rates.map((r) => ({ service: r.service, endpoint: r.endpoint, at: r.at ?? now, metrics: { cost_per_hour: r.perHour } as Record<MetricName, number> }));
};

function invalid(details: FieldError[]): Refusal {
  return new Refusal(400, 'TELEMETRY_INVALID', `body does not match the schema: ${details[0]?.path} ${details[0]?.message}`, details);
}

const ROUTES: Record<string, { parser: Parser; list: string }> = {
  [TELEMETRY_PATH]: { parser: parseTelemetry, list: 'observations' },
  [COST_PATH]: { parser: parseCost, list: 'rates' },
};

export function createIngestHandler(options: IngestApiOptions): IngestHandler {
  const metrics = options.metrics ?? defaultScorerMetrics;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxClockSkewMs = options.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS;
  const clock = options.clock ?? Date;
  const logger = options.logger ?? silentLogger;
  const token = options.bearerToken;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, route: (typeof ROUTES)[string]): Promise<Observation[] | Refusal> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return new Refusal(405, 'TELEMETRY_METHOD_NOT_ALLOWED', `use POST, not ${req.method}`);
    }
    if (token !== undefined && !bearerTokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return new Refusal(401, 'TELEMETRY_UNAUTHORIZED', 'missing or wrong bearer token: send "Authorization: Bearer <token>"');
    }
    const type = req.headers['content-type'];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      return new Refusal(415, 'TELEMETRY_UNSUPPORTED_MEDIA_TYPE', `content-type must be application/json, got "${type}"`);
    }
    const body = await readBody(req, maxBodyBytes);
    if (!body.ok) {
      res.setHeader('connection', 'close');
      return new Refusal(413, 'TELEMETRY_TOO_LARGE', `body exceeds ${maxBodyBytes} bytes: split the batch`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.body.toString('utf8'));
    } catch (err) {
      return new Refusal(400, 'TELEMETRY_BAD_JSON', `body is not JSON: ${(err as Error).message}`);
    }
    const now = clock.now();
    const observations = route.parser(json, now);
    if (observations instanceof Refusal) return observations;
    const future = observations.findIndex((o) => o.at > now + maxClockSkewMs);
    if (future >= 0) {
      const ahead = observations[future]!.at - now;
      const path = `/${route.list}/${future}/at`;
      return new Refusal(400, 'TELEMETRY_INVALID', `${path} is ${ahead} ms in the future (more than ${maxClockSkewMs} ms of clock skew)`, [
        { path, message: `is ${ahead} ms ahead of the server clock; send Unix milliseconds` },
      ]);
    }
    const known = options.known;
    if (known) {
      const unknown = observations.flatMap((o, i) => (known.has(o.service, o.endpoint) ? [] : [i]));
      if (unknown.length > 0) {
        metrics.telemetrySourceMetrics.dropped.inc({ source: SOURCE, reason: 'unknown_endpoint' }, unknown.length);
        const details = unknown.slice(0, MAX_UNKNOWN_DETAILS).map((i) => ({
          path: `/${route.list}/${i}`,
          message: `service "${observations[i]!.service}" has no endpoint "${observations[i]!.endpoint}" in the config`,
        }));
        return new Refusal(
          422,
          'TELEMETRY_UNKNOWN_ENDPOINT',
          `${unknown.length} of ${observations.length} observations name an endpoint the config does not define (first: ${details[0]!.path}); nothing was stored`,
          details,
        );
      }
    }
    const source = req.socket.remoteAddress ?? 'unknown';
    if (options.budget && !options.budget.take(source, observations.length)) {
      metrics.telemetrySourceMetrics.dropped.inc({ source: SOURCE, reason: 'source_budget' }, observations.length);
      const waitMs = options.budget.waitMs(source, observations.length);
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
      return new Refusal(429, 'TELEMETRY_RATE_LIMITED', `this client may send ${options.budget.perWindow} observations per ${options.budget.windowMs / 1000} s; retry in ${Math.ceil(waitMs / 1000)} s or send less`);
    }
    return observations;
  }

  return async (req, res, url) => {
    const route = ROUTES[url.pathname];
    if (!route) return false;
    const result = await handle(req, res, route);
    if (result instanceof Refusal) {
      metrics.telemetryMetrics.rejected.inc({ source: SOURCE });
      logger.debug({ path: url.pathname, code: result.code, message: result.message }, 'telemetry ingest refused');
      send(res, result.status, { error: { code: result.code, message: result.message, ...(result.details ? { details: result.details } : {}) } });
      return true;
    }
    let rejectedValues = 0;
    for (const obs of result) rejectedValues += options.store.record(obs) ?? 0;
    metrics.telemetryMetrics.accepted.inc({ source: SOURCE }, result.length);
    send(res, 202, { accepted: result.length, rejectedValues });
    return true;
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
