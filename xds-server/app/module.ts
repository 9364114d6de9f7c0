/**
 * A capability of the running server (the scorer now; mirror, failover, scaffolding, DNS later):
 * started and stopped by the root in list order (stopped in reverse), told of every accepted
 * configuration, and shown on `/debug/modules` through its status.
 */
import type { MeshConfig } from '../../api/config.ts';

export interface PrescientModule {
  readonly name: string;
  /** Called after the servers listen, in list order. */
  start(): Promise<void> | void;
  /** Called in reverse list order; must release timers, sockets and leases. */
  stop(options: { releaseLease?: boolean }): Promise<void> | void;
  /** Each accepted configuration, including the initial one (before `start`). */
  onConfig?(config: MeshConfig): void;
  /** JSON-serialisable state for /debug/modules and the module's own debug page. */
  status(): unknown;
}
