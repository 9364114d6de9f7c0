/**
 * The RBAC shipped for Leases (manifests/components/kubernetes-lease) and the scale actuator
 * (manifests/components/scale-actuator) is enough for what the code does and no more: applied to
 * a real kube-apiserver for a user that has nothing else, the lease store and the actuator work,
 * and what the components do not grant (Leases in another namespace, a custom resource's scale)
 * is refused with the errors the code documents.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { StoreError } from '../../../scorer/store/errors.ts';
import { KubeLeaseStore } from '../../../xds-server/kube/kube-lease-store.ts';
import { KubeRest } from '../../../xds-server/kube/kube-rest.ts';
import { KubeScaleActuator, ScaleError } from '../../../xds-server/kube/kube-scale-actuator.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';

const USER = 'prescient-sa';
type RbacObject = { kind: string; metadata: { name: string; namespace?: string }; subjects?: unknown[] } & Record<string, unknown>;

async function shipped(component: string): Promise<RbacObject[]> {
  const text = await readFile(new URL(`../../../manifests/components/${component}/rbac.yaml`, import.meta.url), 'utf8');
  return YAML.parseAllDocuments(text).map((d) => d.toJS() as RbacObject);
}

describe('shipped RBAC for Leases and the scale actuator (real kube-apiserver)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let namespace: string;
  const rests: KubeRest[] = [];

  before(async () => {
    cluster = await KubeCluster.start({ users: [USER] });
    namespace = await cluster.namespace('prescient');
    const rbac = cluster.kubeConfig().makeApiClient(k8s.RbacAuthorizationV1Api);
    // The manifests bind the ServiceAccount prescient/prescient; here the same rules go to a token user in a test namespace.
    for (const obj of [...(await shipped('kubernetes-lease')), ...(await shipped('scale-actuator'))]) {
      if (obj.metadata.namespace) obj.metadata.namespace = namespace;
      if (obj.subjects) obj.subjects = [{ kind: 'User', name: USER, apiGroup: 'rbac.authorization.k8s.io' }];
      const body = obj as never;
      if (obj.kind === 'Role') await rbac.createNamespacedRole({ namespace, body });
      else if (obj.kind === 'RoleBinding') await rbac.createNamespacedRoleBinding({ namespace, body });
      else if (obj.kind === 'ClusterRole') await rbac.createClusterRole({ body });
      else if (obj.kind === 'ClusterRoleBinding') await rbac.createClusterRoleBinding({ body });
      else assert.fail(`unexpected ${obj.kind} in the shipped RBAC`);
    }
  });
  after(async () => {
    for (const r of rests) r.close();
    await cluster?.stop();
  });

  function rest(): KubeRest {
    const r = new KubeRest(cluster.kubeConfigFor(USER));
    rests.push(r);
    return r;
  }

  it('lets Prescient keep its Leases in its own namespace, and nowhere else', async () => {
    let now = 0;
    const store = new KubeLeaseStore({ rest: rest(), namespace, now: () => now });
    const lease = (await store.lease('scorer').tryAcquire('a', 2000))!;
    assert.ok(lease, 'create');
    now += 500;
    assert.equal(await store.lease('scorer').renew(lease, 2000), true, 'update');
    await store.lease('scorer').release(lease);
    assert.ok(await store.lease('scorer').tryAcquire('b', 2000), 'get + update after a release');

    const elsewhere = new KubeLeaseStore({ rest: rest(), namespace: 'default', now: () => now });
    await assert.rejects(elsewhere.lease('scorer').tryAcquire('a', 2000), (err: unknown) => err instanceof StoreError && /403/.test(err.message) && /in namespace default/.test(err.message));
  });

  it('lets the actuator scale Deployments, StatefulSets and ReplicaSets in any namespace, and refuses what it does not grant', async () => {
    const apps = cluster.kubeConfig().makeApiClient(k8s.AppsV1Api);
    const workloads = await cluster.namespace('workloads');
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } };
    await apps.createNamespacedDeployment({ namespace: workloads, body: { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } } });
    await apps.createNamespacedStatefulSet({ namespace: workloads, body: { metadata: { name: 'db' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template } } });
    await apps.createNamespacedReplicaSet({ namespace: workloads, body: { metadata: { name: 'rs' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } } });
    const request = { action: 'scale-out' as const, from: 1, to: 3, basis: 'observed' as const, reason: 'test', evidence: {}, service: 's', policy: 'p', at: 0 };
    for (const [kind, name] of [['Deployment', 'web'], ['StatefulSet', 'db'], ['ReplicaSet', 'rs']] as const) {
      const actuator = new KubeScaleActuator({ target: { apiVersion: 'apps/v1', kind, namespace: workloads, name }, rest: rest(), defaultNamespace: namespace, minReplicas: 1, maxReplicas: 5 });
      await actuator.apply(request);
      assert.equal(await actuator.readReplicas(), 3, `${kind} scaled with the shipped rights`);
    }
    // Anything else scalable (here a ReplicationController; a custom resource alike) needs its `<plural>/scale` granted by hand.
    const core = new KubeScaleActuator({ target: { apiVersion: 'v1', kind: 'ReplicationController', namespace: workloads, name: 'rc' }, rest: rest(), defaultNamespace: namespace, minReplicas: 1, maxReplicas: 5 });
    await assert.rejects(core.readReplicas(), (err: unknown) => err instanceof ScaleError && err.code === 'PRESCIENT_SCALE_FORBIDDEN' && /replicationcontrollers\/scale/.test(err.message) && /API group ""/.test(err.message));
  });
});
