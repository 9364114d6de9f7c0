/**
 * Failover state shared between replicas: per service, the state machine (mirror/failover-machine.ts)
 * with a version, written by the replica that moved it (the `failover` leader after each probe
 * round; any replica for an operator's hold, release or revert) and read by every replica before
 * each round. A follower so serves the leader's slice (its clients fail over too), and a new
 * leader resumes where the old one stopped — on the standby, mid-verification, held — instead of
 * starting again at `primary`.
 *
 * Writes are compare-and-set on the version, so a write based on an older state (an operator's
 * move on another replica landed in between) is refused and the writer adopts the stored one.
 * Redis: one hash per service, `<prefix>{failover:<service>}` with fields `version` and `state`
 * (JSON), changed by one Lua script.
 */
import type { Redis } from 'ioredis';
import type { MachineState } from '../../mirror/failover-machine.ts';

export interface SharedFailoverState {
  readonly version: number;
  readonly machine: MachineState;
  /** The replica that wrote it. */
  readonly replica: string;
  /** Unix ms of the write. */
  readonly savedAt: number;
}

export interface FailoverStateStore {
  load(service: string): Promise<SharedFailoverState | undefined>;
  /** Writes `state` (whose version is one more than `expected`) if the stored version is still `expected` (0: none stored). */
  compareAndSet(service: string, expected: number, state: SharedFailoverState): Promise<boolean>;
}

const CAS = `
local v = redis.call('HGET', KEYS[1], 'version')
if (v or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
return 1
`;

export const FAILOVER_STATE_PREFIX = 'prescient:';

export class RedisFailoverStateStore implements FailoverStateStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix = FAILOVER_STATE_PREFIX,
  ) {}

  private key(service: string): string {
    return `${this.prefix}{failover:${service}}`;
  }

  async load(service: string): Promise<SharedFailoverState | undefined> {
    const [version, state] = await this.client.hmget(this.key(service), 'version', 'state');
    if (version === null || state === null) return undefined;
    try {
      return { ...(JSON.parse(state) as Omit<SharedFailoverState, 'version'>), version: Number(version) };
    } catch {
      return undefined;
    }
  }

  async compareAndSet(service: string, expected: number, state: SharedFailoverState): Promise<boolean> {
    const { version, ...rest } = state;
    return (await this.client.eval(CAS, 1, this.key(service), String(expected), String(version), JSON.stringify(rest))) === 1;
  }
}

/** In one process (tests, and the contract the Redis store is checked against). */
export class MemoryFailoverStateStore implements FailoverStateStore {
  private readonly states = new Map<string, SharedFailoverState>();

  async load(service: string): Promise<SharedFailoverState | undefined> {
    return this.states.get(service);
  }

  async compareAndSet(service: string, expected: number, state: SharedFailoverState): Promise<boolean> {
    if ((this.states.get(service)?.version ?? 0) !== expected) return false;
    this.states.set(service, structuredClone(state));
    return true;
  }
}
