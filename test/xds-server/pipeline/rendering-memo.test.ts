import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { RenderingMemo, sameContent } from '../../../xds-server/pipeline/rendering-memo.ts';
import type { RenderedSet } from '../../../xds-server/translate/types.ts';
import { validateResources } from '../../../xds-server/validate/index.ts';
import { cluster, clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';

const get = (set: RenderedSet, name: string) => set.get(TYPE_URL.endpoint)!.get(name)!;

describe('RenderingMemo', () => {
  it('keeps the previous object of every resource whose content did not change', () => {
    const memo = new RenderingMemo();
    const first = memo.reuse('g', renderedSet(...service('a'), ...service('b')));
    const second = memo.reuse('g', renderedSet(...service('a'), ...service('b', { endpoints: [{ address: '10.0.0.9', port: 80 }] })));
    assert.equal(get(second, 'a'), get(first, 'a'));
    assert.notEqual(get(second, 'b'), get(first, 'b'));
    assert.equal(get(second, 'b').message.cluster_name, 'b');
    assert.equal(second.get(TYPE_URL.cluster)!.get('b'), first.get(TYPE_URL.cluster)!.get('b'));
  });

  it('remembers each group separately', () => {
    const memo = new RenderingMemo();
    const envoy = memo.reuse('envoy', renderedSet(...service('a')));
    memo.reuse('grpc', renderedSet(...service('a', { connectTimeoutS: 5 })));
    assert.equal(memo.reuse('envoy', renderedSet(...service('a'))).get(TYPE_URL.cluster)!.get('a'), envoy.get(TYPE_URL.cluster)!.get('a'));
  });

  it('reports what validateResources reports, first time and reused, cross references included', () => {
    const memo = new RenderingMemo();
    const bad = () => renderedSet(cluster('a', 0), clusterLoadAssignment('a'), ...service('b', { routeTo: 'missing' }));
    const rules = (set: RenderedSet): string[] => memo.validate(set).map((i) => i.rule);
    for (const set of [memo.reuse('g', bad()), memo.reuse('g', bad())]) {
      assert.deepEqual(memo.validate(set), validateResources(set));
      assert.ok(rules(set).includes('duration.gt'), 'the zero connect timeout');
      assert.ok(rules(set).includes('ref.cluster'), 'the route to a missing cluster');
    }
    const fixed = memo.reuse('g', renderedSet(...service('a'), ...service('b')));
    assert.deepEqual(memo.validate(fixed), validateResources(fixed));
    assert.ok(!rules(fixed).includes('duration.gt') && !rules(fixed).includes('ref.cluster'));
  });
});

describe('sameContent', () => {
  it('compares plain data deeply and exactly', () => {
    assert.ok(sameContent({ a: [1, { b: 'x' }], m: new Map([['k', 'v']]), u: new Uint8Array([1, 2]) }, { a: [1, { b: 'x' }], m: new Map([['k', 'v']]), u: new Uint8Array([1, 2]) }));
    assert.ok(sameContent(NaN, NaN));
    assert.ok(!sameContent(0, -0), '-0 encodes differently');
    assert.ok(!sameContent({ a: NaN }, { a: null }));
    assert.ok(!sameContent({ a: undefined }, {}));
    assert.ok(!sameContent({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!sameContent([1, 2], [1, 2, 3]));
    assert.ok(!sameContent([1], { 0: 1 }));
    assert.ok(!sameContent(new Map([['k', 'v']]), new Map([['k', 'w']])));
    assert.ok(!sameContent(new Uint8Array([1]), new Uint8Array([2])));
  });
});
