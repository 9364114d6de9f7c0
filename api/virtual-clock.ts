/**
 * A clock that moves only when told to: tests and the simulator run the whole server in
 * simulated time with it. Timers fire in time order (ties in the order they were set), each with
 * `now()` equal to its due time; timers set while advancing run too if they fall due before the
 * target. `advance` yields to the event loop after every timer, so promise chains started by one
 * timer (a push, a scoring tick) run before the next fires.
 */
import type { CancelTimer, Clock } from './clock.ts';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private queue: Entry[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): CancelTimer {
    const entry: Entry = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.queue.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Timers not yet fired or cancelled. */
  pending(): number {
    return this.queue.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way; ends at now() + ms. */
  async advance(ms: number, settle: () => Promise<void> = yieldToEventLoop): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.queue = this.queue.filter((e) => !e.cancelled);
      let next: Entry | undefined;
      for (const e of this.queue) if (e.at <= target && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      if (!next) break;
      this.queue.splice(this.queue.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
