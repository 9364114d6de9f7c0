/**
 * Counts the client process's events for the driver: which clients hold the initial set, and which
 * have acknowledged the change being measured. The first client error fails whatever is awaited,
 * since a benchmark with a dropped client would measure fewer clients than it claims.
 */
import type { ClientEvent } from './clients.ts';

interface Waiter {
  need: number;
  resolve: (times: number[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class ClientTally {
  private readonly syncedAt = new Map<number, number>();
  private ackedAt = new Map<number, number>();
  private watched = '';
  private error: Error | undefined;
  private syncWaiter: Waiter | undefined;
  private ackWaiter: Waiter | undefined;

  constructor(private readonly clients: number) {}

  onEvents(events: readonly ClientEvent[]): void {
    for (const e of events) {
      if (e.kind === 'error') this.fail(new Error(`BENCH_XDS_CLIENT_ERROR: client ${e.client}: ${e.message}`));
      else if (e.kind === 'synced') this.syncedAt.set(e.client, e.at);
      else if (e.cluster === this.watched && !this.ackedAt.has(e.client)) this.ackedAt.set(e.client, e.at);
    }
    this.check();
  }

  /** Unix ms at which each client first held every cluster, once all of them do. */
  synced(timeoutMs: number): Promise<number[]> {
    return this.wait('syncWaiter', timeoutMs, 'hold the initial set');
  }

  /** Starts counting acknowledgements of `cluster` afresh. */
  watch(cluster: string): void {
    this.watched = cluster;
    this.ackedAt = new Map();
  }

  /** Unix ms at which each client acknowledged the watched cluster, once all of them have. */
  acked(timeoutMs: number): Promise<number[]> {
    return this.wait('ackWaiter', timeoutMs, `acknowledge ${this.watched}`);
  }

  private wait(slot: 'syncWaiter' | 'ackWaiter', timeoutMs: number, what: string): Promise<number[]> {
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this[slot] = undefined;
        const have = slot === 'syncWaiter' ? this.syncedAt.size : this.ackedAt.size;
        reject(new Error(`BENCH_XDS_TIMEOUT: only ${have} of ${this.clients} clients did ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this[slot] = { need: this.clients, resolve, reject, timer };
      this.check();
    });
  }

  private check(): void {
    this.settle('syncWaiter', this.syncedAt);
    this.settle('ackWaiter', this.ackedAt);
  }

  private settle(slot: 'syncWaiter' | 'ackWaiter', times: Map<number, number>): void {
    const w = this[slot];
    if (!w || times.size < w.need) return;
    clearTimeout(w.timer);
    this[slot] = undefined;
    w.resolve([...times.values()]);
  }

  private fail(err: Error): void {
    this.error ??= err;
    for (const slot of ['syncWaiter', 'ackWaiter'] as const) {
      const w = this[slot];
      if (!w) continue;
      clearTimeout(w.timer);
      this[slot] = undefined;
      w.reject(err);
    }
  }
}
