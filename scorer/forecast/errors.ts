/**
 * Errors of the forecaster, each with a stable code (documented in scorer/models/README.md).
 * Messages say what to do next.
 */
import { CodedError } from '../../api/coded-error.ts';

export type ForecastErrorCode =
  | 'FORECAST_MODEL_NOT_FOUND'
  | 'FORECAST_METADATA_INVALID'
  | 'FORECAST_MODEL_INTERFACE'
  | 'FORECAST_BATCH_INVALID'
  | 'FORECAST_PROVIDER_UNKNOWN';

export class ForecastError extends CodedError<ForecastErrorCode> {}
