/**
 * Scores to traffic shares (fractions summing to 1). Every endpoint, filtered ones included,
 * keeps `minShare` so it stays observed and can earn traffic back; eligible endpoints split the
 * rest in proportion to their scores. If the floors alone exceed the whole, shares are equal.
 */
export function targetShares(
  allKeys: readonly string[],
  eligibleScores: ReadonlyMap<string, number>,
  minShare: number,
): Map<string, number> {
  const n = allKeys.length;
  const out = new Map<string, number>();
  if (n === 0) return out;
  const floor = Math.min(minShare, 1 / n);
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
