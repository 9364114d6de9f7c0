/**
 * Real Envoys among the raw clients of `npm run bench:xds --envoys N`: Envoy 1.40 (the tests'
 * binary, scripts/envoy/) started from the shipped bootstrap of the protocol being measured, one
 * worker thread each, in the driver process's care. They subscribe as Envoy does by itself (CDS
 * wildcard, EDS for every cluster), so their timings show whether the raw clients behave like it.
 *
 * When an Envoy has taken a change is read from its own counter of applied EDS updates for the
 * cluster (`cluster.<name>.update_success`; it ACKs right after applying), polled every `pollMs`
 * from just before the change, so the time is known to within one poll.
 */
import { EnvoyProxy } from '../../scripts/envoy/envoy-process.ts';
import type { BenchProtocol } from './clients.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BenchEnvoys {
  private constructor(
    readonly envoys: EnvoyProxy[],
    /** Per Envoy, from its start until it was LIVE (every cluster warmed with its endpoints). */
    readonly syncMs: number[],
  ) {}

  static async start(count: number, xdsPort: number, protocol: BenchProtocol, timeoutMs: number): Promise<BenchEnvoys> {
    const started = Date.now();
    const envoys: EnvoyProxy[] = [];
    const syncMs: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const e = await EnvoyProxy.start({ xdsPort, variant: protocol, nodeId: `bench-envoy-${protocol}-${i}`, concurrency: 1, readyTimeoutMs: timeoutMs });
          envoys.push(e);
          syncMs.push(Date.now() - started);
        }),
      );
    } catch (err) {
      await Promise.all(envoys.map((e) => e.stop()));
      throw err;
    }
    return new BenchEnvoys(envoys, syncMs);
  }

  private updates(cluster: string): Promise<number[]> {
    return Promise.all(this.envoys.map((e) => e.stat(`cluster.${cluster}.update_success`)));
  }

  /**
   * Call before a change of `cluster`; the returned function resolves, once every Envoy has
   * applied an EDS update of the cluster since, to the Unix ms at which each was first seen so.
   */
  async watch(cluster: string, timeoutMs: number, pollMs = 10): Promise<() => Promise<number[]>> {
    const before = await this.updates(cluster);
    return async () => {
      const seen: (number | undefined)[] = this.envoys.map(() => undefined);
      const deadline = Date.now() + timeoutMs;
      while (seen.some((t) => t === undefined)) {
        if (Date.now() > deadline) throw new Error(`BENCH_XDS_ENVOY_TIMEOUT: ${seen.filter((t) => t === undefined).length} Envoys did not apply the change of ${cluster} within ${timeoutMs} ms`);
        const now = await this.updates(cluster);
        const at = Date.now();
        now.forEach((n, i) => {
          if (seen[i] === undefined && n > before[i]!) seen[i] = at;
        });
        await sleep(pollMs);
      }
      return seen as number[];
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.envoys.map((e) => e.stop()));
  }
}
