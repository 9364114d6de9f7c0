/**
 * Scores to traffic shares (fractions summing to 1). Every endpoint, filtered ones included,
 * keeps a floor so it stays observed and can earn traffic back; eligible endpoints split the
 * rest in proportion to their scores. The floor is relative to the fair share: `minShare` × 1/n
 * (an absolute floor does nothing with 50 endpoints, where 50 × 2% is everything, and keeps a
 * slow one of 3 at a large share). No positive score at all → the eligible endpoints split equally.
 */
export function targetShares(
  allKeys: readonly string[],
  eligibleScores: ReadonlyMap<string, number>,
  minShare: number,
): Map<string, number> {
  const n = allKeys.length;
  const out = new Map<string, number>();
  if (n === 0) return out;
  const floor = floorShare(minShare, n);
  const rest = 1 - floor * n;
  let total = 0;
  for (const s of eligibleScores.values()) total += Math.max(0, s);
  const eligibleCount = allKeys.filter((k) => eligibleScores.has(k)).length;
  for (const key of allKeys) {
    const s = eligibleScores.get(key);
    let variable = 0;
    if (s !== undefined) variable = total > 0 ? Math.max(0, s) / total : 1 / eligibleCount;
    out.set(key, floor + rest * variable);
  }
  return out;
}

/** The share every endpoint keeps: `minShare` of the fair share 1/n (never more than 1/n). */
export function floorShare(minShare: number, n: number): number {
  return n > 0 ? Math.min(1, Math.max(0, minShare)) / n : 0;
}
