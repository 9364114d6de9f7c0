/**
 * Time as an injected dependency: only the composition root reads the wall clock, so the whole
 * server can run under a virtual clock (tests, the sandbox simulator) and decisions replay.
 */

/** Cancels a timer; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms`; timers never keep the process alive on their own. */
  setTimeout(fn: () => void, ms: number): CancelTimer;
}

/** setTimeout's longest delay; later instants are reached by re-arming. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock (the root's default). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** The setTimeout/clearTimeout/now shape older components take, on top of a Clock. */
export interface ClockTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export function timersOf(clock: Clock): ClockTimers {
  return {
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (cancel) => (cancel as CancelTimer | undefined)?.(),
    now: () => clock.now(),
  };
}
