/**
 * Shape checks of Prometheus's instant-query answers (schema in ./schemas), so a proxy's error page
 * or a changed API is reported as such rather than crashing the poller.
 */
import type { ValidateFunction } from 'ajv';
import { validator } from './json-schemas.ts';

export interface VectorSample {
  metric: Record<string, string>;
  /** [Unix seconds, value as a string: "1.5", "NaN", "+Inf"] */
  value: [number, string];
}

export interface QueryResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: 'vector' | 'matrix' | 'scalar' | 'string'; result: unknown };
}

export const validateQueryResponse = validator<QueryResponse>('prometheus-query-response.json');
export const validateVector = validator<VectorSample[]>('prometheus-query-response.json#/$defs/vector');

export function describeErrors(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message}` : 'invalid';
}
