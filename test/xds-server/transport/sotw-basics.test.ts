import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { cluster, clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

describe('SotW ADS basics', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b')));
  });
  afterEach(() => h.stop());

  it('answers an initial wildcard CDS request with the complete set and a nonce', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const res = await s.next();
    assert.equal(res.type_url, TYPE_URL.cluster);
    assert.deepEqual(res.resources.map((r) => r.name).sort(), ['a', 'b']);
    assert.ok(res.nonce);
    assert.ok(res.version_info);
    assert.equal(res.resources[0].message.type, 'EDS');
  });

  it('sends nothing more after an ACK until something changes, then a fresh nonce', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const first = await s.next();
    s.ack(first);
    await s.expectNone(200);
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 5 }), ...service('b')));
    const second = await s.next();
    assert.notEqual(second.nonce, first.nonce);
    assert.notEqual(second.version_info, first.version_info);
    assert.deepEqual(second.resources.map((r) => r.name).sort(), ['a', 'b'], 'CDS is a complete set');
  });

  it('sends only subscribed EDS names and remembers unknown ones until they appear', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a', 'later'] });
    const res = await s.next();
    assert.deepEqual(res.resources.map((r) => r.name), ['a']);
    s.ack(res, ['a', 'later']);
    await s.expectNone(150);
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b'), clusterLoadAssignment('later')));
    const appeared = await s.next();
    assert.deepEqual(appeared.resources.map((r) => r.name), ['later']);
  });

  it('ends an ADS stream whose request has no type_url with INVALID_ARGUMENT', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), resource_names: [] });
    const status = await s.status;
    assert.equal(status.code, 3);
    assert.match(status.details, /XDS_MISSING_TYPE_URL/);
  });

  it('keeps the first node for the stream', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('first'), type_url: TYPE_URL.cluster });
    const res = await s.next();
    s.send({ node: envoyNode('second'), type_url: TYPE_URL.cluster, response_nonce: res.nonce, version_info: res.version_info });
    await s.expectNone(100);
    assert.deepEqual(h.server.clients().map((c) => c.nodeId), ['first']);
  });

  it('waits for a group with no view: fires onDemand, then serves the first publish', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    // 'envoy' is published in beforeEach; a gRPC node lands in the unpublished 'grpc' group.
    const g = h.client.sotw();
    g.send({ node: { id: 'g', user_agent_name: 'grpc-node-js' }, type_url: TYPE_URL.cluster, resource_names: ['x'] });
    await s.next();
    await g.expectNone(150);
    assert.deepEqual(h.demands, [{ group: 'grpc', flavor: 'grpc' }]);
    h.cache.publish('grpc', renderedSet(cluster('x')));
    const res = await g.next();
    assert.deepEqual(res.resources.map((r) => r.name), ['x']);
  });
});
