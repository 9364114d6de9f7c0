/**
 * The one check of "Authorization: Bearer <token>" (RFC 6750 §2.1), shared by every front end
 * that takes an optional token: the admin server, telemetry ingest and endpoint selection.
 * The scheme name is case-insensitive (RFC 7235 §2.1). Both sides are hashed before a
 * constant-time compare, so neither timing nor a length check tells a caller anything about the
 * configured token. Callers decide whether a token is required and how to refuse.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer\s+(.+)$/i;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when `authorization` (header or gRPC metadata value) carries exactly `token`. */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = BEARER.exec(authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}
