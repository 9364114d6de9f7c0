/**
 * The Redis key schema (documented in ./README.md). All keys share the `{scorer}` hash tag so the
 * Lua scripts, which touch several of them, also run on Redis Cluster (one slot).
 */
export interface RedisKeys {
  readonly lease: string;
  readonly fence: string;
  readonly weights: string;
  readonly scores: string;
  readonly meta: string;
}

export const DEFAULT_KEY_PREFIX = 'prescient:';

export function redisKeys(prefix: string = DEFAULT_KEY_PREFIX): RedisKeys {
  const k = (name: string) => `${prefix}{scorer}:${name}`;
  return { lease: k('lease'), fence: k('fence'), weights: k('weights'), scores: k('scores'), meta: k('meta') };
}
