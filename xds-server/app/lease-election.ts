/**
 * The root's LeaderElection (api/leadership.ts): one lease per module key on a LeaseStore (memory
 * for one replica, Redis for several), each kept by a LeaseKeeper stepped on the root's clock.
 * A key is campaigned for once; later campaigns for it return the same Leadership.
 */
import type { CancelTimer, Clock } from '../../api/clock.ts';
import type { LeaderElection, Leadership, LeaseStore } from '../../api/leadership.ts';
import type { Log } from '../../api/logger.ts';
import { LeaseKeeper } from '../../scorer/loop/lease-keeper.ts';

export interface LeaseElectionOptions {
  readonly store: LeaseStore;
  /** This replica's id. */
  readonly holder: string;
  /** A dead leader is replaced within about this long. */
  readonly ttlMs: number;
  readonly clock: Clock;
  readonly logger: Log;
}

interface Campaign {
  readonly keeper: LeaseKeeper;
  readonly listeners: Set<(leader: boolean) => void>;
  readonly leadership: Leadership;
  cancel?: CancelTimer;
}

export class LeaseElection implements LeaderElection {
  private readonly campaigns = new Map<string, Campaign>();
  private stopped = false;

  constructor(private readonly o: LeaseElectionOptions) {}

  campaign(key: string): Leadership {
    const existing = this.campaigns.get(key);
    if (existing) return existing.leadership;
    const listeners = new Set<(leader: boolean) => void>();
    const keeper = new LeaseKeeper({
      store: this.o.store.lease(key),
      holder: this.o.holder,
      leaseTtlMs: this.o.ttlMs,
      now: () => this.o.clock.now(),
      logger: this.o.logger.child({ lease: key }),
      name: key,
      onChange: (leader) => {
        for (const l of [...listeners]) l(leader);
      },
    });
    const leadership: Leadership = {
      key,
      current: () => keeper.current(),
      isLeader: () => keeper.current() !== undefined,
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const campaign: Campaign = { keeper, listeners, leadership };
    this.campaigns.set(key, campaign);
    const step = () => {
      void keeper.step();
      if (!this.stopped) campaign.cancel = this.o.clock.setTimeout(step, keeper.periodMs);
    };
    step();
    return leadership;
  }

  /** Per key: whether this replica leads it, and its fencing token while it does. */
  status(): Record<string, { leader: boolean; token?: number }> {
    return Object.fromEntries(
      [...this.campaigns].map(([key, c]) => {
        const lease = c.keeper.current();
        return [key, { leader: lease !== undefined, ...(lease && { token: lease.token }) }];
      }),
    );
  }

  /**
   * Stops campaigning. By default gives every held lease up, so another replica takes over at
   * once; `release: false` leaves them to expire, as a crashed replica would.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const c of this.campaigns.values()) c.cancel?.();
    if (options.release ?? true) await Promise.all([...this.campaigns.values()].map((c) => c.keeper.release()));
  }
}
