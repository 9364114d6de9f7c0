/**
 * ScoreStore on Redis (ioredis), for several Prescient replicas. Lease: SET NX PX with a fencing
 * token from INCR; renew and release are Lua compare-and-set; every publication is a Lua script
 * that first checks lease and token, so a stale leader's write is refused (STORE_FENCED).
 *
 * Availability: commands fail fast while Redis is down (no offline queue) so callers keep serving
 * their last known weights instead of blocking; ioredis reconnects in the background. Redis
 * restarted without persistence loses the lease and the state: the next tryAcquire wins a fresh
 * lease and the leader republishes everything (see scorer/loop).
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { StoreError } from './errors.ts';
import { decodeRecord, encodeScores, encodeWeights } from './record-codec.ts';
import { redisKeys, type RedisKeys } from './redis-keys.ts';
import { ACQUIRE, PUBLISH, RELEASE, RENEW } from './redis-scripts.ts';
import type { Lease, Publication, ScoreStore, ServiceRecord, StoredState } from './types.ts';

export interface RedisScoreStoreOptions {
  /** redis://[:password@]host:port[/db] */
  url: string;
  /** Key prefix, so several meshes can share one Redis. Default "prescient:". */
  keyPrefix?: string;
  /** How long published state lives without a leader refreshing it. Default 60 s. */
  ttlMs?: number;
  /** Upper bound of the reconnect back-off. Default 1 s. */
  maxReconnectDelayMs?: number;
}

const leaseValue = (l: Lease) => `${l.holder}#${l.token}`;

export class RedisScoreStore implements ScoreStore {
  readonly client: Redis;
  private readonly keys: RedisKeys;
  private readonly ttlMs: number;

  constructor(opts: RedisScoreStoreOptions) {
    this.keys = redisKeys(opts.keyPrefix);
    this.ttlMs = opts.ttlMs ?? 60_000;
    const maxDelay = opts.maxReconnectDelayMs ?? 1000;
    const options: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, maxDelay),
    };
    this.client = new Redis(opts.url, options);
    // Errors surface on the commands that fail; without a listener ioredis would log each
    // reconnect attempt as an unhandled 'error' event.
    this.client.on('error', () => {});
  }

  /** Resolves once connected (the first connection; later ones happen by themselves). */
  async ready(timeoutMs = 10_000): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        reject(new StoreError('STORE_UNAVAILABLE', `no connection to Redis within ${timeoutMs} ms; check REDIS_URL`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('ready', onReady);
    });
  }

  private async run<T>(op: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (err instanceof Error && err.message.includes('STORE_FENCED')) {
        throw new StoreError('STORE_FENCED', `${op} refused: the lease is no longer current; another replica leads`, { cause: err });
      }
      throw new StoreError('STORE_UNAVAILABLE', `${op} failed: ${(err as Error).message}; serving last known weights`, { cause: err });
    }
  }

  tryAcquire(holder: string, ttlMs: number): Promise<Lease | undefined> {
    return this.run('acquire', async () => {
      const token = (await this.client.eval(ACQUIRE, 2, this.keys.lease, this.keys.fence, holder, ttlMs)) as number | null;
      return token === null ? undefined : { holder, token: Number(token) };
    });
  }

  renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.run('renew', async () => (await this.client.eval(RENEW, 1, this.keys.lease, leaseValue(lease), ttlMs)) === 1);
  }

  release(lease: Lease): Promise<void> {
    return this.run('release', async () => {
      await this.client.eval(RELEASE, 1, this.keys.lease, leaseValue(lease));
    });
  }

  publish(lease: Lease, p: Publication): Promise<string | undefined> {
    const k = this.keys;
    const args: (string | number)[] = [leaseValue(lease), String(lease.token), this.ttlMs, randomUUID(), p.modelVersion ?? '', p.upserts.length];
    for (const r of p.upserts) args.push(r.weights.service, encodeWeights(r), encodeScores(r));
    args.push(...p.removals);
    return this.run('publish', async () => {
      const rev = (await this.client.eval(PUBLISH, 5, k.lease, k.fence, k.weights, k.scores, k.meta, ...args)) as string | null;
      return rev ?? undefined;
    });
  }

  revision(): Promise<string | undefined> {
    return this.run('revision', async () => (await this.client.hget(this.keys.meta, 'revision')) ?? undefined);
  }

  read(): Promise<StoredState> {
    const k = this.keys;
    return this.run('read', async () => {
      const replies = await this.client.multi().hgetall(k.weights).hgetall(k.scores).hgetall(k.meta).exec();
      if (!replies) throw new Error('transaction aborted');
      for (const [err] of replies) if (err) throw err;
      const [weights, scores, meta] = replies.map(([, v]) => v as Record<string, string>) as [
        Record<string, string>,
        Record<string, string>,
        Record<string, string>,
      ];
      const services = new Map<string, ServiceRecord>();
      for (const [service, json] of Object.entries(weights)) services.set(service, decodeRecord(service, json, scores[service]));
      return {
        revision: meta.revision,
        ...(meta.modelVersion ? { modelVersion: meta.modelVersion } : {}),
        ...(meta.leader ? { leader: meta.leader } : {}),
        services,
      };
    });
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
