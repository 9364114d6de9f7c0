/** Errors of the smart endpoint API, with stable codes mapped to gRPC and HTTP statuses. */
import { CodedError } from '../../api/coded-error.ts';

export type SelectErrorCode = 'SELECT_INVALID_ARGUMENT' | 'SELECT_NOT_FOUND' | 'SELECT_UNAVAILABLE' | 'SELECT_UNAUTHENTICATED';

export class SelectError extends CodedError<SelectErrorCode> {}

/** gRPC status numbers (@grpc/grpc-js `status`). */
export const GRPC_STATUS: Record<SelectErrorCode, number> = {
  SELECT_INVALID_ARGUMENT: 3,
  SELECT_NOT_FOUND: 5,
  SELECT_UNAVAILABLE: 14,
  SELECT_UNAUTHENTICATED: 16,
};

export const HTTP_STATUS: Record<SelectErrorCode, number> = {
  SELECT_INVALID_ARGUMENT: 400,
  SELECT_NOT_FOUND: 404,
  SELECT_UNAVAILABLE: 503,
  SELECT_UNAUTHENTICATED: 401,
};
