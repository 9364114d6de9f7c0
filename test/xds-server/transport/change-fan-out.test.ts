import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';
import type { DeltaResponse, SotwResponse } from '../../support/raw-ads-client.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

const names = (r: SotwResponse | DeltaResponse): string[] => r.resources.map((x) => x.name).sort();
const meshWith = (weightOfA: number) =>
  renderedSet(...service('a', { endpoints: [{ address: '10.0.0.1', port: 80, weight: weightOfA }] }), ...service('b'), ...service('c'));

/** Streams react to a change with its changed names only (DESIGN §4.2 rule 4). */
describe('one-resource changes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', meshWith(1));
  });
  afterEach(() => h.stop());

  it('SotW: sends exactly the changed CLA to its subscribers and nothing to streams of other names', async () => {
    const all = h.client.sotw();
    const other = h.client.sotw();
    all.send({ node: envoyNode('all'), type_url: TYPE_URL.endpoint, resource_names: ['a', 'b', 'c'] });
    other.send({ node: envoyNode('other'), type_url: TYPE_URL.endpoint, resource_names: ['b', 'c'] });
    const [first, otherFirst] = await Promise.all([all.next(), other.next()]);
    assert.deepEqual(names(first), ['a', 'b', 'c']);
    all.ack(first, ['a', 'b', 'c']);
    other.ack(otherFirst, ['b', 'c']);
    await Promise.all([all.expectNone(100), other.expectNone(100)]);

    h.cache.publish('envoy', meshWith(7));
    const change = await all.next();
    assert.deepEqual(names(change), ['a']);
    assert.equal(change.resources[0].message.endpoints[0].lb_endpoints[0].load_balancing_weight.value, 7);
    assert.equal(change.version_info, h.cache.view('envoy')!.typeVersion(TYPE_URL.endpoint), 'holding every CLA, the stream reports the view version');
    await other.expectNone(200);
    all.ack(change, ['a', 'b', 'c']);
    await all.expectNone(150);
  });

  it('SotW: a stream holding part of the view reports a version of what it holds, and it changes with it', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a'] });
    const first = await s.next();
    assert.notEqual(first.version_info, h.cache.view('envoy')!.typeVersion(TYPE_URL.endpoint));
    s.ack(first, ['a']);
    h.cache.publish('envoy', meshWith(3));
    const change = await s.next();
    assert.deepEqual(names(change), ['a']);
    assert.notEqual(change.version_info, first.version_info);
  });

  it('SotW: a repeated subscription in an ACK changes nothing; a different one still applies', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'] });
    const first = await s.next();
    s.ack(first, ['a', 'b']);
    await s.expectNone(100);
    h.cache.publish('envoy', meshWith(2));
    const change = await s.next();
    s.ack(change, ['a', 'b', 'c']);
    assert.deepEqual(names(await s.next()), ['c'], 'the newly named resource is sent');
  });

  it('delta: sends exactly the changed CLA, removals only to streams that hold them, nothing to others', async () => {
    const holder = h.client.delta();
    const other = h.client.delta();
    holder.send({ node: envoyNode('holder'), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['a', 'b'] });
    other.send({ node: envoyNode('other'), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['c'] });
    const [first, otherFirst] = await Promise.all([holder.next(), other.next()]);
    assert.deepEqual(names(first), ['a', 'b']);
    holder.ack(first);
    other.ack(otherFirst);

    h.cache.publish('envoy', meshWith(5));
    const change = await holder.next();
    assert.deepEqual(names(change), ['a']);
    assert.deepEqual(change.removed_resources, []);
    await other.expectNone(200);
    holder.ack(change);

    h.cache.publish('envoy', renderedSet(...service('a', { endpoints: [{ address: '10.0.0.1', port: 80, weight: 5 }] }), ...service('c')));
    const removal = await holder.next();
    assert.deepEqual(names(removal), []);
    assert.deepEqual(removal.removed_resources, ['b']);
    await other.expectNone(200);
  });

  it('delta: a name that reappears after removal is sent again', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names_subscribe: ['b'] });
    s.ack(await s.next());
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('c')));
    const gone = await s.next();
    assert.deepEqual(gone.removed_resources, ['b']);
    s.ack(gone);
    h.cache.publish('envoy', renderedSet(...service('a'), clusterLoadAssignment('b')));
    assert.deepEqual(names(await s.next()), ['b']);
  });
});
