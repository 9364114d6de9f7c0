import assert from 'node:assert/strict';
import { PrescientHarness } from '../../support/prescient-harness.ts';
import { BUILD_VERSION } from '../../../xds-server/metrics.ts';

const SERVICE = {
  kind: 'Service',
  name: 'web',
  spec: {
    protocol: 'http',
    endpoints: [
      { address: '10.0.0.1', port: 80, weight: 500 },
      { address: '10.0.0.2', port: 80, weight: 300 },
      { address: '10.0.0.3', port: 80, weight: 100 },
    ],
  },
};

/** The value of `name{labels}` in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('operator metrics surface', () => {
  let h: PrescientHarness;
  before(async () => {
    h = await PrescientHarness.start([
      SERVICE,
      { kind: 'WeightOverride', name: 'cap', spec: { service: 'web', endpoint: '10.0.0.1:80', ceiling: 100 } },
      { kind: 'WeightOverride', name: 'drain', spec: { service: 'web', endpoint: '10.0.0.3:80', drain: true } },
    ]);
    await h.prescient.settled();
  });
  after(() => h.stop());

  it('exports the weight actually pushed per endpoint (after a ceiling and a drain), agreeing with /debug/weights', async () => {
    const text = (await h.admin('/metrics')).body;
    assert.equal(sample(text, 'prescient_endpoint_effective_weight', 'service="web",endpoint="10.0.0.1:80"'), 100, 'the ceiling applies');
    assert.equal(sample(text, 'prescient_endpoint_effective_weight', 'service="web",endpoint="10.0.0.2:80"'), 300);
    assert.equal(sample(text, 'prescient_endpoint_effective_weight', 'service="web",endpoint="10.0.0.3:80"'), 0, 'drained');
    const weights = await h.adminJson<{ service: string; endpoints: { endpoint: string; effective: number; health: string }[] }[]>('/debug/weights');
    const web = (Array.isArray(weights) ? weights : (weights as any).services).find((s: { service: string }) => s.service === 'web');
    for (const e of web.endpoints) {
      const exported = sample(text, 'prescient_endpoint_effective_weight', `service="web",endpoint="${e.endpoint}"`);
      assert.equal(exported, e.health === 'serving' ? e.effective : 0, e.endpoint);
    }
  });

  it('exports process, Node.js and event-loop lag metrics and the build', async () => {
    const text = (await h.admin('/metrics')).body;
    for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
      assert.match(text, new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'), name);
    }
    assert.equal(sample(text, 'prescient_build_info', `version="${BUILD_VERSION}",node_version="${process.versions.node}"`), 1);
    assert.notEqual(BUILD_VERSION, 'unknown');
  });

  it('serves an index of the admin paths at / and /debug/ (HTML, or JSON when asked)', async () => {
    for (const p of ['/', '/debug/', '/debug']) {
      const page = await h.admin(p);
      assert.equal(page.status, 200, p);
      assert.match(page.body, /<a href="\/debug\/weights">\/debug\/weights<\/a>/);
    }
    const res = await fetch(`http://127.0.0.1:${h.prescient.adminPort}/`, { headers: { accept: 'application/json' } });
    const { paths } = (await res.json()) as { paths: { path: string }[] };
    for (const { path: p } of paths.filter((x: any) => x.method === 'GET' && !x.path.startsWith('/v1/'))) {
      assert.equal((await h.admin(p)).status, 200, `${p} is listed and served`);
    }
    assert.equal((await h.admin('/nope')).status, 404);
  });

  it('shows a config hash on /debug/config that changes with the config and not with file layout', async () => {
    const first = (await h.adminJson<{ configHash: string }>('/debug/config')).configHash;
    assert.match(first, /^sha256:[0-9a-f]{16}$/);
    const { configHash } = await import('../../../xds-server/pipeline/config-hash.ts');
    const reordered = new Map([...h.prescient.config.services].reverse());
    assert.equal(configHash({ ...h.prescient.config, services: reordered }), first);
    const changed = new Map(h.prescient.config.services);
    changed.set('web', { ...changed.get('web')!, spec: { ...changed.get('web')!.spec, connectTimeout: '2s' } });
    assert.notEqual(configHash({ ...h.prescient.config, services: changed }), first);
  });
});
