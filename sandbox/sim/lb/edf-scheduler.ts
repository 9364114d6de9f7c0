/**
 * Envoy's earliest-deadline-first scheduler (source/common/upstream/edf_scheduler.h): each entry
 * has deadline = current_time + 1/weight; a pick takes the earliest deadline (ties: the earlier
 * added), advances current_time to it and re-adds the entry with its (possibly new) weight. Over
 * many picks each entry is picked in proportion to its weight, smoothly interleaved.
 *
 * Linear scans instead of a heap: simulated clusters are small, and a scan over a few dozen
 * doubles is faster than heap bookkeeping at that size.
 */
export class EdfScheduler<T> {
  private readonly items: T[] = [];
  private readonly deadlines: number[] = [];
  private readonly order: number[] = [];
  private currentTime = 0;
  private nextOrder = 0;

  add(item: T, weight: number): void {
    this.items.push(item);
    this.deadlines.push(this.currentTime + 1 / weight);
    this.order.push(this.nextOrder++);
  }

  get size(): number {
    return this.items.length;
  }

  /** Picks the earliest deadline and re-adds it with `weightOf(item)` (read at re-add time). */
  pickAndAdd(weightOf: (item: T) => number): T {
    let best = 0;
    const d = this.deadlines;
    for (let i = 1; i < d.length; i++) if (d[i]! < d[best]! || (d[i] === d[best] && this.order[i]! < this.order[best]!)) best = i;
    const item = this.items[best]!;
    this.currentTime = d[best]!;
    d[best] = this.currentTime + 1 / weightOf(item);
    this.order[best] = this.nextOrder++;
    return item;
  }
}
