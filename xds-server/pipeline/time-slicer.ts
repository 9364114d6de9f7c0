/**
 * Cooperative slicing of long synchronous work on the serving thread: `maybeYield()` gives the
 * event loop a turn (setImmediate) once `sliceMs` have passed since the last turn, so /healthz,
 * xDS streams and timers keep answering while a push validates tens of thousands of resources.
 * Wall time here is scheduling, not logic: results never depend on where the slices fall.
 */
export class TimeSlicer {
  private lastYield = performance.now();

  constructor(private readonly sliceMs = 10) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.lastYield < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }
}
