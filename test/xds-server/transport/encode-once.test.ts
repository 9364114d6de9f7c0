import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

describe('encode once, share bytes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ selectors: [{ group: 'canary', flavor: 'envoy', cluster: 'canary' }] });
  });
  afterEach(() => h.stop());

  it('serves two groups with identical content from one encoding, byte for byte', async () => {
    h.cache.publish('envoy', renderedSet(...service('a')));
    h.cache.publish('canary', renderedSet(...service('a')));
    const shared = h.cache.view('envoy')!.resources(TYPE_URL.cluster).get('a')!;
    assert.equal(h.cache.view('canary')!.resources(TYPE_URL.cluster).get('a'), shared, 'one EncodedResource object');

    const s1 = h.client.sotw();
    const s2 = h.client.sotw();
    s1.send({ node: envoyNode('one'), type_url: TYPE_URL.cluster });
    s2.send({ node: { id: 'two', cluster: 'canary' }, type_url: TYPE_URL.cluster });
    const [r1, r2] = await Promise.all([s1.next(), s2.next()]);
    assert.deepEqual(h.server.clients().map((c) => c.group).sort(), ['canary', 'envoy']);
    assert.ok(r1.resources[0].bytes.equals(Buffer.from(shared.any)));
    assert.ok(r2.resources[0].bytes.equals(Buffer.from(shared.any)));
  });

  it('splits EDS responses that would exceed the size budget, one unacknowledged part at a time', async () => {
    await h.stop();
    h = await startHarness({ maxResponseBytes: 2_000 });
    const many = Array.from({ length: 40 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}`, port: 8000 + i }));
    const names = ['e1', 'e2', 'e3', 'e4', 'e5'];
    h.cache.publish('envoy', renderedSet(...names.map((n) => clusterLoadAssignment(n, many))));
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: names });
    const got: string[] = [];
    while (got.length < names.length) {
      const res = await s.next();
      assert.ok(res.resources.length >= 1);
      assert.ok(res.raw.length <= 2_000 + 200, `response of ${res.raw.length} bytes`);
      got.push(...res.resources.map((r) => r.name));
      if (got.length < names.length) await s.expectNone(50);
      s.ack(res, names);
    }
    assert.deepEqual(got.sort(), names);
    await s.expectNone(100);
  });
});
