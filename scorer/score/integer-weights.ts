/**
 * Shares to the integer weights Envoy and gRPC take (load_balancing_weight ≥ 1), and back.
 * Largest-remainder rounding keeps the sum at exactly `total` (unless the ≥ 1 floor forces more);
 * ties break by key so every replica rounds identically.
 */
export const WEIGHT_TOTAL = 1000;

export function toIntegerWeights(shares: ReadonlyMap<string, number>, total: number = WEIGHT_TOTAL): Map<string, number> {
  const keys = [...shares.keys()].sort();
  const sum = keys.reduce((a, k) => a + Math.max(0, shares.get(k)!), 0);
  const exact = keys.map((k) => (sum > 0 ? (Math.max(0, shares.get(k)!) / sum) * total : total / keys.length));
  const floors = exact.map((x) => Math.floor(x));
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = keys.map((_, i) => i).sort((a, b) => exact[b]! - floors[b]! - (exact[a]! - floors[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  const out = new Map<string, number>();
  keys.forEach((k, i) => out.set(k, Math.max(1, floors[i]!)));
  return out;
}

/** Shares implied by integer weights (used to resume damping from weights read from the store). */
export function sharesFromWeights(weights: ReadonlyMap<string, number>): Map<string, number> {
  let sum = 0;
  for (const w of weights.values()) sum += w;
  const out = new Map<string, number>();
  for (const [k, w] of weights) out.set(k, sum > 0 ? w / sum : 1 / weights.size);
  return out;
}
