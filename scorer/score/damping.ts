/**
 * Damping of share changes between intervals (stale, synchronised weight swings cause herding).
 *
 * - Bounded step: the new shares are a convex combination prev + α·(target − prev) with α chosen
 *   so no endpoint's share moves by more than `maxStepFraction` (in share units) per interval.
 *   A convex combination of two distributions is a distribution, so the sum stays 1 exactly.
 * - Hysteresis (dead band): if no endpoint's share would move by more than `hysteresis`, the
 *   previous shares are kept unchanged, so noise around an operating point never flaps weights.
 *
 * Endpoints new since the last interval start from the target; removed ones are dropped.
 */
export interface DampingOptions {
  readonly maxStepFraction: number;
  readonly hysteresis: number;
}

export interface DampedShares {
  readonly shares: Map<string, number>;
  /** False when the dead band kept the previous shares. */
  readonly moved: boolean;
}

export function dampShares(
  previous: ReadonlyMap<string, number> | undefined,
  target: ReadonlyMap<string, number>,
  opts: DampingOptions,
): DampedShares {
  const sameKeys = previous !== undefined && previous.size === target.size && [...target.keys()].every((k) => previous.has(k));
  if (!previous || !sameKeys) {
    // Membership changed: renormalise the previous shares of surviving endpoints and give new
    // ones their target, then damp from there.
    if (!previous || previous.size === 0) return { shares: new Map(target), moved: true };
    const base = new Map<string, number>();
    for (const [k, t] of target) base.set(k, previous.get(k) ?? t);
    const sum = [...base.values()].reduce((a, b) => a + b, 0);
    for (const [k, v] of base) base.set(k, sum > 0 ? v / sum : 1 / base.size);
    const step = dampShares(base, target, opts);
    return { shares: step.shares, moved: true };
  }
  let largest = 0;
  for (const [k, t] of target) largest = Math.max(largest, Math.abs(t - previous.get(k)!));
  if (largest <= opts.hysteresis) return { shares: new Map(previous), moved: false };
  const alpha = opts.maxStepFraction > 0 ? Math.min(1, opts.maxStepFraction / largest) : 1;
  const shares = new Map<string, number>();
  for (const [k, t] of target) {
    const p = previous.get(k)!;
    shares.set(k, p + alpha * (t - p));
  }
  return { shares, moved: true };
}
