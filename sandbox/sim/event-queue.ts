/**
 * The discrete-event core: a binary min-heap of events ordered by time, then by the order they
 * were scheduled (so equal times run first-in first-out and a run never depends on heap layout).
 * Times are virtual milliseconds since the start of the run.
 */
export type EventFn = () => void | Promise<void>;

interface SimEvent {
  at: number;
  seq: number;
  fn: EventFn;
  cancelled: boolean;
}

export interface EventHandle {
  cancel(): void;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;
  /** Time of the event being run (or last run). */
  now = 0;

  get size(): number {
    return this.heap.length;
  }

  at(at: number, fn: EventFn): EventHandle {
    const e: SimEvent = { at: Math.max(at, this.now), seq: this.seq++, fn, cancelled: false };
    this.push(e);
    return { cancel: () => void (e.cancelled = true) };
  }

  after(delayMs: number, fn: EventFn): EventHandle {
    return this.at(this.now + delayMs, fn);
  }

  /** Runs events in order until none is left before `until`; awaits events that return a promise. */
  async run(until: number): Promise<void> {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at < until) {
      const e = this.pop();
      if (e.cancelled) continue;
      this.now = e.at;
      const r = e.fn();
      if (r !== undefined) await r;
    }
    this.now = until;
  }

  private less(x: SimEvent, y: SimEvent): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private push(e: SimEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(e, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  private pop(): SimEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
        if (!this.less(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
