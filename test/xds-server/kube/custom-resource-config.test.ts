/**
 * The custom-resource config source against a real API server (etcd + kube-apiserver): watching
 * before the CRDs exist, one namespace only, which changes count, statuses written once and
 * restored when someone else overwrites them, and the ConfigurationRefused status when a file
 * breaks the reload as a whole.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { systemClock } from '../../../api/clock.ts';
import { CRD_GROUP, CRD_VERSION } from '../../../xds-server/config/crd.ts';
import { CustomResourceConfig } from '../../../xds-server/kube/custom-resource-config.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { createXdsMetrics } from '../../../xds-server/metrics.ts';
import { admitResources } from '../../../xds-server/pipeline/admit-resources.ts';
import { eventually } from '../../support/eventually.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';
import { PrescientResources } from '../../support/prescient-resources.ts';
import { serviceDoc, yamlOf } from '../config/builders.ts';
import { makeTempDir } from '../config/temp-dir.ts';

const spec = (port: number) => ({ endpoints: [{ address: '127.0.0.1', port }] });

describe('custom resources as a config source (real API server)', function () {
  this.timeout(90_000);
  let cluster: KubeCluster;
  let resources: PrescientResources;
  let source: CustomResourceConfig;
  let ns: string;
  let other: string;
  let dir: { dir: string; remove(): Promise<void> };
  const changes: string[] = [];

  before(async () => {
    cluster = await KubeCluster.start();
    ns = await cluster.namespace('mine');
    other = await cluster.namespace('other');
    resources = new PrescientResources(cluster.kubeConfig());
    dir = await makeTempDir();
  });

  after(async () => {
    await source?.stop();
    await cluster?.stop();
    await dir?.remove();
  });

  /** One reload as the root runs it: admit files + resources, then settle. */
  const reload = async (paths: string[] = []) => {
    const result = await admitResources(paths, source.input(), Date.now());
    source.settle(result);
    await source.statusWritten();
    return result;
  };

  it('starts before the CRDs exist, says so, and picks the resources up once they are installed', async () => {
    source = await CustomResourceConfig.start({
      kubeConfig: cluster.kubeConfig(),
      namespace: ns,
      clock: systemClock,
      logger: silentLogger,
      metrics: createXdsMetrics(),
      initialSyncTimeoutMs: 300,
      resyncMs: 300,
      minBackoffMs: 100,
      maxBackoffMs: 500,
    });
    source.onChange((reason) => changes.push(reason));
    const before = source.status().watches;
    assert.equal(before.length, 9);
    assert.ok(before.every((w) => !w.listed && /404|Not Found/i.test(w.lastError?.message ?? '')), JSON.stringify(before[0]));
    await cluster.installCrds();
    await eventually(() => source.status().watches.every((w) => w.listed), 20_000, 100, 'every kind listed after the CRDs appear');
    await resources.create('Service', ns, 'greeter', spec(8080));
    await resources.create('Service', other, 'elsewhere', spec(8081));
    await eventually(() => source.input().current.length === 1, 10_000, 50, 'the resource is seen');
    assert.equal(source.input().current[0].origin, `k8s:Service/${ns}/greeter`);
    assert.equal(source.input().current[0].generation, 1);
    assert.ok(changes.includes(`k8s:Service/${ns}/greeter added`));
    // The other namespace is not watched.
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!changes.some((c) => c.includes('elsewhere')));
  });

  it('writes Accepted once; its own status write is not a change, a label edit is', async () => {
    await reload();
    const obj = await resources.get('Service', ns, 'greeter');
    assert.equal(obj.status?.conditions?.[0].status, 'True');
    assert.equal(obj.status?.observedGeneration, 1);
    const written = source.status().statusWrites.written;
    const changed = changes.length;
    await reload();
    await new Promise((r) => setTimeout(r, 700)); // two resyncs
    assert.equal(source.status().statusWrites.written, written, 'the same verdict is not written again');
    assert.equal(changes.length, changed, 'status writes are not changes');

    const api = cluster.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    await api.patchNamespacedCustomObject(
      { group: CRD_GROUP, version: CRD_VERSION, namespace: ns, plural: 'services', name: 'greeter', body: { metadata: { labels: { team: 'a' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(() => changes.length > changed, 5000, 50, 'a label edit is a change');
    const value = source.input().current[0].value as { metadata: { labels?: Record<string, string> } };
    assert.deepEqual(value.metadata.labels, { team: 'a' });
  });

  it('restores a status someone else overwrote at the next resync', async () => {
    const api = cluster.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
    await api.patchNamespacedCustomObjectStatus(
      { group: CRD_GROUP, version: CRD_VERSION, namespace: ns, plural: 'services', name: 'greeter', body: { status: { conditions: [{ type: 'Accepted', status: 'False', reason: 'Tampered', message: 'x', lastTransitionTime: new Date().toISOString() }] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await eventually(async () => (await resources.get('Service', ns, 'greeter')).status?.conditions?.[0].reason === 'Accepted', 5000, 100, 'status restored');
  });

  it('marks valid resources ConfigurationRefused when a file refuses the reload, and Accepted again once it is fixed', async () => {
    await resources.patchSpec('Service', ns, 'greeter', spec(8082));
    await eventually(() => source.input().current[0].generation === 2, 5000, 50, 'generation 2 seen');
    const file = path.join(dir.dir, 'mesh.yaml');
    await fs.writeFile(file, yamlOf(serviceDoc('filed', { endpoints: [{ address: '127.0.0.1', port: 70000 }] })));
    const refused = await reload([file]);
    assert.equal(refused.ok, false);
    let status = (await resources.get('Service', ns, 'greeter')).status!;
    assert.equal(status.conditions![0].status, 'False');
    assert.equal(status.conditions![0].reason, 'ConfigurationRefused');
    assert.ok(status.conditions![0].message.includes(`${file}:`), status.conditions![0].message);
    assert.equal(status.observedGeneration, 2);
    assert.equal(status.servingGeneration, 1, 'generation 1 keeps serving');
    await fs.writeFile(file, yamlOf(serviceDoc('filed')));
    assert.equal((await reload([file])).ok, true);
    status = (await resources.get('Service', ns, 'greeter')).status!;
    assert.equal(status.conditions![0].reason, 'Accepted');
    assert.equal(status.servingGeneration, 2);
  });

  it('writes statuses only while it holds the status leadership, and catches up on winning it', async () => {
    let leader = false;
    const listeners: ((l: boolean) => void)[] = [];
    source.writeStatusWhile({ isLeader: () => leader, onChange: (fn) => (listeners.push(fn), () => undefined) });
    await resources.create('Route', ns, 'follower', { hosts: ['follower'], rules: [{ backends: [{ service: 'greeter' }] }] });
    await eventually(() => source.input().current.length === 2, 5000, 50, 'route seen');
    await reload();
    await new Promise((r) => setTimeout(r, 700)); // two resyncs
    assert.equal((await resources.get('Route', ns, 'follower')).status, undefined, 'a follower writes nothing');
    assert.equal(source.status().writesStatus, false);
    leader = true;
    for (const fn of listeners) fn(true);
    await eventually(async () => (await resources.get('Route', ns, 'follower')).status?.conditions?.[0].status === 'True', 5000, 100, 'the new leader writes');
  });
});
