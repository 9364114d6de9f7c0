/**
 * KubeLeaseStore against a real kube-apiserver: the LeaseStore contract, the Lease object as
 * client-go's tools read it, compare-and-set refusals, clock skew between replicas, and RBAC.
 * Each replica's clock is injected: the API server never judges expiry, the replicas do.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { StoreError } from '../../../scorer/store/errors.ts';
import { KubeLeaseStore } from '../../../xds-server/kube/kube-lease-store.ts';
import { KubeRest } from '../../../xds-server/kube/kube-rest.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';
import { leaseStoreContract } from '../../scorer/store/lease-store-contract.ts';

describe('KubeLeaseStore (real kube-apiserver)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  const rests: KubeRest[] = [];
  let now = Date.now();

  before(async () => {
    cluster = await KubeCluster.start({ users: ['nobody'] });
  });
  after(async () => {
    for (const r of rests) r.close();
    await cluster?.stop();
  });

  function open(namespace: string, clock: () => number = () => now, kc = cluster.kubeConfig()): KubeLeaseStore {
    const rest = new KubeRest(kc);
    rests.push(rest);
    return new KubeLeaseStore({ rest, namespace, now: clock });
  }

  describe('LeaseStore contract', () => {
    leaseStoreContract({
      stores: async () => {
        const ns = await cluster.namespace('lease');
        return [open(ns), open(ns)];
      },
      ttlMs: 2000,
      elapse: async (ms) => {
        now += ms;
      },
    });
  });

  it('keeps a coordination.k8s.io/v1 Lease per key that client-go tools can read', async () => {
    const ns = await cluster.namespace('lease');
    const store = open(ns);
    const lease = (await store.lease('scorer').tryAcquire('replica-a', 1500))!;
    const api = cluster.kubeConfig().makeApiClient(k8s.CoordinationV1Api);
    const obj = await api.readNamespacedLease({ name: 'prescient-scorer', namespace: ns });
    assert.equal(obj.spec?.holderIdentity, 'replica-a');
    assert.equal(obj.spec?.leaseDurationSeconds, 2, 'the lease time rounded up to whole seconds');
    assert.equal(obj.spec?.leaseTransitions, lease.token, 'the fencing token is leaseTransitions');
    assert.match(String(obj.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');
    assert.match(String(obj.spec?.acquireTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(obj.metadata?.labels?.['app.kubernetes.io/managed-by'], 'prescient');

    await store.lease('scorer').release(lease);
    const released = await api.readNamespacedLease({ name: 'prescient-scorer', namespace: ns });
    assert.equal(released.spec?.holderIdentity ?? '', '', 'release clears the holder');
    assert.equal(released.spec?.leaseTransitions, lease.token, 'and keeps the token');
  });

  it("refuses a stale holder's renew by compare-and-set when another replica took over", async () => {
    const ns = await cluster.namespace('lease');
    // Two replicas with their own clocks; b's runs ahead, a's stands still (a stalled process).
    let aNow = 1_000_000;
    let bNow = 5_000_000;
    const a = open(ns, () => aNow);
    const b = open(ns, () => bNow);
    const la = (await a.lease('k').tryAcquire('a', 2000))!;
    assert.equal(await b.lease('k').tryAcquire('b', 2000), undefined, 'b observes a holding it');
    bNow += 2001;
    const lb = await b.lease('k').tryAcquire('b', 2000);
    assert.ok(lb && lb.token === la.token + 1, 'b took over after observing no renewal for the lease duration');
    assert.equal(await a.lease('k').renew(la, 2000), false, 'a (whose own clock says its lease is live) is refused by the API server');
    aNow += 10;
    await a.lease('k').release(la);
    const obj = await cluster.kubeConfig().makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name: 'prescient-k', namespace: ns });
    assert.equal(obj.spec?.holderIdentity, 'b', "a's release did not touch b's lease");
    assert.equal(await b.lease('k').renew(lb, 2000), true);
  });

  it('judges expiry on the observing replica’s own clock, so skew between replicas does not matter', async () => {
    const ns = await cluster.namespace('lease');
    // b's clock is an hour behind a's: the renewTime a writes lies an hour in b's future, and b's
    // own clock an hour ahead would make it look an hour old. Neither may matter.
    let aNow = Date.now();
    let bNow = aNow - 3_600_000;
    const a = open(ns, () => aNow);
    const b = open(ns, () => bNow);
    const la = (await a.lease('k').tryAcquire('a', 3000))!;
    assert.equal(await b.lease('k').tryAcquire('b', 3000), undefined);
    bNow += 7_200_000 - 3_600_000; // jump to an hour ahead of a; a fresh observation still counts from now
    const c = open(ns, () => bNow);
    assert.equal(await c.lease('k').tryAcquire('c', 3000), undefined, 'a replica an hour ahead does not think a fresh lease expired');
    aNow += 1000;
    assert.equal(await a.lease('k').renew(la, 3000), true);
    bNow += 2500;
    assert.equal(await c.lease('k').tryAcquire('c', 3000), undefined, 'the renewal restarted the observed duration');
    bNow += 3001;
    assert.ok(await c.lease('k').tryAcquire('c', 3000), 'no renewal seen for the whole duration: c takes over');
  });

  it('lets exactly one of several concurrent acquirers win a free key', async () => {
    const ns = await cluster.namespace('lease');
    const stores = Array.from({ length: 5 }, () => open(ns));
    const first = (await stores[0]!.lease('k').tryAcquire('r0', 2000))!;
    await stores[0]!.lease('k').release(first);
    const got = await Promise.all(stores.map((s, i) => s.lease('k').tryAcquire(`r${i}`, 2000)));
    const winners = got.filter((l) => l !== undefined);
    assert.equal(winners.length, 1, `exactly one winner (got ${winners.map((w) => w!.holder).join(', ')})`);
    assert.equal(winners[0]!.token, first.token + 1);
  });

  it('reports an RBAC refusal as STORE_UNAVAILABLE naming the verb, resource and namespace', async () => {
    const ns = await cluster.namespace('lease');
    const store = open(ns, () => now, cluster.kubeConfigFor('nobody'));
    await assert.rejects(store.lease('scorer').tryAcquire('a', 2000), (err: unknown) => {
      assert.ok(err instanceof StoreError && err.code === 'STORE_UNAVAILABLE', String(err));
      assert.match(err.message, /403/);
      assert.match(err.message, /needs get on leases\.coordination\.k8s\.io in namespace lease-/);
      assert.match(err.message, /cannot get resource "leases"/, 'the API server’s own words are kept');
      return true;
    });
  });
});
