import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, metricValue, startHarness, type Harness } from './harness.ts';

describe('SotW ACK, NACK and nonces', () => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = 1_700_000_000_000;
    h = await startHarness({ clock: () => now });
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  it('counts each ACK in prescient_xds_acks_total by type, and a NACK not', async () => {
    const s = h.client.sotw();
    const before = await metricValue('prescient_xds_acks_total', { type: 'cds' });
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const good = await s.next();
    s.ack(good);
    await s.expectNone(100);
    assert.equal(await metricValue('prescient_xds_acks_total', { type: 'cds' }), before + 1);
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 7 })));
    s.nack(await s.next(), 'rejected', [], good.version_info);
    await s.expectNone(100);
    assert.equal(await metricValue('prescient_xds_acks_total', { type: 'cds' }), before + 1);
  });

  it('records a NACK with its message, counts it, keeps the ACKed version and does not resend the rejected one', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const good = await s.next();
    s.ack(good);
    await s.expectNone(100);
    const before = await metricValue('prescient_xds_rejects_total', { type: 'cds' });

    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 7 })));
    const bad = await s.next();
    s.nack(bad, 'connect_timeout 7s is not allowed here', [], good.version_info);
    await s.expectNone(300);

    assert.equal(await metricValue('prescient_xds_rejects_total', { type: 'cds' }), before + 1);
    const cds = h.server.clients()[0].types.find((t) => t.type === 'cds')!;
    assert.equal(cds.ackedVersion, good.version_info);
    assert.equal(cds.nackCount, 1);
    assert.deepEqual(cds.lastNack, { version: bad.version_info, message: 'connect_timeout 7s is not allowed here', at: now });
    assert.equal(cds.pendingNonce, undefined);

    // The same content published again (e.g. an unrelated reload) is still not resent.
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 7 })));
    await s.expectNone(200);

    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 2 })));
    const fixed = await s.next();
    assert.notEqual(fixed.version_info, bad.version_info);
    s.ack(fixed);
    await s.expectNone(100);
    const after = h.server.clients()[0].types.find((t) => t.type === 'cds')!;
    assert.equal(after.ackedVersion, fixed.version_info);
    assert.equal(after.lastNack?.version, bad.version_info, 'the last NACK stays visible');
  });

  it('ignores a request carrying a stale nonce', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a'] });
    const first = await s.next();
    s.ack(first, ['a']);
    h.cache.publish('envoy', renderedSet(...service('a', { endpoints: [{ address: '10.0.0.1', port: 1 }] })));
    const second = await s.next();
    // A subscription change carrying the older nonce is stale: no response, names unchanged.
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'], response_nonce: first.nonce, version_info: first.version_info });
    await s.expectNone(200);
    const eds = h.server.clients()[0].types.find((t) => t.type === 'eds')!;
    assert.deepEqual(eds.names, ['a']);
    assert.equal(eds.pendingNonce, second.nonce);
  });

  it('holds at most one unacknowledged response per type', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const first = await s.next();
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 3 })));
    await s.expectNone(200);
    s.ack(first);
    const next = await s.next();
    assert.equal(next.resources[0].message.connect_timeout.seconds, 3);
  });

  it('gives every response a fresh nonce', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const nonces = new Set<string>();
    let res = await s.next();
    nonces.add(res.nonce);
    for (let i = 2; i < 6; i++) {
      s.ack(res);
      h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: i })));
      res = await s.next();
      nonces.add(res.nonce);
    }
    assert.equal(nonces.size, 5);
  });
});
