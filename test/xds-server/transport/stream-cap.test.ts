import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { renderedSet, service } from '../../support/resource-builders.ts';
import { envoyNode, metricValue, startHarness, type Harness } from './harness.ts';

describe('new-stream cap', () => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = 0;
    h = await startHarness({ maxNewStreamsPerSecond: 2, clock: () => now });
    h.cache.publish('envoy', renderedSet(...service('a')));
  });
  afterEach(() => h.stop());

  it('refuses streams beyond the per-second cap with UNAVAILABLE, and admits again as time passes', async () => {
    const before = await metricValue('prescient_xds_streams_refused_total');
    const streams = [h.client.sotw(), h.client.sotw(), h.client.sotw()];
    for (const s of streams) s.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    await streams[0].next();
    await streams[1].next();
    const refused = await streams[2].status;
    assert.equal(refused.code, 14);
    assert.match(refused.details, /XDS_STREAM_RATE_LIMITED/);
    assert.equal(await metricValue('prescient_xds_streams_refused_total'), before + 1);
    now += 1000;
    const later = h.client.sotw();
    later.send({ node: envoyNode(), type_url: TYPE_URL.cluster });
    await later.next();
  });
});
