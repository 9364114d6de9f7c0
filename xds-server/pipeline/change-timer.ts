/**
 * The root's one timer for time-bound state: after every model it is re-armed for the model's
 * `nextChangeAt` (an expiring WeightOverride, a decision's or a scaffold's time-to-live), so
 * nothing needs an ad-hoc timer of its own. Runs on the injected clock.
 */
import { MAX_TIMER_MS, type CancelTimer, type Clock } from '../../api/clock.ts';

export class ChangeTimer {
  private cancel: CancelTimer | undefined;
  private armedFor: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: () => void,
  ) {}

  /** Arms for `at` (Unix ms), replacing any earlier arming; undefined disarms. */
  arm(at: number | undefined): void {
    if (at === this.armedFor) return;
    this.cancel?.();
    this.cancel = undefined;
    this.armedFor = at;
    if (at === undefined) return;
    const delay = at - this.clock.now() + 1;
    this.cancel = this.clock.setTimeout(() => {
      this.cancel = undefined;
      this.armedFor = undefined;
      // A far instant is reached in steps of setTimeout's longest delay.
      if (delay > MAX_TIMER_MS) this.arm(at);
      else this.onDue();
    }, Math.min(delay, MAX_TIMER_MS));
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.armedFor = undefined;
  }
}
