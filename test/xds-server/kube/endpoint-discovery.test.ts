/**
 * EndpointSlice discovery against a real API server (etcd + kube-apiserver on loopback): the
 * watch's own behaviour (a watch the server ends resumes from its resourceVersion without a
 * relist; the periodic resync relists beside the live watch) and the discovery module (one
 * Service from the slices of several Kubernetes Services by label selector, port by number,
 * watches following the config, problems said per Service, no access said plainly).
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { EndpointSpec, MeshConfig } from '../../../api/config.ts';
import { systemClock } from '../../../api/clock.ts';
import type { DiscoveredEndpoints } from '../../../xds-server/config/discovered-endpoints.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { KubernetesDiscoveryModule } from '../../../xds-server/app/kubernetes-discovery-module.ts';
import { SliceWatch } from '../../../xds-server/kube/slice-watch.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { eventually } from '../../support/eventually.ts';
import { KubeCluster } from '../../support/kube-cluster.ts';
import { yamlOf, type DocSpec } from '../../support/prescient-harness.ts';

function meshConfig(docs: DocSpec[]): MeshConfig {
  const r = parseConfigText(yamlOf(docs), 'mesh.yaml');
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  return r.config;
}

describe('EndpointSlice discovery (real API server)', function () {
  this.timeout(60_000);
  let cluster: KubeCluster;
  let api: k8s.DiscoveryV1Api;
  const stops: (() => void)[] = [];

  before(async () => {
    cluster = await KubeCluster.start();
    api = cluster.kubeConfig().makeApiClient(k8s.DiscoveryV1Api);
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  after(async () => {
    await cluster?.stop();
  });

  function slice(ns: string, name: string, labels: Record<string, string>, addresses: string[], ports: k8s.DiscoveryV1EndpointPort[] = [{ name: 'http', port: 8080 }]) {
    return api.createNamespacedEndpointSlice({
      namespace: ns,
      body: { metadata: { name, labels }, addressType: 'IPv4', ports, endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })) },
    });
  }

  it('resumes a watch the server ends without relisting, and relists on its resync period beside the live watch', async () => {
    const ns = await cluster.namespace('watch');
    let changes = 0;
    const watch = new SliceWatch({ kubeConfig: cluster.kubeConfig(), namespace: ns, labelSelector: 'kubernetes.io/service-name=api', clock: systemClock, onChange: () => changes++, watchTimeoutSeconds: 1, resyncMs: 0 });
    stops.push(() => watch.stop());
    watch.start();
    await eventually(() => watch.status().state === 'watching', 10_000, 20, 'watching');
    const firstSync = watch.status().lastSyncAt!;
    // the server ends each watch after ~1 s; the watch reopens from its resourceVersion
    await eventually(() => watch.status().lastSyncAt !== firstSync, 10_000, 50, 'the watch reopened');
    await slice(ns, 'api-1', { 'kubernetes.io/service-name': 'api' }, ['10.0.0.1']);
    await slice(ns, 'other-1', { 'kubernetes.io/service-name': 'other' }, ['10.0.0.9']);
    await eventually(() => watch.slices().length === 1, 10_000, 20, 'the slice seen through a reopened watch');
    assert.equal(watch.slices()[0]!.metadata!.name, 'api-1', 'only slices matching the selector');
    assert.equal(watch.status().relists, 1, 'reopening a watch does not relist');
    assert.equal(watch.status().failures, 0);
    assert.ok(changes >= 1);

    const resyncing = new SliceWatch({ kubeConfig: cluster.kubeConfig(), namespace: ns, labelSelector: 'kubernetes.io/service-name=api', clock: systemClock, onChange: () => undefined, resyncMs: 300 });
    stops.push(() => resyncing.stop());
    resyncing.start();
    await eventually(() => resyncing.status().relists >= 3, 10_000, 50, 'relisted on the resync period');
    assert.deepEqual(resyncing.slices().map((s) => s.metadata!.name), ['api-1'], 'the relisted slices replace the live ones');
    await slice(ns, 'api-2', { 'kubernetes.io/service-name': 'api' }, ['10.0.0.2']);
    await eventually(() => resyncing.slices().length === 2, 10_000, 20, 'changes still arrive across resyncs');
    assert.equal(resyncing.status().state, 'watching');
  });

  it('makes one Service from the slices of every Kubernetes Service matching a selector, and follows the config', async () => {
    const ns = await cluster.namespace('selector');
    let latest: DiscoveredEndpoints = new Map();
    let published = 0;
    const module = new KubernetesDiscoveryModule(
      { kubeconfig: cluster.kubeconfigPath, watch: { initialBackoffMs: 100 } },
      { clock: systemClock, logger: silentLogger, onEndpoints: (d) => ((latest = d), published++) },
    );
    stops.push(() => module.stop());
    const docs = (port: string | number): DocSpec[] => [
      { kind: 'Service', name: 'web', spec: { discovery: { kubernetes: { namespace: ns, selector: { matchLabels: { app: 'web' } }, port } } } },
      { kind: 'Service', name: 'api', spec: { ports: [{ name: 'grpc', port: 9000 }], discovery: { kubernetes: { namespace: ns, service: 'api' } } } },
    ];
    module.onConfig(meshConfig(docs(8080)));
    module.start();
    const addresses = (service: string) => (latest.get(service) ?? []).map((e: EndpointSpec) => `${e.address}:${e.port}`);

    await slice(ns, 'web-v1-a', { 'kubernetes.io/service-name': 'web-v1', app: 'web' }, ['10.1.0.1', '10.1.0.2']);
    await slice(ns, 'web-v2-a', { 'kubernetes.io/service-name': 'web-v2', app: 'web' }, ['10.1.0.3'], [{ name: 'http', port: 8080 }, { name: 'admin', port: 9901 }]);
    await slice(ns, 'db-a', { 'kubernetes.io/service-name': 'db', app: 'db' }, ['10.1.0.9']);
    await slice(ns, 'api-a', { 'kubernetes.io/service-name': 'api' }, ['10.2.0.1'], [{ name: 'metrics', port: 9090 }]);
    await eventually(() => addresses('web').length === 3, 10_000, 20, 'web from both Kubernetes Services');
    assert.deepEqual(addresses('web'), ['10.1.0.1:8080', '10.1.0.2:8080', '10.1.0.3:8080']);
    await eventually(() => module.status().services.api.problems.length === 1, 10_000, 20, 'api has a problem');
    assert.deepEqual(addresses('api'), []);
    assert.match(module.status().services.api.problems[0]!, /api-a has no TCP port named "grpc" \(ports: metrics\)/);

    // a changed port re-reads the same slices; no new watch
    const before = published;
    module.onConfig(meshConfig(docs(9901)));
    await eventually(() => addresses('web').join() === '10.1.0.3:9901', 10_000, 20, 'web on port 9901 (only web-v2 has it)');
    assert.ok(published > before);
    // a Service that no longer uses discovery stops its watch
    module.onConfig(meshConfig([docs(9901)[0]!]));
    await eventually(() => !latest.has('api'), 10_000, 20, 'api dropped');
    assert.deepEqual(Object.keys(module.status().services), ['web']);
  });

  it('refuses to start with a --kubeconfig it cannot load', () => {
    const module = new KubernetesDiscoveryModule({ kubeconfig: '/nonexistent/kubeconfig' }, { clock: systemClock, logger: silentLogger, onEndpoints: () => undefined });
    stops.push(() => module.stop());
    module.onConfig(meshConfig([{ kind: 'Service', name: 'api', spec: { discovery: { kubernetes: { namespace: 'shop', service: 'api' } } } }]));
    assert.throws(() => module.start(), (err: Error & { code?: string }) => err.code === 'PRESCIENT_KUBE_CONFIG' && /cannot load kubeconfig \/nonexistent\/kubeconfig \(no such file\)/.test(err.message));
  });
});
