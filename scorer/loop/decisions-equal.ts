/** Whether two weight sets would render the same EDS (computedAt and model version ignored). */
import type { WeightsSlice, ServiceWeights } from '../../api/decisions.ts';

export function sameWeights(a: ServiceWeights | undefined, b: ServiceWeights | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.weights.size !== b.weights.size) return false;
  for (const [k, w] of a.weights) if (b.weights.get(k) !== w) return false;
  return true;
}

/** Whether two scorer slices carry the same weights for the same services. */
export function sameDecisions(a: WeightsSlice, b: WeightsSlice): boolean {
  const x = a.weights;
  const y = b.weights;
  if (x.size !== y.size) return false;
  for (const [service, w] of x) if (!sameWeights(w, y.get(service))) return false;
  return true;
}
