/**
 * Steady RPC load from real clients (proxyless gRPC, or plain gRPC through Envoy), with
 * per-window accounting of where calls went, so a test can watch one backend's share of traffic
 * move over time.
 */
import { tallyKey, type EchoCaller } from './call-tally.ts';

export class SteadyLoad {
  private window = new Map<string, number>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(clients: EchoCaller[], concurrencyPerClient = 8) {
    this.loops = clients.flatMap((c) =>
      Array.from({ length: concurrencyPerClient }, async () => {
        while (this.running) {
          const key = tallyKey(await c.call(3000));
          this.window.set(key, (this.window.get(key) ?? 0) + 1);
        }
      }),
    );
  }

  /** Counts since the previous call, then starts a new window. */
  take(): Map<string, number> {
    const w = this.window;
    this.window = new Map();
    return w;
  }

  /** Share of calls in the next `ms` that `matches` (by backend id or `error:<code>`). */
  async shareOver(ms: number, matches: (key: string) => boolean): Promise<{ share: number; total: number }> {
    this.take();
    await new Promise((r) => setTimeout(r, ms));
    const w = this.take();
    const total = [...w.values()].reduce((a, b) => a + b, 0);
    const hit = [...w].filter(([k]) => matches(k)).reduce((a, [, n]) => a + n, 0);
    return { share: total ? hit / total : 0, total };
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
