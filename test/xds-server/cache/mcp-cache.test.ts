import assert from 'node:assert/strict';
import { McpResourceCache } from '../../../xds-server/cache/mcp-cache.ts';
import { ISTIO_KINDS } from '../../../xds-server/istio/kinds.ts';
import type { IstioConfig, IstioResource } from '../../../xds-server/translate/istio/types.ts';

const SE = ISTIO_KINDS.ServiceEntry.typeUrl;
const DR = ISTIO_KINDS.DestinationRule.typeUrl;

const entry = (name: string, weight: number): IstioResource => ({
  kind: 'ServiceEntry',
  namespace: 'prescient',
  name,
  labels: {},
  spec: { hosts: [`${name}.prescient.svc.cluster.local`], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', weight }] },
});
const rule = (name: string): IstioResource => ({ kind: 'DestinationRule', namespace: 'prescient', name, labels: {}, spec: { host: `${name}.prescient.svc.cluster.local` } });
const config = (...resources: IstioResource[]): IstioConfig => ({ resources, notes: [] });

describe('MCP resource cache', () => {
  it('answers empty sets before and for types it does not produce; becomes ready on the first publish and tells watchers', () => {
    const cache = new McpResourceCache();
    assert.equal(cache.ready, false);
    assert.deepEqual(cache.set(SE).resources, []);
    const heard: string[][] = [];
    cache.watch((changed) => heard.push([...changed]));
    cache.publish(config());
    assert.equal(cache.ready, true);
    assert.deepEqual(heard, [[]], 'the first publish is announced even when every set is empty');
    assert.deepEqual(cache.set('core/v1alpha1/MeshConfig').resources, []);
  });

  it('a changed resource changes its type version only, and unchanged resources keep their encoding', () => {
    const cache = new McpResourceCache();
    cache.publish(config(entry('a', 1), entry('b', 1), rule('a')));
    const before = cache.set(SE);
    const drBefore = cache.set(DR);
    const changed = cache.publish(config(entry('a', 5), entry('b', 1), rule('a')));
    assert.deepEqual([...changed], [SE]);
    const after = cache.set(SE);
    assert.notEqual(after.version, before.version);
    assert.equal(cache.set(DR).version, drBefore.version);
    assert.notEqual(after.resources[0]!.version, before.resources[0]!.version, 'a re-encoded');
    assert.equal(after.resources[1], before.resources[1], 'b kept its encoding (same object)');
    assert.deepEqual([...cache.publish(config(entry('a', 5), entry('b', 1), rule('a')))], [], 'an equal publish changes nothing');
  });

  it('asks for a render when the first watcher arrives, before that watcher reads', () => {
    const cache = new McpResourceCache();
    let renders = 0;
    cache.onDemand = () => {
      renders++;
      cache.publish(config(entry('a', 1)));
    };
    const stop = cache.watch(() => undefined);
    assert.equal(renders, 1);
    assert.equal(cache.set(SE).resources.length, 1);
    cache.watch(() => undefined);
    assert.equal(renders, 1, 'only the first watcher asks');
    stop();
    assert.equal(cache.demanded, true);
  });
});
