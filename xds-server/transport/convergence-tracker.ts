/**
 * prescient_xds_convergence_seconds: from a publish to a group until every stream of that group
 * has ACKed what the publish made it send (EDS included). Streams report whether they are settled
 * (nothing pending, nothing rejected, nothing left to send); an episode starts at the first
 * publish after the group was last settled and ends when no stream of the group is unsettled.
 */
import type { GroupChange } from '../cache/types.ts';

export class ConvergenceTracker {
  private readonly unsettled = new Map<string, Set<object>>();
  private readonly since = new Map<string, number>();
  private readonly lastChange = new Map<string, GroupChange>();

  constructor(
    private readonly clock: () => number,
    private readonly observeSeconds: (seconds: number) => void,
  ) {}

  /** Every stream of the group sees the same change object; the first sighting starts the clock. */
  changed(change: GroupChange): void {
    if (this.lastChange.get(change.group) === change) return;
    this.lastChange.set(change.group, change);
    if (!this.since.has(change.group)) this.since.set(change.group, this.clock());
    // Streams handle the change synchronously inside publish(); judge once they all have.
    queueMicrotask(() => this.check(change.group));
  }

  report(stream: object, group: string, settled: boolean): void {
    let set = this.unsettled.get(group);
    if (settled) {
      if (set?.delete(stream)) this.check(group);
      return;
    }
    if (!set) this.unsettled.set(group, (set = new Set()));
    set.add(stream);
  }

  remove(stream: object, group: string): void {
    this.report(stream, group, true);
  }

  private check(group: string): void {
    const start = this.since.get(group);
    if (start === undefined || (this.unsettled.get(group)?.size ?? 0) > 0) return;
    this.since.delete(group);
    this.observeSeconds(Math.max(0, this.clock() - start) / 1000);
  }
}
