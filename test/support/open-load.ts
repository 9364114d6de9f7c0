/**
 * Open-loop RPC load from real clients: a fixed number of calls per second whatever the answers
 * take (unlike SteadyLoad's fixed concurrency, a slow backend does not slow the offered load), with
 * answers counted per backend per second since the start, by completion time.
 */
import { tallyKey, type EchoCaller } from './call-tally.ts';

export class OpenLoad {
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly started = performance.now();
  /** Answers per backend id (or `error:<code>`) per whole second since the start. */
  readonly perSecond: Map<string, number>[] = [];

  constructor(clients: readonly EchoCaller[], rps: number, deadlineMs = 5000) {
    let next = 0;
    let due = 0;
    let last = this.started;
    // Ticks of 20 ms issue what is due since the last one, so a late timer does not lower the rate.
    this.timer = setInterval(() => {
      const t = performance.now();
      due += ((t - last) * rps) / 1000;
      last = t;
      for (; due >= 1; due--) {
        const p: Promise<void> = clients[next++ % clients.length]!.call(deadlineMs).then((r) => {
          const second = Math.floor((performance.now() - this.started) / 1000);
          while (this.perSecond.length <= second) this.perSecond.push(new Map());
          const bin = this.perSecond[second]!;
          const k = tallyKey(r);
          bin.set(k, (bin.get(k) ?? 0) + 1);
          this.inFlight.delete(p);
        });
        this.inFlight.add(p);
      }
    }, 20);
  }

  /** Seconds since the load started. */
  get elapsedS(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Share of answers in seconds [fromS, toS) that `matches`, and their count. */
  share(fromS: number, toS: number, matches: (key: string) => boolean): { share: number; total: number } {
    let total = 0;
    let hit = 0;
    for (let s = Math.max(0, fromS); s < Math.min(toS, this.perSecond.length); s++) {
      for (const [k, n] of this.perSecond[s]!) {
        total += n;
        if (matches(k)) hit += n;
      }
    }
    return { share: total ? hit / total : 0, total };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }
}
