/** Optional bearer-token check of the gRPC and HTTP select front ends, as a SelectError. */
import { bearerTokenMatches } from '../../api/bearer-token.ts';
import { SelectError } from './select-error.ts';

/** Throws SELECT_UNAUTHENTICATED unless `authorization` is "Bearer <token>" (no-op without a token). */
export function checkBearer(token: string | undefined, authorization: string | undefined): void {
  if (token === undefined) return;
  if (!bearerTokenMatches(authorization, token)) {
    throw new SelectError('SELECT_UNAUTHENTICATED', 'send "authorization: Bearer <token>" with the token Prescient was configured with');
  }
}
