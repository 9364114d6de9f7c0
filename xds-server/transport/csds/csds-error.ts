/**
 * A ClientStatusRequest Prescient cannot answer; the call ends with INVALID_ARGUMENT and the
 * stable code leads the status message.
 */
import { CodedError } from '../../../api/coded-error.ts';

export type CsdsErrorCode =
  /** The request bytes are not a ClientStatusRequest. */
  | 'CSDS_MALFORMED_REQUEST'
  /** A node matcher breaks a rule of Envoy's matcher protos (empty prefix, bad regex, ...). */
  | 'CSDS_INVALID_MATCHER'
  /** A node matcher uses a form Prescient does not evaluate (a `custom` string matcher). */
  | 'CSDS_UNSUPPORTED_MATCHER';

export class CsdsRequestError extends CodedError<CsdsErrorCode> {}
