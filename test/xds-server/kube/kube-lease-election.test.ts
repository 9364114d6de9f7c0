/**
 * Two real Prescient servers electing through Kubernetes Leases on a real kube-apiserver: exactly
 * one computes weights, the other takes over within about the lease time when the leader stops
 * without releasing (a crash), the fencing token grows, and the stale holder cannot renew.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { KubeLeaseStore } from '../../../xds-server/kube/kube-lease-store.ts';
import { KubeRest } from '../../../xds-server/kube/kube-rest.ts';
import { eventually } from '../../support/eventually.ts';
import { freePort } from '../../support/free-port.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';
import { PrescientHarness, yamlOf, type DocSpec } from '../../support/prescient-harness.ts';

const BIN = path.resolve('bin/prescient.js');

interface ScorerStatus {
  replica: string;
  role: 'leader' | 'follower';
  leaseToken?: number;
  lastTickMs?: number;
}

describe('leadership through Kubernetes Leases (two real servers, real kube-apiserver)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;

  before(async () => {
    cluster = await KubeCluster.start();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('lets exactly one replica compute, and fails over within about the lease time when it dies', async () => {
    const namespace = await cluster.namespace('election');
    const docs: DocSpec[] = [{ kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 50051 }, { address: '10.0.0.2', port: 50051 }] } }];
    const opts = (replicaId: string) => ({
      scorer: { replicaId, leaseTtlMs: 2000, retrain: false as const },
      kubeconfig: cluster.kubeconfigPath,
      lease: { store: 'kubernetes' as const, namespace },
    });
    const a = await PrescientHarness.start(docs, opts('replica-a'));
    const b = await PrescientHarness.start(docs, opts('replica-b'));
    const leases = cluster.kubeConfig().makeApiClient(k8s.CoordinationV1Api);
    try {
      const scorer = (h: PrescientHarness) => h.adminJson<ScorerStatus>('/debug/scorer');
      await eventually(async () => (await scorer(a)).role !== (await scorer(b)).role, 20_000, 100, 'one leader, one follower');
      const [leader, follower] = (await scorer(a)).role === 'leader' ? [a, b] : [b, a];
      const first = await scorer(leader);
      const lease = await leases.readNamespacedLease({ name: 'prescient-scorer', namespace });
      assert.equal(lease.spec?.holderIdentity, first.replica, 'the Lease names the computing replica');
      assert.equal(lease.spec?.leaseTransitions, first.leaseToken);
      await eventually(async () => (await scorer(leader)).lastTickMs !== undefined, 20_000, 100, 'the leader computes');
      // A follower only reads: it never runs a compute tick (lastTickMs stays 0 or unset).
      for (let i = 0; i < 5; i++) {
        const s = await scorer(follower);
        assert.equal(s.role, 'follower');
        assert.ok(!s.lastTickMs, `the follower computed nothing (lastTickMs ${s.lastTickMs})`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const modules = await leader.adminJson<{ store: string; namespace: string; keys: Record<string, { leader: boolean; token?: number }> }>('/debug/leadership');
      assert.equal(modules.store, 'kubernetes');
      assert.equal(modules.namespace, namespace);
      assert.ok(modules.keys.scorer?.leader);
      const moduleLeases = await leases.listNamespacedLease({ namespace });
      assert.deepEqual(moduleLeases.items.map((l) => l.metadata!.name).sort(), ['prescient-dns', 'prescient-failover', 'prescient-scaling', 'prescient-scorer'], 'one Lease per key');

      await leader.prescient.stop({ releaseLease: false });
      const stoppedAt = Date.now();
      await eventually(async () => (await scorer(follower)).role === 'leader', 20_000, 50, 'the follower takes over');
      const tookMs = Date.now() - stoppedAt;
      // The lease time is 2 s (leaseDurationSeconds 2); add a renew period and polling.
      assert.ok(tookMs < 4500, `took over within about the lease time (${tookMs} ms)`);
      const second = await scorer(follower);
      assert.ok(second.leaseToken! > first.leaseToken!, `the fencing token grew (${first.leaseToken} → ${second.leaseToken})`);
      await eventually(async () => (await scorer(follower)).lastTickMs !== undefined && (await scorer(follower)).lastTickMs! > 0, 20_000, 100, 'the new leader computes');
      await eventually(async () => (await follower.adminJson('/debug/leadership')).keys.dns?.leader === true, 20_000, 100, 'module keys fail over too');

      // The dead leader's lease, presented again (a process that wakes up), is refused.
      const rest = new KubeRest(cluster.kubeConfig());
      try {
        const stale = new KubeLeaseStore({ rest, namespace, now: () => Date.now() });
        assert.equal(await stale.lease('scorer').renew({ holder: first.replica, token: first.leaseToken! }, 2000), false);
      } finally {
        rest.close();
      }
      console.log(`      (Kubernetes Lease failover: ${tookMs} ms with a 2 s lease)`);
    } finally {
      await a.stop().catch(() => undefined);
      await b.stop().catch(() => undefined);
    }
  });

  it('prescient serve --lease kubernetes keeps its Leases in the given namespace; without a kubeconfig it exits 1', async () => {
    const namespace = await cluster.namespace('cli');
    const config = path.join(cluster.dir, `cli-${namespace}.yaml`);
    await fs.writeFile(config, yamlOf([{ kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 50051 }] } }]));
    const adminPort = await freePort();
    const args = [BIN, 'serve', '--config', config, '--no-scorer', '--xds-address', '127.0.0.1:0', '--admin-address', `127.0.0.1:${adminPort}`, '--lease', 'kubernetes', '--lease-namespace', namespace, '--kubeconfig', cluster.kubeconfigPath];
    const logFile = path.join(cluster.dir, `cli-${namespace}.log`);
    const log = await fs.open(logFile, 'w');
    const child = spawn(process.execPath, args, { stdio: ['ignore', log.fd, log.fd] });
    await log.close();
    const output = () => fs.readFile(logFile, 'utf8').catch(() => '');
    const leases = cluster.kubeConfig().makeApiClient(k8s.CoordinationV1Api);
    try {
      const status = async () => (await (await fetch(`http://127.0.0.1:${adminPort}/debug/leadership`)).json()) as { store: string; namespace: string; keys: Record<string, { leader: boolean }> };
      await eventually(async () => (await status().catch(() => undefined))?.keys.dns?.leader === true, 30_000, 100, 'the server leads dns').catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await output()}`);
      });
      const s = await status();
      assert.deepEqual([s.store, s.namespace], ['kubernetes', namespace]);
      const dns = await leases.readNamespacedLease({ name: 'prescient-dns', namespace });
      assert.ok(dns.spec?.holderIdentity, 'the Lease names a holder');
      assert.equal(dns.spec?.leaseDurationSeconds, 5, 'the default lease time');
    } finally {
      // SIGKILL: a clean stop's release is covered above and in kube-lease-store.test.ts.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    }

    // No kubeconfig to be found: exit 1 before serving, with the code and what to do.
    const failed = await promisify(execFile)(process.execPath, [...args.slice(0, -1), path.join(cluster.dir, 'missing.yaml')], { timeout: 30_000 }).then(
      () => assert.fail('serve should have exited 1'),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /PRESCIENT_KUBE_CONFIG/);
    assert.match(failed.stdout, /--kubeconfig PATH/);
  });
});
