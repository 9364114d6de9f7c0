/**
 * Per-group rendering (issue 6): groups whose targets differ in labels get different renderings
 * of the same config and decisions; groups with equal targets share one rendering and one
 * encoding of every resource.
 */
import assert from 'node:assert/strict';
import { NodeGroupResolver } from '../../../xds-server/cache/node-groups.ts';
import { ResourceCache } from '../../../xds-server/cache/resource-cache.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { Publisher } from '../../../xds-server/pipeline/publisher.ts';
import { parseNodeGroup } from '../../../xds-server/app/cli/node-group-flag.ts';
import { endpoint, meshConfig, resetDocumentCounter, service } from '../../support/config-builders.ts';

describe('per-group rendering', () => {
  beforeEach(() => resetDocumentCounter());

  const config = () => meshConfig(service('greeter', { endpoints: [endpoint('10.0.0.1', 80), endpoint('10.0.0.2', 80)] }));
  const sandboxCluster = new Map([
    ['sandbox-a', { clusters: [{ name: 'greeter-sandbox-a', protocol: 'grpc' as const, audience: { sandbox: 'a' }, endpoints: [{ address: '10.9.0.1', port: 80 }] }] }],
  ]);

  it('renders a labelled group differently and shares one rendering and encoding between equal groups', async () => {
    const resolver = new NodeGroupResolver([parseNodeGroup('name=sandbox-a,flavor=envoy,cluster=sandbox-a,label.sandbox=a')]);
    const labelled = resolver.resolve({ id: 'x', cluster: 'sandbox-a', metadata: {}, user_agent_name: 'envoy' });
    assert.deepEqual(labelled, { group: 'sandbox-a', flavor: 'envoy', labels: { sandbox: 'a' } });
    const plain = [
      { group: 'payments', flavor: 'envoy' as const, labels: {} },
      { group: 'checkout', flavor: 'envoy' as const, labels: {} },
    ];
    const cache = new ResourceCache();
    const publisher = new Publisher(cache, silentLogger);
    const model = buildMeshModel(config(), sandboxCluster, 0);

    assert.deepEqual(await publisher.publishAll([labelled, ...plain], model), { published: 3, refused: 0 });
    assert.equal(publisher.status().renderings, 2, 'three groups, two distinct targets: two renderings');

    const clusters = (g: string) => [...cache.view(g)!.resources(TYPE_URL.cluster).keys()].sort();
    assert.deepEqual(clusters('sandbox-a'), ['greeter', 'greeter-sandbox-a']);
    assert.deepEqual(clusters('payments'), ['greeter']);
    const encoded = (g: string) => cache.view(g)!.resources(TYPE_URL.cluster).get('greeter');
    assert.equal(encoded('payments'), encoded('checkout'), 'equal groups share the encoded bytes');
    assert.equal(encoded('payments'), encoded('sandbox-a'), 'a resource equal in both renderings is encoded once');
    // greeter cluster + assignment, and the sandbox cluster + assignment: four encodings in all.
    assert.equal(cache.internedCount(), 4);
  });

  it('drops a decided cluster at its time-to-live and reports the instant as nextChangeAt', () => {
    const ttl = new Map([['scaffold', { clusters: [{ name: 'pre', protocol: 'grpc' as const, endpoints: [{ address: '10.9.0.2', port: 80 }], expiresAt: 5_000 }] }]]);
    const before = buildMeshModel(config(), ttl, 4_000);
    assert.ok(before.clusters.has('pre'));
    assert.equal(before.nextChangeAt, 5_000);
    const after = buildMeshModel(config(), ttl, 5_000);
    assert.equal(after.clusters.has('pre'), false);
    assert.equal(after.nextChangeAt, undefined);
  });
});
