/**
 * Errors of the score store, each with a stable code (documented in ./README.md).
 */
import { CodedError } from '../../api/coded-error.ts';

export type StoreErrorCode =
  /** The write carried a lease that is no longer current: another replica leads now. */
  | 'STORE_FENCED'
  /** The store could not be reached; the caller keeps serving its last known weights. */
  | 'STORE_UNAVAILABLE'
  /** Something in the store is not in the documented format (another version wrote it?). */
  | 'STORE_CORRUPT';

export class StoreError extends CodedError<StoreErrorCode> {}

export function isFenced(err: unknown): boolean {
  return err instanceof StoreError && err.code === 'STORE_FENCED';
}
