/**
 * Content hashes used as xDS versions. 64 bits of SHA-256 in hex: stable across processes and
 * replicas (so several Prescient replicas report the same versions for the same content), and
 * short enough to be cheap on the wire.
 */
import { createHash } from 'node:crypto';

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** Hash of a name → version table, independent of insertion order. */
export function hashVersions(entries: Iterable<readonly [string, string]>): string {
  const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const h = createHash('sha256');
  for (const [name, version] of sorted) h.update(name).update('\0').update(version).update('\n');
  return h.digest('hex').slice(0, 16);
}
