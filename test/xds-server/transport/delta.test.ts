import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';
import type { DeltaResponse } from '../../support/raw-ads-client.ts';
import { envoyNode, metricValue, startHarness, type Harness } from './harness.ts';

const names = (r: DeltaResponse): string[] => r.resources.map((x) => x.name).sort();

describe('delta ADS', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b')));
  });
  afterEach(() => h.stop());

  it('subscribes, sends per-resource versions, and reports missing names as removed', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['a', 'ghost'] });
    const res = await s.next();
    assert.deepEqual(names(res), ['a']);
    assert.ok(res.resources[0].version);
    assert.deepEqual(res.removed_resources, ['ghost']);
    s.ack(res);
    await s.expectNone(150);
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b'), clusterLoadAssignment('ghost')));
    const appeared = await s.next();
    assert.deepEqual(names(appeared), ['ghost'], 'a remembered name is sent when it appears');
  });

  it('sends only what changed and removes what disappeared', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const all = await s.next();
    assert.deepEqual(names(all), ['a', 'b']);
    s.ack(all);
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 8 })));
    const change = await s.next();
    assert.deepEqual(names(change), ['a']);
    assert.deepEqual(change.removed_resources, ['b']);
    assert.notEqual(change.resources[0].version, all.resources.find((r) => r.name === 'a')!.version);
  });

  it('honours initial_resource_versions on reconnect', async () => {
    const first = h.client.delta();
    first.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const all = await first.next();
    first.close();
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 8 })));
    const versions = Object.fromEntries(all.resources.map((r) => [r.name, r.version]));
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster, initial_resource_versions: versions });
    const res = await s.next();
    assert.deepEqual(names(res), ['a'], 'a changed since; b no longer exists');
    assert.deepEqual(res.removed_resources, ['b']);
  });

  it('does not resend resources the client already holds at the same version', async () => {
    const s = h.client.delta();
    const view = h.cache.view('envoy')!;
    const versions = { a: view.resources(TYPE_URL.endpoint).get('a')!.version };
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['a', 'b'], initial_resource_versions: versions });
    const res = await s.next();
    assert.deepEqual(names(res), ['b']);
  });

  it('unsubscribes, and resends on resubscribe', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['a', 'b'] });
    const res = await s.next();
    s.ack(res);
    s.send({ type_url: TYPE_URL.endpoint, resource_names_unsubscribe: ['b'] });
    await s.expectNone(150);
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b', { endpoints: [{ address: '10.1.1.1', port: 1 }] })));
    await s.expectNone(150);
    s.send({ type_url: TYPE_URL.endpoint, resource_names_subscribe: ['b'] });
    const again = await s.next();
    assert.deepEqual(names(again), ['b']);
  });

  it('applies subscription changes carried with a stale nonce', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['a'] });
    const first = await s.next();
    s.ack(first);
    h.cache.publish('envoy', renderedSet(...service('a', { endpoints: [{ address: '10.0.0.2', port: 2 }] }), ...service('b')));
    const second = await s.next();
    s.send({ type_url: TYPE_URL.endpoint, response_nonce: first.nonce, resource_names_subscribe: ['b'] });
    await s.expectNone(150); // second is still unacknowledged
    s.ack(second);
    const third = await s.next();
    assert.deepEqual(names(third), ['b']);
  });

  it('records a NACK and does not resend the rejected resources', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    const all = await s.next();
    s.ack(all);
    const before = await metricValue('prescient_xds_rejects_total', { type: 'cds' });
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 8 }), ...service('b')));
    s.nack(await s.next(), 'nope');
    await s.expectNone(200);
    assert.equal(await metricValue('prescient_xds_rejects_total', { type: 'cds' }), before + 1);
    assert.equal(h.server.clients()[0].types[0].lastNack?.message, 'nope');
  });

  it('supports explicit wildcard subscribe and unsubscribe', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.listener, resource_names_subscribe: ['*'] });
    const all = await s.next();
    assert.deepEqual(names(all), ['a', 'b']);
    s.ack(all);
    s.send({ type_url: TYPE_URL.listener, resource_names_unsubscribe: ['*'], resource_names_subscribe: ['a'] });
    const only = await s.next();
    assert.deepEqual(names(only), ['a']);
    s.ack(only);
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b', { routeTo: 'a' })));
    await s.expectNone(150);
  });
});
