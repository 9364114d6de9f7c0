import assert from 'node:assert/strict';
import { buildEncodedResource } from '../../../xds-server/cache/encode-resource.ts';
import { ImmutableGroupView } from '../../../xds-server/cache/group-view.ts';
import type { EncodedResource } from '../../../xds-server/cache/types.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { TypeState } from '../../../xds-server/transport/type-state.ts';

const EDS = TYPE_URL.endpoint;
const cla = (name: string, version: string): EncodedResource => buildEncodedResource(EDS, name, new Uint8Array([1]), version);

/** Counts lookups, to show what a question costs. */
class CountingMap extends Map<string, EncodedResource> {
  lookups = 0;
  override get(key: string): EncodedResource | undefined {
    this.lookups++;
    return super.get(key);
  }
}

function view(version: string, count = 200): { view: ImmutableGroupView; resources: CountingMap } {
  const resources = new CountingMap();
  for (let i = 0; i < count; i++) resources.set(`c${i}`, cla(`c${i}`, i === 7 ? version : 'v1'));
  return { view: new ImmutableGroupView('g', new Map([[EDS, resources]])), resources };
}

/** A stream subscribed to every name of `v`, holding all of it. */
function synced(v: ImmutableGroupView): TypeState {
  const st = new TypeState(EDS);
  const names = [...v.resources(EDS).keys()];
  st.subscriptionChanged(st.sub.replace(names, true), names, v);
  for (const r of st.outstanding(v).updates) st.sent.set(r.name, r);
  for (const name of names) st.force.delete(name);
  return st;
}

describe('TypeState', () => {
  it('after a change looks only at the changed names, however many are subscribed', () => {
    const before = view('v1');
    const st = synced(before.view);
    assert.deepEqual(st.outstanding(before.view).updates, []);
    const after = view('v2');
    st.viewChanged(new Set(['c7']), new Set());
    after.resources.lookups = 0;
    assert.deepEqual(st.outstanding(after.view).updates.map((r) => r.name), ['c7']);
    assert.equal(after.resources.lookups, 1);
  });

  it('with nothing changed, answers without looking at the view', () => {
    const v = view('v1');
    const st = synced(v.view);
    st.outstanding(v.view);
    v.resources.lookups = 0;
    assert.deepEqual(st.outstanding(v.view), { updates: [], vanished: [] });
    assert.equal(v.resources.lookups, 0);
  });

  it('ignores changes to names outside the subscription', () => {
    const st = new TypeState(EDS);
    const v = view('v1');
    st.subscriptionChanged(st.sub.replace(['c1'], true), ['c1'], v.view);
    st.sent.set('c1', v.view.resources(EDS).get('c1')!);
    st.force.delete('c1');
    st.viewChanged(new Set(['c7']), new Set());
    assert.deepEqual(st.outstanding(view('v2').view).updates, []);
  });

  it('reports a removed name only when it was sent', () => {
    const v = view('v1', 3);
    const st = synced(v.view);
    const gone = new ImmutableGroupView('g', new Map([[EDS, new Map([...v.view.resources(EDS)].filter(([n]) => n !== 'c1'))]]));
    st.viewChanged(new Set(), new Set(['c1', 'never-sent']));
    assert.deepEqual(st.outstanding(gone).vanished, ['c1']);
  });

  it('re-examines the whole view when wildcard starts', () => {
    const v = view('v1', 5).view;
    const st = new TypeState(TYPE_URL.cluster);
    const clusters = new ImmutableGroupView('g', new Map([[TYPE_URL.cluster, v.resources(EDS)]]));
    st.subscriptionChanged(st.sub.replace([], true), [], clusters);
    assert.equal(st.outstanding(clusters).updates.length, 5);
  });

  it('knows when what it sent is exactly the view', () => {
    const v = view('v1', 8).view;
    const st = synced(v);
    assert.equal(st.holdsWholeView(v), true);
    const next = view('v2', 8).view;
    st.viewChanged(new Set(['c7']), new Set());
    assert.equal(st.holdsWholeView(next), false, 'a name held at an older version');
    st.sent.set('c7', next.resources(EDS).get('c7')!);
    assert.equal(st.holdsWholeView(next), true);
    st.viewChanged(new Set(['c8']), new Set());
    assert.equal(st.holdsWholeView(view('v2', 9).view), false, 'a name the stream does not hold');
  });
});
