import assert from 'node:assert/strict';
import { ResourceCache } from '../../../xds-server/cache/resource-cache.ts';
import { lookupType } from '../../../xds-server/envoy/protos.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import type { GroupChange } from '../../../xds-server/cache/types.ts';
import { cluster, clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';

describe('ResourceCache', () => {
  it('encodes each resource into an Any and a delta Resource that decode back to the message', () => {
    const cache = new ResourceCache();
    cache.publish('g', renderedSet(cluster('a', 3)));
    const r = cache.view('g')!.resources(TYPE_URL.cluster).get('a')!;
    const any = lookupType('google.protobuf.Any').decode(r.any) as unknown as { type_url: string; value: Uint8Array };
    assert.equal(any.type_url, TYPE_URL.cluster);
    const c = lookupType('envoy.config.cluster.v3.Cluster').toObject(lookupType('envoy.config.cluster.v3.Cluster').decode(any.value), { longs: Number, enums: String });
    assert.equal(c.name, 'a');
    assert.equal(c.connect_timeout.seconds, 3);
    const delta = lookupType('envoy.service.discovery.v3.Resource').decode(r.deltaResource) as unknown as { name: string; version: string; resource: { value: Uint8Array } };
    assert.equal(delta.name, 'a');
    assert.equal(delta.version, r.version);
    assert.deepEqual(Buffer.from(delta.resource.value), Buffer.from(any.value));
  });

  it('versions by content: same content, same version; different content, different version', () => {
    const cache = new ResourceCache();
    cache.publish('g', renderedSet(cluster('a', 1)));
    const v1 = cache.view('g')!.resources(TYPE_URL.cluster).get('a')!.version;
    const tv1 = cache.view('g')!.typeVersion(TYPE_URL.cluster);
    cache.publish('g', renderedSet(cluster('a', 2)));
    assert.notEqual(cache.view('g')!.resources(TYPE_URL.cluster).get('a')!.version, v1);
    assert.notEqual(cache.view('g')!.typeVersion(TYPE_URL.cluster), tv1);
    cache.publish('g', renderedSet(cluster('a', 1)));
    assert.equal(cache.view('g')!.resources(TYPE_URL.cluster).get('a')!.version, v1);
    assert.equal(cache.view('g')!.typeVersion(TYPE_URL.cluster), tv1);
  });

  it('interns identical encodings across groups and drops them with the last view', () => {
    const cache = new ResourceCache();
    cache.publish('g1', renderedSet(...service('a')));
    cache.publish('g2', renderedSet(...service('a'), cluster('b')));
    const a1 = cache.view('g1')!.resources(TYPE_URL.cluster).get('a')!;
    const a2 = cache.view('g2')!.resources(TYPE_URL.cluster).get('a')!;
    assert.equal(a1, a2);
    assert.equal(a1.any, a2.any);
    assert.equal(cache.internedCount(), 5);
    cache.publish('g1', renderedSet());
    cache.publish('g2', renderedSet(cluster('b')));
    assert.equal(cache.internedCount(), 1);
  });

  it('computes the change against the previous view and notifies only that group, only on change', () => {
    const cache = new ResourceCache();
    const seen: GroupChange[] = [];
    const unsubscribe = cache.watch('g', (c) => seen.push(c));
    cache.watch('other', () => assert.fail('another group must not be notified'));
    cache.publish('g', renderedSet(cluster('a'), cluster('b'), clusterLoadAssignment('a')));
    cache.publish('g', renderedSet(cluster('a', 9), clusterLoadAssignment('a')));
    const before = cache.view('g');
    cache.publish('g', renderedSet(cluster('a', 9), clusterLoadAssignment('a')));
    assert.equal(cache.view('g'), before, 'an unchanged publish keeps the view');
    assert.equal(seen.length, 2);
    const cds = seen[1].changes.get(TYPE_URL.cluster)!;
    assert.deepEqual([...cds.updated], ['a']);
    assert.deepEqual([...cds.removed], ['b']);
    assert.equal(seen[1].changes.has(TYPE_URL.endpoint), false);
    unsubscribe();
    cache.publish('g', renderedSet());
    assert.equal(seen.length, 2);
  });

  it('reports an unencodable resource with a stable code and publishes nothing', () => {
    const cache = new ResourceCache();
    const bad = { ...cluster('x'), message: { name: 'x', connect_timeout: 'soon' } };
    assert.throws(() => cache.publish('g', renderedSet(cluster('ok'), bad)), /XDS_CACHE_ENCODE/);
    assert.equal(cache.view('g'), undefined);
    assert.equal(cache.internedCount(), 0, 'nothing half-published stays interned');
  });
});
