/**
 * When a published name may change again. Pure state, time passed in (Unix ms).
 *
 * - Hysteresis: a name changes at most once per `hysteresisMs`; the first change after a quiet
 *   period goes out at once (a failure must reach clients fast), later ones wait, and by then the
 *   desired set may have swung back: a jittering score costs at most one update per period.
 * - Rate limit: at most `maxUpdatesPerMinute` UPDATE messages per zone in any 60 s window, so a
 *   mesh-wide event does not become an update storm against the DNS server.
 */

export interface PacerOptions {
  readonly hysteresisMs: number;
  readonly maxUpdatesPerMinute: number;
}

const MINUTE = 60_000;

export class UpdatePacer {
  private readonly lastChange = new Map<string, number>();
  private sent: number[] = [];

  constructor(private readonly o: PacerOptions) {}

  /** Unix ms from which `name` may change; `now` or earlier when it may now. */
  nameDueAt(name: string): number {
    const last = this.lastChange.get(name);
    return last === undefined ? 0 : last + this.o.hysteresisMs;
  }

  /** Unix ms from which the zone may send another update. */
  zoneDueAt(now: number): number {
    this.sent = this.sent.filter((t) => t > now - MINUTE);
    if (this.sent.length < this.o.maxUpdatesPerMinute) return now;
    return this.sent[0]! + MINUTE;
  }

  /** Call once per UPDATE message sent (applied or not: the server did the work either way). */
  noteSent(now: number): void {
    this.sent.push(now);
  }

  /** Call for each name whose records an applied UPDATE changed. */
  noteChanged(name: string, now: number): void {
    this.lastChange.set(name, now);
  }

  forget(name: string): void {
    this.lastChange.delete(name);
  }
}
