/**
 * Keeps every response under the client's receive limit (DESIGN §4.2 rule 11): 4 MiB by default
 * in gRPC. Where a type allows partial responses (SotW EDS/RDS, every delta type) the resources
 * beyond the budget wait for the next response; the at-most-one-unacknowledged rule then paces
 * the remainder. A single resource over the budget still goes out alone: it cannot be split.
 */
import type { EncodedResource } from '../cache/types.ts';
import { fieldSize } from './discovery-wire.ts';

/** gRPC's default max receive size, minus room for the envelope (version, nonce, type URL, removals). */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024 - 64 * 1024;

export function takeWithinBudget(
  resources: readonly EncodedResource[],
  bytesOf: (r: EncodedResource) => number,
  budget: number,
): EncodedResource[] {
  const out: EncodedResource[] = [];
  let used = 0;
  for (const r of resources) {
    const size = fieldSize(bytesOf(r));
    if (out.length > 0 && used + size > budget) break;
    out.push(r);
    used += size;
  }
  return out;
}

export function totalSize(resources: readonly EncodedResource[], bytesOf: (r: EncodedResource) => number): number {
  let total = 0;
  for (const r of resources) total += fieldSize(bytesOf(r));
  return total;
}
