/**
 * Validators of the ingest API's bodies (./schemas), and the translation of ajv's errors into `{path, message}` pairs
 * that name the offending field exactly.
 */
import type { ErrorObject } from 'ajv';
import { FIXED_METRICS } from '../features/aggregation.ts';
import { validator } from './json-schemas.ts';

export interface FieldError {
  /** JSON Pointer into the body, e.g. "/observations/3/metrics/loss". */
  path: string;
  message: string;
}

export interface TelemetryBatch {
  observations: { service: string; endpoint: string; at?: number; metrics: Record<string, number> }[];
}

export interface CostBatch {
  rates: { service: string; endpoint: string; at?: number; perHour: number }[];
}

/** At most this many errors are reported for one body. */
const MAX_ERRORS = 20;

export const validateTelemetryBatch = validator<TelemetryBatch>('telemetry-batch.json');
export const validateCostBatch = validator<CostBatch>('cost-batch.json');

const METRIC_HINT = `known metrics are ${FIXED_METRICS.join(', ')} and custom:<name> (lower-case letters, digits, _)`;

export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).slice(0, MAX_ERRORS).map((e) => {
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const path = `${e.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return e.instancePath.endsWith('/metrics')
        ? { path, message: `unknown metric "${extra}": ${METRIC_HINT}` }
        : { path, message: `unknown field "${extra}"` };
    }
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { path: `${e.instancePath}/${missing}`, message: 'is required' };
    }
    return { path: e.instancePath || '/', message: e.message ?? e.keyword };
  });
}
