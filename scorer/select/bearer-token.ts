/** Optional bearer-token check shared by the gRPC and HTTP front ends (constant-time compare). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SelectError } from './select-error.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Throws SELECT_UNAUTHENTICATED unless `authorization` is "Bearer <token>" (no-op without a token). */
export function checkBearer(token: string | undefined, authorization: string | undefined): void {
  if (token === undefined) return;
  const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(presented), digest(token))) {
    throw new SelectError('SELECT_UNAUTHENTICATED', 'send "authorization: Bearer <token>" with the token Prescient was configured with');
  }
}
