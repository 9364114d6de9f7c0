/**
 * Leases per key on Kubernetes (api/leadership.ts LeaseStore): one `coordination.k8s.io/v1` Lease
 * object per key, `<prefix><key>` in one namespace, kept like client-go's leader election keeps
 * its lock, so `kubectl get lease` shows who leads what.
 *
 * - Every write is a compare-and-set on `metadata.resourceVersion`: a 409 means another replica
 *   wrote first, and the acquire or renew is lost.
 * - The fencing token is `spec.leaseTransitions`, incremented by every acquisition (also when the
 *   same holder acquires again after losing the lease), so it strictly increases per key for as
 *   long as the Lease object exists. Deleting the object by hand restarts the count.
 * - Expiry is judged as client-go judges it: a record (identified by its resourceVersion) counts
 *   as expired `leaseDurationSeconds` after this replica first *observed* it, on this replica's
 *   own clock. The `renewTime` written by another replica is never compared with the local clock,
 *   so clock skew between replicas does not matter. A replica that has just started therefore
 *   waits one lease duration before taking over a Lease it finds held.
 * - `renewTime`/`acquireTime` are written for people and tools; `leaseDurationSeconds` is the
 *   lease time rounded up to whole seconds (the API's unit).
 * - Release clears `holderIdentity` (the token stays), so another replica can acquire at once.
 *
 * Failures to reach the API server (or an RBAC refusal) reject with StoreError STORE_UNAVAILABLE,
 * whose message carries the API server's answer; the LeaseKeeper then keeps the lease only until
 * its local validity runs out, as with Redis.
 */
import type { KeyLease, Lease, LeaseStore } from '../../api/leadership.ts';
import { StoreError } from '../../scorer/store/errors.ts';
import { statusMessage, type KubeResponse, type KubeRest } from './kube-rest.ts';

export interface KubeLeaseStoreOptions {
  readonly rest: KubeRest;
  /** Where the Lease objects live (the pod's own namespace in a cluster). */
  readonly namespace: string;
  /** Lease object name = prefix + key; default `prescient-`. */
  readonly namePrefix?: string;
  /** Local clock (Unix ms), injected. */
  readonly now: () => number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface LeaseObject {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** What this replica last saw of a key's Lease, and when (its own clock). */
interface Observed {
  readonly resourceVersion: string;
  readonly spec: LeaseSpec;
  readonly observedAt: number;
}

/** What this replica holds: the object version its last write produced. */
interface Held {
  readonly holder: string;
  readonly token: number;
  resourceVersion: string;
  spec: LeaseSpec;
  /** Local time of the last successful acquire or renew. */
  renewedAt: number;
  durationMs: number;
}

const API = '/apis/coordination.k8s.io/v1';
/** The API's MicroTime: RFC 3339 with six fractional digits. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
/** A DNS-1123 subdomain from a module key. */
const objectName = (prefix: string, key: string) =>
  `${prefix}${key}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253);

export class KubeLeaseStore implements LeaseStore {
  private readonly observed = new Map<string, Observed>();
  private readonly held = new Map<string, Held>();
  private readonly prefix: string;

  constructor(private readonly o: KubeLeaseStoreOptions) {
    this.prefix = o.namePrefix ?? 'prescient-';
  }

  /** The Lease object that holds `key`. */
  objectName(key: string): string {
    return objectName(this.prefix, key);
  }

  /** For /debug/leadership: where the leases live. */
  describe(): { store: 'kubernetes'; namespace: string; server: string; objects: Record<string, string> } {
    const keys = new Set([...this.observed.keys(), ...this.held.keys()]);
    return { store: 'kubernetes', namespace: this.o.namespace, server: this.o.rest.server, objects: Object.fromEntries([...keys].map((k) => [k, this.objectName(k)])) };
  }

  lease(key: string): KeyLease {
    return {
      tryAcquire: (holder, ttlMs) => this.tryAcquire(key, holder, ttlMs),
      renew: (lease, ttlMs) => this.renew(key, lease, ttlMs),
      release: (lease) => this.release(key, lease),
    };
  }

  private path(key: string, named = true): string {
    const base = `${API}/namespaces/${encodeURIComponent(this.o.namespace)}/leases`;
    return named ? `${base}/${this.objectName(key)}` : base;
  }

  private fail(key: string, op: string, cause: unknown): StoreError {
    const what = `lease ${this.o.namespace}/${this.objectName(key)}: ${op} failed`;
    if (cause instanceof StoreError) return cause;
    return new StoreError('STORE_UNAVAILABLE', `${what}: ${(cause as Error).message}`, { cause });
  }

  private refused(key: string, verb: string, res: KubeResponse): StoreError {
    const hint =
      res.status === 403
        ? ` (RBAC: Prescient's ServiceAccount needs ${verb} on leases.coordination.k8s.io in namespace ${this.o.namespace}; the Role prescient-lease in manifests/components/kubernetes-lease grants get, create, update)`
        : '';
    return new StoreError('STORE_UNAVAILABLE', `lease ${this.o.namespace}/${this.objectName(key)}: ${verb} answered ${res.status}: ${statusMessage(res)}${hint}`);
  }

  /** Reads the key's Lease (undefined when it does not exist) and notes when its version was first seen. */
  private async read(key: string): Promise<LeaseObject | undefined> {
    const res = await this.o.rest.request<LeaseObject>('GET', this.path(key));
    if (res.status === 404) return undefined;
    if (res.status !== 200 || !res.body) throw this.refused(key, 'get', res);
    this.observe(key, res.body);
    return res.body;
  }

  private observe(key: string, obj: LeaseObject, at = this.o.now()): void {
    const rv = obj.metadata?.resourceVersion ?? '';
    const prev = this.observed.get(key);
    if (prev?.resourceVersion === rv) return;
    this.observed.set(key, { resourceVersion: rv, spec: { ...obj.spec }, observedAt: at });
  }

  /** Held by someone, by this replica's observation: a holder and a record younger than its duration. */
  private heldByOther(key: string, now: number): boolean {
    const seen = this.observed.get(key);
    if (!seen?.spec.holderIdentity) return false;
    return seen.observedAt + (seen.spec.leaseDurationSeconds ?? 15) * 1000 > now;
  }

  private async tryAcquire(key: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    try {
      const now = this.o.now();
      const existing = await this.read(key);
      const spec = (transitions: number): LeaseSpec => ({
        holderIdentity: holder,
        leaseDurationSeconds: seconds(ttlMs),
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: transitions,
      });
      let res: KubeResponse<LeaseObject>;
      let token: number;
      if (!existing) {
        token = 1;
        const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.objectName(key), labels: { 'app.kubernetes.io/managed-by': 'prescient' } }, spec: spec(token) };
        res = await this.o.rest.request<LeaseObject>('POST', this.path(key, false), body);
        if (res.status === 409) return undefined;
        if (res.status !== 201 && res.status !== 200) throw this.refused(key, 'create', res);
      } else {
        if (this.heldByOther(key, now)) return undefined;
        token = (existing.spec?.leaseTransitions ?? 0) + 1;
        const body = { ...existing, spec: spec(token) };
        res = await this.o.rest.request<LeaseObject>('PUT', this.path(key), body);
        if (res.status === 409) return undefined;
        if (res.status !== 200) throw this.refused(key, 'update', res);
      }
      this.remember(key, holder, token, res.body!, now, ttlMs);
      return { holder, token };
    } catch (err) {
      throw this.fail(key, 'acquire', err);
    }
  }

  private remember(key: string, holder: string, token: number, obj: LeaseObject, at: number, ttlMs: number): void {
    this.observe(key, obj, at);
    this.held.set(key, { holder, token, resourceVersion: obj.metadata?.resourceVersion ?? '', spec: { ...obj.spec }, renewedAt: at, durationMs: seconds(ttlMs) * 1000 });
  }

  private isOurs(spec: LeaseSpec | undefined, lease: Lease): boolean {
    return spec?.holderIdentity === lease.holder && (spec.leaseTransitions ?? 0) === lease.token;
  }

  /**
   * Compare-and-set renewal. Refused (false) when the lease ran out on this replica's clock since
   * its last successful write (as a Redis key would have expired), when the object now names
   * another holder or token, or when it is gone.
   */
  private async renew(key: string, lease: Lease, ttlMs: number): Promise<boolean> {
    try {
      const now = this.o.now();
      let h = this.held.get(key);
      if (h && (h.holder !== lease.holder || h.token !== lease.token)) return false;
      if (h && now >= h.renewedAt + h.durationMs) {
        this.held.delete(key);
        return false;
      }
      if (!h) {
        // Not written by this store instance (a restart): adopt it only if it is still this lease and live.
        const obj = await this.read(key);
        if (!obj || !this.isOurs(obj.spec, lease)) return false;
        const seen = this.observed.get(key)!;
        if (seen.observedAt + (obj.spec?.leaseDurationSeconds ?? 15) * 1000 <= now) return false;
        h = { holder: lease.holder, token: lease.token, resourceVersion: obj.metadata?.resourceVersion ?? '', spec: { ...obj.spec }, renewedAt: seen.observedAt, durationMs: (obj.spec?.leaseDurationSeconds ?? 15) * 1000 };
      }
      // One retry: a 409 may come from an edit that left the lease ours (a label added by hand).
      for (let attempt = 0; attempt < 2; attempt++) {
        const spec: LeaseSpec = { ...h.spec, renewTime: microTime(now), leaseDurationSeconds: seconds(ttlMs) };
        const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.objectName(key), namespace: this.o.namespace, resourceVersion: h.resourceVersion }, spec };
        const res = await this.o.rest.request<LeaseObject>('PUT', this.path(key), body);
        if (res.status === 200 && res.body) {
          this.remember(key, lease.holder, lease.token, res.body, now, ttlMs);
          return true;
        }
        if (res.status === 404) break;
        if (res.status !== 409) throw this.refused(key, 'update', res);
        const current = await this.read(key);
        if (!current || !this.isOurs(current.spec, lease)) break;
        h = { ...h, resourceVersion: current.metadata?.resourceVersion ?? '', spec: { ...current.spec } };
      }
      this.held.delete(key);
      return false;
    } catch (err) {
      throw this.fail(key, 'renew', err);
    }
  }

  /** Clears the holder if the lease is still this one; a lost or expired lease is left alone. */
  private async release(key: string, lease: Lease): Promise<void> {
    const h = this.held.get(key);
    if (!h || h.holder !== lease.holder || h.token !== lease.token) return;
    this.held.delete(key);
    try {
      const now = this.o.now();
      const spec: LeaseSpec = { leaseDurationSeconds: 1, leaseTransitions: h.token, acquireTime: h.spec.acquireTime, renewTime: microTime(now) };
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.objectName(key), namespace: this.o.namespace, resourceVersion: h.resourceVersion }, spec };
      const res = await this.o.rest.request<LeaseObject>('PUT', this.path(key), body);
      if (res.status === 200 && res.body) this.observe(key, res.body, now);
      else if (res.status !== 409 && res.status !== 404) throw this.refused(key, 'update', res);
    } catch (err) {
      throw this.fail(key, 'release', err);
    }
  }
}
