/**
 * Envoy's priority load (load_balancing/priority): each priority level's health is
 * min(100, overprovisioning × 100 × healthy / total) with overprovisioning 1.4; the normalised
 * total health is min(100, Σ health); priority p takes health_p × 100 / normalised total of what
 * the earlier levels left. Panic (LoadBalancerBase::recalculatePerPriorityPanic): when every host
 * of every level is unhealthy, priority 0 takes all the load and ignores health; otherwise, only
 * while the normalised total is below 100, a level whose healthy percentage is below the panic
 * threshold (50 %) spreads its load over all its hosts, healthy or not.
 */
export const OVERPROVISIONING_FACTOR = 1.4;
export const PANIC_THRESHOLD_PERCENT = 50;

export interface PriorityLoad {
  /** Percent of requests per priority, summing to 100. */
  readonly load: number[];
  /** Per priority: pick among all hosts, ignoring health. */
  readonly panic: boolean[];
}

export function priorityLoad(levels: readonly { healthy: number; total: number }[], panicThreshold = PANIC_THRESHOLD_PERCENT): PriorityLoad {
  const health = levels.map((l) => (l.total === 0 ? 0 : Math.min(100, Math.floor((OVERPROVISIONING_FACTOR * 100 * l.healthy) / l.total))));
  const normalised = Math.min(100, health.reduce((a, b) => a + b, 0));
  if (normalised === 0) {
    return { load: levels.map((_, i) => (i === 0 ? 100 : 0)), panic: levels.map((_, i) => i === 0 && panicThreshold > 0) };
  }
  let left = 100;
  const load = health.map((h) => {
    const l = Math.min(left, Math.floor((h * 100) / normalised));
    left -= l;
    return l;
  });
  // Rounding leftovers go to the first level with health, as Envoy does.
  if (left > 0) load[health.findIndex((h) => h > 0)]! += left;
  const panic = levels.map((l) => normalised < 100 && l.total > 0 && (100 * l.healthy) / l.total < panicThreshold);
  return { load, panic };
}
