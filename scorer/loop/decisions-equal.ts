/** Whether two weight sets would render the same EDS (computedAt and model version ignored). */
import type { Decisions, ServiceWeights } from '../../api/decisions.ts';

export function sameWeights(a: ServiceWeights | undefined, b: ServiceWeights | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.weights.size !== b.weights.size) return false;
  for (const [k, w] of a.weights) if (b.weights.get(k) !== w) return false;
  return true;
}

export function sameDecisions(a: Decisions, b: Decisions): boolean {
  if (a.weights.size !== b.weights.size) return false;
  for (const [service, w] of a.weights) if (!sameWeights(w, b.weights.get(service))) return false;
  return true;
}
