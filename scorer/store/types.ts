/**
 * Shared scorer state (DESIGN §5): the weights and scores every Prescient replica serves, and the
 * lease that lets exactly one replica compute them. Implementations: MemoryScoreStore (embedded
 * default, one process) and RedisScoreStore (several replicas). Key schema: ./README.md.
 */
import type { ServiceWeights } from '../../api/decisions.ts';

import type { Lease } from '../../api/leadership.ts';

export type { Lease } from '../../api/leadership.ts';

export interface ServiceRecord {
  readonly weights: ServiceWeights;
  /** Endpoint key → score 0..1 (for debug pages and followers' metrics). */
  readonly scores: ReadonlyMap<string, number>;
}

export interface Publication {
  /** Services whose weights changed (or all of them, on a full publication). */
  readonly upserts: readonly ServiceRecord[];
  /** Services no longer in the configuration. */
  readonly removals: readonly string[];
  readonly modelVersion?: string;
}

export interface StoredState {
  /**
   * Opaque id of the last publication that changed something; differs for every such publication,
   * also across store restarts. undefined when nothing has been published (or it expired).
   */
  readonly revision: string | undefined;
  readonly modelVersion?: string;
  /** Leader that wrote the last publication ("holder#token"). */
  readonly leader?: string;
  readonly services: ReadonlyMap<string, ServiceRecord>;
}

export interface ScoreStore {
  /**
   * The store lives in this process and only this process's one scorer uses it: nobody else can
   * take the lease, so a busy event loop must not make the holder step down (its lease is kept
   * until released). Unset for shared stores.
   */
  readonly exclusive?: boolean;
  /** Acquires the lease if nobody holds it; undefined when someone else does. */
  tryAcquire(holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends the lease if it is still this one (compare-and-set); false when it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if it is still this one, so a follower can take over at once. */
  release(lease: Lease): Promise<void>;
  /**
   * Writes a publication and refreshes the state's time-to-live. Refused with StoreError
   * STORE_FENCED when `lease` is not the current lease (a stale leader). An empty publication
   * only refreshes the time-to-live and keeps the revision. Returns the revision now stored.
   */
  publish(lease: Lease, publication: Publication): Promise<string | undefined>;
  /** The current revision only (cheap; followers poll it). */
  revision(): Promise<string | undefined>;
  /** A consistent snapshot of everything stored. */
  read(): Promise<StoredState>;
  close(): Promise<void>;
}
