import assert from 'node:assert/strict';
import { largeConfigText } from '../../../bench/reload/large-config.ts';
import { measureReload } from '../../../bench/reload/measure-reload.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { PrescientHarness } from '../../support/prescient-harness.ts';
import { RawXdsClient } from '../../support/raw-ads-client.ts';

describe('large config reloads (off the event loop)', function () {
  this.timeout(180_000);
  let h: PrescientHarness;
  let client: RawXdsClient;
  before(async () => {
    h = await PrescientHarness.start(largeConfigText(1, 10));
    // A connected client, so every accepted config is also rendered and pushed.
    client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    const s = client.sotw();
    s.send({ node: { id: 'sidecar-1', user_agent_name: 'envoy' }, type_url: TYPE_URL.cluster });
    s.ack(await s.next());
  });
  after(async () => {
    client.close();
    await h.stop();
  });

  it('/healthz answers and the event loop is never held over 1 s (it stalled 10 s when applied inline) while a 5 × 10,000-endpoint config is loaded, checked and applied', async () => {
    const m = await measureReload(h.prescient, h.configFile, largeConfigText(5, 10_000));
    assert.equal(h.prescient.config.services.size, 5);
    assert.equal(h.prescient.config.services.get('svc-4')?.spec.endpoints.length, 10_000);
    assert.ok(m.probes > 5, `only ${m.probes} probes ran`);
    assert.ok(m.worstHealthzMs < 1000, `worst /healthz ${m.worstHealthzMs.toFixed(0)} ms (apply took ${m.applyMs.toFixed(0)} ms)`);
    // Probes miss a stall that falls between two of them; the event loop's own delay does not.
    assert.ok(m.maxLoopDelayMs < 1000, `the event loop was held for ${m.maxLoopDelayMs.toFixed(0)} ms`);
  });

  it('still refuses a bad reload from the worker with the file and path named, keeping the previous config', async () => {
    const before = h.prescient.config;
    await h.writeConfig(largeConfigText(1, 5).replace('port: 8080', 'port: 70000'));
    const deadline = Date.now() + 30_000;
    let status: { lastReloadError?: { message?: string } | string } = {};
    while (Date.now() < deadline) {
      status = await h.adminJson('/debug/config');
      if (status.lastReloadError) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(JSON.stringify(status.lastReloadError), /mesh\.yaml.*port/s);
    assert.equal(h.prescient.config, before);
  });
});
