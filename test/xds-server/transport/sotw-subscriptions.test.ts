import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

const names = (r: { resources: { name: string }[] }): string[] => r.resources.map((x) => x.name).sort();

describe('SotW subscriptions and wildcard', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b'), ...service('c')));
  });
  afterEach(() => h.stop());

  it('sends a name again after unsubscribe then resubscribe, even though it did not change', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'] });
    const first = await s.next();
    assert.deepEqual(names(first), ['a', 'b']);
    s.ack(first, ['a']);
    await s.expectNone(150);
    s.ack(first, ['a', 'b']);
    const again = await s.next();
    assert.deepEqual(names(again), ['b']);
  });

  it('treats an explicit "*" as wildcard, with or without other names', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.listener, resource_names: ['*', 'a'] });
    assert.deepEqual(names(await s.next()), ['a', 'b', 'c']);
    const clients = h.server.clients()[0].types[0];
    assert.equal(clients.wildcard, true);
    assert.deepEqual(clients.names, ['a']);
  });

  it('ends legacy wildcard once the client names resources', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const all = await s.next();
    assert.deepEqual(names(all), ['a', 'b', 'c']);
    s.ack(all, ['b']);
    const only = await s.next();
    assert.deepEqual(names(only), ['b'], 'a complete set of what is now subscribed');
    s.ack(only, ['b']);
    await s.expectNone(100);
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 9 }), ...service('b'), ...service('c')));
    await s.expectNone(200);
  });

  it('serves gRPC-style named CDS requests without wildcard', async () => {
    const s = h.client.sotw();
    s.send({ node: { id: 'g', user_agent_name: 'grpc-node-js' }, type_url: TYPE_URL.cluster, resource_names: ['c'] });
    h.cache.publish('grpc', renderedSet(...service('c')));
    assert.deepEqual(names(await s.next()), ['c']);
  });

  it('answers an initial LDS wildcard request even when there are no listeners', async () => {
    h.cache.publish('empty', renderedSet());
    const h2 = await startHarness({ cache: h.cache, selectors: [{ group: 'empty', flavor: 'envoy', nodeId: 'lonely' }] });
    try {
      const s = h2.client.sotw();
      s.send({ node: envoyNode('lonely'), type_url: TYPE_URL.listener });
      const res = await s.next();
      assert.deepEqual(res.resources, []);
    } finally {
      await h2.stop();
    }
  });
});
