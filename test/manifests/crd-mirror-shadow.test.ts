/**
 * The regenerated CRDs on a real kube-apiserver: a MirrorRule with a request selection and a
 * Service with a shadow template (event matchers, graph scope, calls) are accepted and read back
 * unchanged — a field missing from a CRD schema would be pruned silently — and the API server's
 * own schema refuses a lower-case method and a prefix without a leading "/".
 */
import assert from 'node:assert/strict';
import { KubeCluster } from '../support/kube-cluster.ts';
import { PrescientResources } from '../support/prescient-resources.ts';

describe('CRDs for mirror selection and shadow templates (real API server)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let resources: PrescientResources;
  let ns: string;

  before(async () => {
    cluster = await KubeCluster.start();
    await cluster.installCrds();
    resources = new PrescientResources(cluster.kubeConfig());
    ns = await cluster.namespace('crd-shadow');
  });

  after(async () => {
    await cluster?.stop();
  });

  const match = { prefix: '/orders/', methods: ['POST', 'PUT'], headers: [{ name: 'x-tenant', regex: 'acme|globex' }, { name: 'x-debug', present: true, invert: true }] };
  const shadowNetwork = {
    enabled: true,
    replicaFactor: 0.5,
    fidelity: { mode: 'event', events: [{ methods: ['POST'] }, { path: '/checkout', headers: [{ name: 'x-event', exact: 'order' }] }] },
    scope: 'graph',
    calls: ['stock'],
    endpoints: [{ address: '10.0.9.1', port: 8080, weight: 2 }],
  };

  it('keeps every field of a MirrorRule match and a Service shadow template', async () => {
    await resources.create('MirrorRule', ns, 'writes', { service: 'orders', match, targets: [{ service: 'capture', percent: 10 }] });
    await resources.create('Service', ns, 'orders', { protocol: 'http', endpoints: [{ address: '10.0.0.1', port: 8080 }], shadowNetwork });
    assert.deepEqual((await resources.get('MirrorRule', ns, 'writes')).spec.match, match);
    assert.deepEqual((await resources.get('Service', ns, 'orders')).spec.shadowNetwork, shadowNetwork);
  });

  it('refuses a lower-case method and a prefix without "/" by the CRD schema', async () => {
    for (const bad of [{ methods: ['post'] }, { prefix: 'orders' }]) {
      await assert.rejects(resources.create('MirrorRule', ns, `bad-${Object.keys(bad)[0]}`, { service: 'orders', match: bad, targets: [{ service: 'capture', percent: 10 }] }), /Invalid|invalid|should match|Unprocessable|422/);
    }
  });
});
