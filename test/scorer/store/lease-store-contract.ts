/**
 * Behaviour every LeaseStore (api/leadership.ts) must have, run against the memory, Redis and
 * Kubernetes implementations. Two "replicas" are two handles on the same leases: one shared store
 * in memory, two clients for Redis and Kubernetes.
 */
import assert from 'node:assert/strict';
import type { LeaseStore } from '../../../api/leadership.ts';

export interface LeaseContractHooks {
  /** Two replicas' stores over the same leases, on a fresh key space. */
  stores(): Promise<[LeaseStore, LeaseStore]>;
  /** A lease time the store supports (whole seconds for Kubernetes). */
  readonly ttlMs: number;
  /** Lets `ms` of lease time pass for both replicas (clock advance, or a real sleep). */
  elapse(ms: number): Promise<void>;
}

export function leaseStoreContract(hooks: LeaseContractHooks): void {
  const ttl = hooks.ttlMs;

  it('grants a key to one holder at a time, with a token that grows on every acquisition', async () => {
    const [s1, s2] = await hooks.stores();
    const a = await s1.lease('k').tryAcquire('a', ttl);
    assert.ok(a, 'a acquires the free key');
    assert.equal(await s2.lease('k').tryAcquire('b', ttl), undefined, 'b is refused while a holds it');
    await s1.lease('k').release(a);
    const b = await s2.lease('k').tryAcquire('b', ttl);
    assert.ok(b && b.token > a.token, 'b acquires at once after the release, with a larger token');
    await s2.lease('k').release(b);
    const again = await s1.lease('k').tryAcquire('a', ttl);
    assert.ok(again && again.token > b.token, 'the same holder acquiring again gets a larger token too');
  });

  it('keeps keys independent', async () => {
    const [s1, s2] = await hooks.stores();
    assert.ok(await s1.lease('dns').tryAcquire('a', ttl));
    assert.ok(await s2.lease('failover').tryAcquire('b', ttl), 'another key is free');
    assert.equal(await s2.lease('dns').tryAcquire('b', ttl), undefined);
  });

  it('renews the current lease, refuses an expired one, and lets another replica take it over with a larger token', async () => {
    const [s1, s2] = await hooks.stores();
    const a = (await s1.lease('k').tryAcquire('a', ttl))!;
    assert.equal(await s2.lease('k').tryAcquire('b', ttl), undefined);
    await hooks.elapse(ttl / 2);
    assert.equal(await s1.lease('k').renew(a, ttl), true, 'renewed within the lease time');
    await hooks.elapse(ttl / 2 + 100);
    assert.equal(await s2.lease('k').tryAcquire('b', ttl), undefined, 'the renewal counts from when it was made');
    await hooks.elapse(ttl);
    const b = await s2.lease('k').tryAcquire('b', ttl);
    assert.ok(b && b.token > a.token, 'b takes over an expired lease with a larger token');
    assert.equal(await s1.lease('k').renew(a, ttl), false, "the stale holder's renew is refused");
    await s1.lease('k').release(a);
    assert.equal(await s1.lease('k').tryAcquire('c', ttl), undefined, "the stale holder's release leaves b's lease alone");
    assert.equal(await s2.lease('k').renew(b, ttl), true);
  });
}
