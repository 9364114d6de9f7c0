/**
 * Behaviour every ScoreStore must have, run against the memory and the Redis implementation.
 */
import assert from 'node:assert/strict';
import type { ScoreStore, ServiceRecord } from '../../../scorer/store/types.ts';
import { isFenced } from '../../../scorer/store/errors.ts';

export function record(service: string, weights: Record<string, number>, computedAt = 1000): ServiceRecord {
  return {
    weights: { service, weights: new Map(Object.entries(weights)), computedAt, modelVersion: 'm1' },
    scores: new Map(Object.keys(weights).map((k) => [k, 0.5])),
  };
}

export interface ContractHooks {
  store(): Promise<ScoreStore>;
  /** Lets `ms` of lease time pass (real sleep for Redis, clock advance for memory). */
  elapse(ms: number): Promise<void>;
}

export function scoreStoreContract(hooks: ContractHooks): void {
  it('grants the lease to one holder at a time with increasing fencing tokens', async () => {
    const s = await hooks.store();
    const a = await s.tryAcquire('a', 300);
    assert.ok(a);
    assert.equal(await s.tryAcquire('b', 300), undefined);
    await s.release(a);
    const b = await s.tryAcquire('b', 300);
    assert.ok(b && b.token > a.token);
  });

  it('renews only the current lease', async () => {
    const s = await hooks.store();
    const a = (await s.tryAcquire('a', 200))!;
    assert.equal(await s.renew(a, 200), true);
    await hooks.elapse(300);
    assert.equal(await s.renew(a, 200), false);
  });

  it('refuses a stale leader’s publication after another replica took the lease', async () => {
    const s = await hooks.store();
    const a = (await s.tryAcquire('a', 200))!;
    await s.publish(a, { upserts: [record('svc', { 'x:1': 500, 'y:1': 500 })], removals: [] });
    await hooks.elapse(300);
    const b = (await s.tryAcquire('b', 5000))!;
    await assert.rejects(s.publish(a, { upserts: [record('svc', { 'x:1': 1, 'y:1': 999 })], removals: [] }), isFenced);
    const state = await s.read();
    assert.deepEqual([...state.services.get('svc')!.weights.weights], [['x:1', 500], ['y:1', 500]]);
    await s.publish(b, { upserts: [record('svc', { 'x:1': 300, 'y:1': 700 })], removals: [] });
    assert.equal((await s.read()).services.get('svc')!.weights.weights.get('y:1'), 700);
  });

  it('round-trips weights, scores and model version, and changes the revision only on change', async () => {
    const s = await hooks.store();
    const a = (await s.tryAcquire('a', 5000))!;
    const r1 = await s.publish(a, { upserts: [record('one', { 'x:1': 1000 }), record('two', { 'z:2': 1000 })], removals: [], modelVersion: 'm1' });
    const r2 = await s.publish(a, { upserts: [], removals: [], modelVersion: 'm1' });
    assert.equal(r2, r1);
    const r3 = await s.publish(a, { upserts: [], removals: ['two'], modelVersion: 'm1' });
    assert.notEqual(r3, r1);
    const state = await s.read();
    assert.equal(state.revision, r3);
    assert.equal(await s.revision(), r3);
    assert.equal(state.modelVersion, 'm1');
    assert.deepEqual([...state.services.keys()], ['one']);
    const one = state.services.get('one')!;
    assert.equal(one.weights.computedAt, 1000);
    assert.equal(one.weights.modelVersion, 'm1');
    assert.equal(one.scores.get('x:1'), 0.5);
  });
}
