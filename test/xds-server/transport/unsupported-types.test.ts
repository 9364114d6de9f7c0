import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { MAX_TYPES } from '../../../xds-server/transport/unsupported-types.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, metricValue, startHarness, type Harness } from './harness.ts';

const SDS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';
const RTDS = 'type.googleapis.com/envoy.service.runtime.v3.Runtime';

describe('ADS requests for types Prescient does not serve', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  it('state of the world: an empty response of that type, not answered again on ACK; served types are unaffected', async () => {
    const counted = () => metricValue('prescient_xds_unsupported_type_requests_total', { protocol: 'sotw' });
    const before = await counted();
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: SDS, resource_names: ['server-cert'] });
    const res = await s.next();
    assert.equal(res.type_url, SDS);
    assert.deepEqual(res.resources, []);
    assert.ok(res.nonce);
    s.ack(res, ['server-cert']);
    await s.expectNone(200);
    s.send({ type_url: SDS, resource_names: ['server-cert', 'ca'], response_nonce: res.nonce, version_info: res.version_info });
    const again = await s.next();
    assert.deepEqual([again.type_url, again.resources.length], [SDS, 0], 'a changed subscription is answered');
    assert.equal((await counted()) - before, 2, 'each answer is counted');
    s.send({ type_url: TYPE_URL.cluster });
    assert.deepEqual((await s.next()).resources.map((r) => r.name), ['a']);
  });

  it('delta: every subscribed name in removed_resources, new names answered, the ACK not', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: RTDS, resource_names_subscribe: ['rtds-layer'] });
    const res = await s.next();
    assert.equal(res.type_url, RTDS);
    assert.deepEqual(res.resources, []);
    assert.deepEqual(res.removed_resources, ['rtds-layer']);
    s.ack(res);
    await s.expectNone(200);
    s.send({ type_url: RTDS, resource_names_subscribe: ['rtds-layer', 'second'] });
    assert.deepEqual((await s.next()).removed_resources, ['second']);
  });

  it('tracks a bounded number of made-up types per stream', async () => {
    const s = h.client.sotw();
    for (let i = 0; i < MAX_TYPES + 4; i++) s.send({ node: envoyNode(), type_url: `type.googleapis.com/made.up.T${i}` });
    for (let i = 0; i < MAX_TYPES; i++) assert.equal((await s.next()).type_url, `type.googleapis.com/made.up.T${i}`);
    await s.expectNone(200);
  });
});
