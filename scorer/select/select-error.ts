/** Errors of the smart endpoint API, with stable codes mapped to gRPC and HTTP statuses. */
export type SelectErrorCode = 'SELECT_INVALID_ARGUMENT' | 'SELECT_NOT_FOUND' | 'SELECT_UNAVAILABLE' | 'SELECT_UNAUTHENTICATED';

export class SelectError extends Error {
  readonly code: SelectErrorCode;

  constructor(code: SelectErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SelectError';
    this.code = code;
  }
}

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
