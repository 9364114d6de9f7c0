/**
 * The Kubernetes scale actuator against a real kube-apiserver (no controller-manager: the objects'
 * replica counts change, no pods run). A ScalingPolicy's decision, made by the real scaling module
 * on a virtual clock from a real feature store, changes `spec.replicas` of a Deployment, a
 * StatefulSet and a custom resource through their scale subresource; RBAC and missing targets
 * give errors that say what to fix.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { API_VERSION, type ScaleTargetRef } from '../../../api/config.ts';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { ScalingModule } from '../../../xds-server/app/scaling-module.ts';
import { AuditLog } from '../../../xds-server/audit/audit-log.ts';
import { formatConfigError } from '../../../xds-server/config/errors.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { KubeRest } from '../../../xds-server/kube/kube-rest.ts';
import { KubeScaleActuator, ScaleError } from '../../../xds-server/kube/kube-scale-actuator.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';
import { serviceDoc, yamlOf, type Doc } from '../config/builders.ts';
import { LocalLeadership } from '../scaling/local-leadership.ts';

const labels = { app: 'web' };
const podTemplate = { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1' }] } };

describe('Kubernetes scale actuator (real kube-apiserver)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  const rests: KubeRest[] = [];

  before(async () => {
    cluster = await KubeCluster.start({ users: ['nobody'] });
  });
  after(async () => {
    for (const r of rests) r.close();
    await cluster?.stop();
  });

  function rest(kc = cluster.kubeConfig()): KubeRest {
    const r = new KubeRest(kc);
    rests.push(r);
    return r;
  }

  /** The scaling module with one kubernetes-actuated policy, fed a sustained high cpu. */
  function scaler(target: ScaleTargetRef | Record<string, unknown>, namespace: string, kc = cluster.kubeConfig(), bounds = { minReplicas: 1, maxReplicas: 5 }) {
    const policy: Doc = {
      apiVersion: API_VERSION,
      kind: 'ScalingPolicy',
      metadata: { name: 'greeter' },
      spec: { service: 'greeter', metric: 'cpu', scaleOutAbove: 0.8, duration: '20s', cooldown: '1m', interval: '5s', ...bounds, actuator: { type: 'kubernetes', target } },
    };
    const parsed = parseConfigText(yamlOf(serviceDoc('greeter'), policy), 'mesh.yaml');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map(formatConfigError).join('\n'));
    const clock = new VirtualClock(1_000_000);
    const features = new RingFeatureStore();
    const audit = new AuditLog({ clock });
    const module = new ScalingModule({ features, clock, logger: silentLogger, leadership: new LocalLeadership(), audit, replica: 'test', kube: () => ({ rest: rest(kc), namespace }) });
    module.onConfig(parsed.config);
    for (let t = clock.now() - 25_000; t <= clock.now(); t += 1000) {
      for (const endpoint of ['127.0.0.1:50051', '127.0.0.1:50052']) features.record({ service: 'greeter', endpoint, at: t, metrics: { cpu: 0.95 } });
    }
    return { module, audit };
  }

  it('scales a Deployment out through its scale subresource, starting from the replicas it reads', async () => {
    const namespace = await cluster.namespace('scale');
    const apps = cluster.kubeConfig().makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: labels }, template: podTemplate } } });
    const { module, audit } = scaler({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, namespace);
    const d = (await module.evaluateNow('greeter'))!;
    assert.deepEqual([d.action, d.from, d.to, d.applied, d.actuator, d.error], ['scale-out', 3, 4, true, 'kubernetes', undefined], 'from the 3 replicas read from /scale (the Service has 2 endpoints)');
    const dep = await apps.readNamespacedDeployment({ name: 'web', namespace });
    assert.equal(dep.spec?.replicas, 4, 'spec.replicas changed');
    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace });
    assert.equal(scale.spec?.replicas, 4);
    const entry = audit.list({ action: 'scaling.' })[0]!;
    assert.deepEqual([entry.before, entry.after, (entry.evidence as { actuator: string }).actuator], [{ replicas: 3 }, { replicas: 4, wanted: 4 }, 'kubernetes']);
  });

  it('scales a StatefulSet, and a custom resource whose CRD declares a scale subresource', async () => {
    const namespace = await cluster.namespace('scale');
    const kc = cluster.kubeConfig();
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedStatefulSet({ namespace, body: { metadata: { name: 'db' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: labels }, template: podTemplate } } });
    const sts = scaler({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' }, namespace);
    const d = (await sts.module.evaluateNow('greeter'))!;
    assert.deepEqual([d.from, d.to, d.applied], [1, 2, true], d.error ?? '');
    assert.equal((await apps.readNamespacedStatefulSet({ name: 'db', namespace })).spec?.replicas, 2);

    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext
      .createCustomResourceDefinition({
        body: {
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
            scope: 'Namespaced',
            versions: [
              {
                name: 'v1',
                served: true,
                storage: true,
                subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
                schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
              },
            ],
          },
        },
      })
      .catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const widget = () => custom.getNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace, plural: 'widgets', name: 'gadget' }) as Promise<{ spec: { replicas: number } }>;
    // The CRD is served a moment after it is created.
    for (let i = 0; ; i++) {
      try {
        await custom.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace, plural: 'widgets', body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'gadget' }, spec: { replicas: 2 } } });
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const cr = scaler({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'gadget' }, namespace);
    const w = (await cr.module.evaluateNow('greeter'))!;
    assert.deepEqual([w.from, w.to, w.applied], [2, 3, true], w.error ?? '');
    assert.equal((await widget()).spec.replicas, 3, 'the custom resource’s specReplicasPath changed');
  });

  it('clamps every write to the policy bounds and leaves an unchanged count alone', async () => {
    const namespace = await cluster.namespace('scale');
    const apps = cluster.kubeConfig().makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: podTemplate } } });
    const actuator = new KubeScaleActuator({ target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, rest: rest(), defaultNamespace: namespace, minReplicas: 2, maxReplicas: 6 });
    const request = (to: number) => ({ action: 'scale-out' as const, from: 2, to, basis: 'observed' as const, reason: 'test', evidence: {}, service: 'greeter', policy: 'p', at: 0 });
    await actuator.apply(request(50));
    assert.equal(await actuator.readReplicas(), 6, 'clamped to maxReplicas');
    await actuator.apply(request(0));
    assert.equal(await actuator.readReplicas(), 2, 'clamped to minReplicas');
    const before = (await apps.readNamespacedDeployment({ name: 'web', namespace })).metadata?.resourceVersion;
    await actuator.apply(request(2));
    assert.equal((await apps.readNamespacedDeployment({ name: 'web', namespace })).metadata?.resourceVersion, before, 'no write when the count is already right');
  });

  it('says which RBAC verb and resource are missing (403) and which target does not exist (404)', async () => {
    const namespace = await cluster.namespace('scale');
    const apps = cluster.kubeConfig().makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: podTemplate } } });

    const forbidden = scaler({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, namespace, cluster.kubeConfigFor('nobody'));
    const d = (await forbidden.module.evaluateNow('greeter'))!;
    assert.equal(d.applied, false);
    assert.match(d.error!, /^PRESCIENT_SCALE_FORBIDDEN: Deployment scale-\d+-\w+\/web \(apps\/v1\): forbidden to get deployments\/scale \(API group "apps"\)/);
    assert.match(d.error!, /grant Prescient's ServiceAccount the verbs get and update on "deployments\/scale"/);
    assert.match(d.error!, /User "nobody" cannot get resource "deployments\/scale"/, 'the API server’s own words are kept');
    assert.equal((await apps.readNamespacedDeployment({ name: 'web', namespace })).spec?.replicas, 1, 'nothing changed');
    assert.equal(forbidden.audit.list({ action: 'scaling.' })[0]!.evidence.error, d.error, 'the error is in the audit trail');

    const missing = scaler({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: 'nope' }, 'default');
    const m = (await missing.module.evaluateNow('greeter'))!;
    assert.match(m.error!, /^PRESCIENT_SCALE_NOT_FOUND: Deployment scale-\d+-\w+\/nope \(apps\/v1\): not found; check the ScalingPolicy's actuator\.target/);

    const wrongKind = scaler({ apiVersion: 'apps/v1', kind: 'Deploymnet', name: 'web' }, namespace);
    const k = (await wrongKind.module.evaluateNow('greeter'))!;
    assert.match(k.error!, /^PRESCIENT_SCALE_NOT_FOUND: .*apps\/v1 has no kind Deploymnet \(it serves: .*Deployment.*\)/);

    const notScalable = new KubeScaleActuator({ target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }, rest: rest(), defaultNamespace: namespace, minReplicas: 1, maxReplicas: 2 });
    await assert.rejects(notScalable.readReplicas(), (err: unknown) => err instanceof ScaleError && err.code === 'PRESCIENT_SCALE_NOT_SCALABLE' && /configmaps has no scale subresource/.test(err.message));
  });

  it('validates the actuator: kubernetes needs a target', () => {
    const policy: Doc = { apiVersion: API_VERSION, kind: 'ScalingPolicy', metadata: { name: 'greeter' }, spec: { service: 'greeter', metric: 'cpu', scaleOutAbove: 0.8, maxReplicas: 3, actuator: { type: 'kubernetes' } } };
    const parsed = parseConfigText(yamlOf(serviceDoc('greeter'), policy), 'mesh.yaml');
    assert.equal(parsed.ok, false);
    const messages = parsed.ok ? [] : parsed.errors.map(formatConfigError);
    assert.ok(messages.some((m) => m.includes('spec.actuator.target') && m.includes('required')), messages.join('\n'));
  });
});
