/**
 * `api/clock.ts`'s Clock over the simulator's event queue: production components that take a
 * Clock (the score store, the scorer loop's `now`) run on virtual time. `epochMs` maps virtual
 * time 0 to a Unix instant, so components that expect Unix milliseconds see plausible ones.
 */
import type { CancelTimer, Clock } from '../../api/clock.ts';
import type { EventQueue } from './event-queue.ts';

export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

export class VirtualClock implements Clock {
  constructor(
    private readonly queue: EventQueue,
    readonly epochMs: number = SIM_EPOCH_MS,
  ) {}

  now(): number {
    return this.epochMs + this.queue.now;
  }

  setTimeout(fn: () => void, ms: number): CancelTimer {
    const h = this.queue.after(Math.max(0, ms), fn);
    return () => h.cancel();
  }
}
