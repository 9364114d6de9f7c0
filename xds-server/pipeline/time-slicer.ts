/**
 * Cooperative slicing of long synchronous work on the serving thread. Work is written as a
 * generator that pauses (`yield`) between units (one resource rendered, validated, compared);
 * `drive` runs it and gives the event loop a turn (setImmediate) whenever `sliceMs` have passed
 * since the last turn, so /healthz, xDS streams and timers keep answering while a push handles
 * tens of thousands of endpoints. `complete` runs the same generator in one go. Wall time here is
 * scheduling, not logic: results never depend on where the slices fall.
 */
export type Steps<T> = Generator<void, T>;

/** Runs `steps` to the end synchronously. */
export function complete<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export class TimeSlicer {
  private lastYield = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Runs `steps` to the end, yielding to the event loop between slices. */
  async drive<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() - this.lastYield >= this.sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.lastYield = performance.now();
      }
    }
  }
}
