/**
 * Endpoints written as host names: Envoy gets a STRICT_DNS / LOGICAL_DNS cluster and resolves
 * them itself; proxyless gRPC gets the addresses of the `resolvedNames` slice over EDS, and never
 * a host name (grpc-js NACKs one). Both pass Envoy's own validation rules.
 */
import assert from 'node:assert/strict';
import type { Decisions } from '../../../api/decisions.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../../xds-server/translate/index.ts';
import { validateResources } from '../../../xds-server/validate/index.ts';
import { decisions, endpoint, meshConfig, resetDocumentCounter, service } from '../../support/config-builders.ts';

type Obj = Record<string, any>;

describe('host-name endpoints', () => {
  beforeEach(() => resetDocumentCounter());

  const config = (extra: object = {}) =>
    meshConfig(service('api', { endpoints: [endpoint('backend.mesh.test', 8080, { weight: 3 }), endpoint('10.0.0.9', 8080)], ...extra }));
  const resolved = (addresses: string[]): Decisions =>
    new Map([...decisions({ api: { 'backend.mesh.test:8080': 40, '10.0.0.9:8080': 10 } }), ['resolver', { resolvedNames: new Map([['backend.mesh.test', addresses]]) }]]);

  it('the model lists one endpoint per resolved address, with the weight of the configured endpoint', () => {
    const cluster = buildMeshModel(config(), resolved(['127.0.0.1', '127.0.0.2']), 0).clusters.get('api')!;
    assert.deepEqual(
      cluster.endpoints.map((e) => [e.key, e.weight, e.resolvedFrom ?? '-', e.hostname ?? '-']),
      [
        ['127.0.0.1:8080', 40, 'backend.mesh.test', 'backend.mesh.test'],
        ['127.0.0.2:8080', 40, 'backend.mesh.test', 'backend.mesh.test'],
        ['10.0.0.9:8080', 10, '-', '-'],
      ],
    );
    assert.equal(cluster.dnsResolution, 'STRICT_DNS');
    assert.deepEqual(cluster.dnsEndpoints!.map((e) => e.address), ['backend.mesh.test', '10.0.0.9']);
    // Without host names nothing changes.
    assert.equal(buildMeshModel(meshConfig(service('ip', { endpoints: [endpoint('10.0.0.1', 1)] })), new Map(), 0).clusters.get('ip')!.dnsResolution, undefined);
  });

  it('gRPC gets only IP addresses: resolved ones, and none for a name not resolved yet', () => {
    const grpc = (d: Decisions) => {
      const set = translate(buildMeshModel(config(), d, 0), { group: 'g', flavor: 'grpc', labels: {} });
      assert.deepEqual(validateResources(set), []);
      const cla = set.get(TYPE_URL.endpoint)!.get('api')!.message as Obj;
      return cla.endpoints.flatMap((l: Obj) => l.lb_endpoints.map((e: Obj) => e.endpoint.address.socket_address.address));
    };
    assert.deepEqual(grpc(resolved(['127.0.0.1', '127.0.0.2'])), ['127.0.0.1', '127.0.0.2', '10.0.0.9']);
    assert.deepEqual(grpc(new Map()), ['10.0.0.9']);
  });

  it('Envoy gets a STRICT_DNS cluster listing the host name, and no EDS resource for it', () => {
    const set = translate(buildMeshModel(config(), resolved(['127.0.0.1']), 0), { group: 'e', flavor: 'envoy', labels: {} });
    assert.deepEqual(validateResources(set), []);
    const cluster = set.get(TYPE_URL.cluster)!.get('api')!.message as Obj;
    assert.equal(cluster.type, 'STRICT_DNS');
    assert.equal(cluster.respect_dns_ttl, true);
    assert.equal(cluster.eds_cluster_config, undefined);
    const lbs = cluster.load_assignment.endpoints.flatMap((l: Obj) => l.lb_endpoints);
    assert.deepEqual(lbs.map((e: Obj) => [e.endpoint.address.socket_address.address, e.load_balancing_weight.value]), [['backend.mesh.test', 40], ['10.0.0.9', 10]]);
    assert.equal(set.get(TYPE_URL.endpoint)?.get('api'), undefined);
  });

  it('LOGICAL_DNS when the operator asks for it', () => {
    const one = meshConfig(service('api', { endpoints: [endpoint('backend.mesh.test', 8080)], dnsResolution: 'LOGICAL_DNS' }));
    const set = translate(buildMeshModel(one, new Map(), 0), { group: 'e', flavor: 'envoy', labels: {} });
    assert.deepEqual(validateResources(set), []);
    assert.equal((set.get(TYPE_URL.cluster)!.get('api')!.message as Obj).type, 'LOGICAL_DNS');
  });
});
