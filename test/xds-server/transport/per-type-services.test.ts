import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

describe('per-type discovery services', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  const cases = [
    { svc: 'cds', typeUrl: TYPE_URL.cluster, names: [] },
    { svc: 'eds', typeUrl: TYPE_URL.endpoint, names: ['a'] },
    { svc: 'lds', typeUrl: TYPE_URL.listener, names: [] },
    { svc: 'rds', typeUrl: TYPE_URL.route, names: ['a'] },
  ] as const;

  for (const c of cases) {
    it(`serves ${c.svc.toUpperCase()} over its own SotW and delta services, type_url optional`, async () => {
      const s = h.client.sotw(c.svc);
      s.send({ node: envoyNode(), resource_names: [...c.names] });
      const res = await s.next();
      assert.equal(res.type_url, c.typeUrl);
      assert.deepEqual(res.resources.map((r) => r.name), ['a']);
      const d = h.client.delta(c.svc);
      d.send({ node: envoyNode(), type_url: c.typeUrl, resource_names_subscribe: [...c.names] });
      const dres = await d.next();
      assert.deepEqual(dres.resources.map((r) => r.name), ['a']);
      assert.ok(h.server.clients().every((cl) => cl.service === c.svc));
    });
  }

  it('refuses another type on a per-type stream', async () => {
    const s = h.client.sotw('cds');
    s.send({ node: envoyNode(), type_url: TYPE_URL.listener });
    const status = await s.status;
    assert.equal(status.code, 3);
    assert.match(status.details, /XDS_TYPE_URL_MISMATCH/);
  });
});
