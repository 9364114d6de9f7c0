import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { registry } from '../../../xds-server/metrics.ts';
import { envoyNode, metricValue, startHarness, type Harness } from './harness.ts';

describe('convergence metric', () => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = 1000;
    h = await startHarness({ clock: () => now });
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  it('observes the time from publish until every subscriber ACKed, EDS included', async () => {
    const streams = [h.client.sotw(), h.client.sotw()];
    for (const s of streams) {
      s.send({ node: envoyNode(), type_url: TYPE_URL.endpoint, resource_names: ['a'] });
      s.ack(await s.next(), ['a']);
    }
    await streams[0].expectNone(50);
    const count = (): Promise<number> => metricValue('prescient_xds_convergence_seconds');
    const sum = async (): Promise<number> => {
      const m = await registry.getSingleMetric('prescient_xds_convergence_seconds')!.get();
      return m.values.find((v) => (v as { metricName?: string }).metricName === 'prescient_xds_convergence_seconds_sum')!.value;
    };
    const [c0, s0] = [await count(), await sum()];

    h.cache.publish('envoy', renderedSet(...service('a', { endpoints: [{ address: '10.9.9.9', port: 9 }] })));
    const r0 = await streams[0].next();
    const r1 = await streams[1].next();
    now += 250;
    streams[0].ack(r0, ['a']);
    await streams[0].expectNone(50);
    assert.equal(await count(), c0, 'one subscriber has not ACKed yet');
    now += 250;
    streams[1].ack(r1, ['a']);
    await streams[1].expectNone(50);
    assert.equal(await count(), c0 + 1);
    assert.ok(Math.abs((await sum()) - s0 - 0.5) < 1e-9, `observed ${(await sum()) - s0}`);
  });
});
