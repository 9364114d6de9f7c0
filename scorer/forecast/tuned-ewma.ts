/**
 * The live fallback's EWMA, tuned per endpoint on its own recent history (issue 9: "compare live
 * against a tuned EWMA"): for every α of a small grid at once, one pass over the window computes
 * the EWMA level and its one-step absolute errors; the α with the lowest one-step MAE wins (ties:
 * the smoother, earlier in the grid). This is `tuneEwmaAlpha` + `ewmaOneStepMae` + the final
 * level of `baselines.ts` in one pass instead of one pass per α, with the grid held in six local
 * variables (no array traffic in the inner loop), so the scorer can afford it for every endpoint
 * on every tick (bench:scorer: see the README's forecaster section).
 */

/** At most this many α per grid: the kernel below keeps one level and one error sum per slot. */
export const MAX_ALPHA_GRID = 6;

/**
 * α candidates, ascending. From heavy smoothing (noisy per-second probe latency) to the naive
 * forecast (1: a level shift or a ramp); 0.3 (the former fixed α) is one of them, so on its own
 * window the tuned fallback's one-step error is never above the fixed one's.
 */
export const LIVE_EWMA_ALPHA_GRID: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.5, 1];

export interface TunedEwma {
  /** EWMA level after the last value with the chosen α: the forecast at every horizon. */
  level: number;
  alpha: number;
  /** One-step MAE of the chosen α over the window (0 for a single value). */
  oneStepMae: number;
}

/** Checks a grid (1..6 values in (0, 1], ascending) and pads it to six slots with its last α. */
export function alphaSlots(grid: readonly number[]): Float64Array {
  const ok = grid.length >= 1 && grid.length <= MAX_ALPHA_GRID && grid.every((a, i) => a > 0 && a <= 1 && (i === 0 || a > grid[i - 1]));
  if (!ok) throw new RangeError(`an EWMA α grid needs 1..${MAX_ALPHA_GRID} ascending values in (0, 1], got [${grid.join(', ')}]`);
  return Float64Array.from({ length: MAX_ALPHA_GRID }, (_, i) => grid[Math.min(i, grid.length - 1)]);
}

const DEFAULT_SLOTS = alphaSlots(LIVE_EWMA_ALPHA_GRID);

/**
 * Tunes α on values[start..end) (end > start) and writes level, α and one-step MAE into `out`.
 * Pure apart from `out`, which is the caller's so a tick over many rows allocates nothing per row.
 * `slots` from `alphaSlots` (padding repeats the last α; a repeat never wins a tie).
 */
export function tuneEwmaWindow(values: ArrayLike<number>, start: number, end: number, out: TunedEwma, slots: Float64Array = DEFAULT_SLOTS): TunedEwma {
  const a0 = slots[0], a1 = slots[1], a2 = slots[2], a3 = slots[3], a4 = slots[4], a5 = slots[5];
  const x0 = values[start];
  let l0 = x0, l1 = x0, l2 = x0, l3 = x0, l4 = x0, l5 = x0;
  let e0 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0, e5 = 0;
  for (let i = start + 1; i < end; i++) {
    const x = values[i];
    let d = x - l0;
    e0 += Math.abs(d);
    l0 += a0 * d;
    d = x - l1;
    e1 += Math.abs(d);
    l1 += a1 * d;
    d = x - l2;
    e2 += Math.abs(d);
    l2 += a2 * d;
    d = x - l3;
    e3 += Math.abs(d);
    l3 += a3 * d;
    d = x - l4;
    e4 += Math.abs(d);
    l4 += a4 * d;
    d = x - l5;
    e5 += Math.abs(d);
    l5 += a5 * d;
  }
  let level = l0, error = e0, alpha = a0;
  if (e1 < error) (level = l1), (error = e1), (alpha = a1);
  if (e2 < error) (level = l2), (error = e2), (alpha = a2);
  if (e3 < error) (level = l3), (error = e3), (alpha = a3);
  if (e4 < error) (level = l4), (error = e4), (alpha = a4);
  if (e5 < error) (level = l5), (error = e5), (alpha = a5);
  const steps = end - start - 1;
  out.level = level;
  out.alpha = alpha;
  out.oneStepMae = steps > 0 ? error / steps : 0;
  return out;
}
