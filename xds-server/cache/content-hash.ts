/**
 * Content hashes used as xDS versions. 64 bits of SHA-256 in hex: stable across processes and
 * replicas (so several Prescient replicas report the same versions for the same content), and
 * short enough to be cheap on the wire.
 */
import { createHash } from 'node:crypto';

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * Hash of a name → version table, independent of insertion order. The table is hashed as one
 * string: a stream's SotW EDS version is recomputed per response, and one `update` call per
 * field cost more than the hashing itself (same bytes, so the same versions as field by field).
 */
export function hashVersions(entries: Iterable<readonly [string, string]>): string {
  const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let text = '';
  for (const [name, version] of sorted) text += `${name}\0${version}\n`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
