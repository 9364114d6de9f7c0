import assert from 'node:assert/strict';
import { RenderTargets } from '../../../xds-server/pipeline/render-targets.ts';

describe('RenderTargets', () => {
  it('hands each new group to onNewGroup once, and remembers every demanded target', () => {
    const fresh: string[] = [];
    const targets = new RenderTargets((t) => fresh.push(`${t.group}/${t.flavor}`));
    targets.demand({ group: 'ready', flavor: 'envoy', labels: {} });
    targets.demand({ group: 'new', flavor: 'grpc', labels: {} });
    targets.demand({ group: 'new', flavor: 'grpc', labels: {} });
    assert.deepEqual(fresh, ['ready/envoy', 'new/grpc']);
    assert.deepEqual([...targets.all()].map((t) => t.group), ['ready', 'new']);
  });
});
