import assert from 'node:assert/strict';
import { parseConfigText } from '../../../xds-server/config/index.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { xdsMetrics } from '../../../xds-server/metrics.ts';
import { ConfigState } from '../../../xds-server/pipeline/config-state.ts';
import { yamlOf } from '../../support/prescient-harness.ts';

const GOOD = yamlOf([
  { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 50051 }] } },
  { kind: 'Route', name: 'greeter', spec: { hosts: ['greeter'], rules: [{ backends: [{ service: 'greeter', weight: 1 }] }] } },
]);
const BAD = yamlOf([{ kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 0 }] } }]);

async function reloads(result: 'success' | 'error'): Promise<number> {
  return (await xdsMetrics.configReloads.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function lastReloadSuccess(): Promise<number | undefined> {
  return (await xdsMetrics.configLastReloadSuccess.get()).values[0]?.value;
}

describe('ConfigState', () => {
  let state: ConfigState;
  beforeEach(() => {
    state = new ConfigState(['/etc/prescient/mesh.yaml']);
  });

  it('starts empty and reports the accepted configuration', async () => {
    assert.equal(state.config.services.size, 0);
    const loaded = parseConfigText(GOOD, 'mesh.yaml');
    assert.ok(loaded.ok);
    state.accept(loaded.config, loaded.documents.length, Date.UTC(2030, 0, 1));
    assert.equal(state.config, loaded.config);
    const status = state.status();
    assert.deepEqual(status.paths, ['/etc/prescient/mesh.yaml']);
    assert.equal(status.activeSince, '2030-01-01T00:00:00.000Z');
    assert.equal(status.documents, 2);
    assert.deepEqual(status.services, ['greeter']);
    assert.deepEqual(status.routes, ['greeter']);
    assert.deepEqual(status.lastReload, { ok: true, at: '2030-01-01T00:00:00.000Z', documents: 2 });
    assert.equal(await lastReloadSuccess(), 1);
  });

  it('refuses a reload with errors as a whole: the previous configuration keeps serving', async () => {
    const loaded = parseConfigText(GOOD, 'mesh.yaml');
    assert.ok(loaded.ok);
    state.accept(loaded.config, 2, 1_000);
    const errorsBefore = await reloads('error');

    const refused = parseConfigText(BAD, 'mesh.yaml');
    assert.equal(refused.ok, false);
    assert.equal(state.reload(refused, 2_000, silentLogger), false);

    assert.equal(state.config, loaded.config, 'same object, not a copy');
    const status = state.status();
    assert.equal(status.activeSince, new Date(1_000).toISOString(), 'still the configuration accepted first');
    assert.equal(status.lastReload?.ok, false);
    assert.deepEqual(status.lastReloadError, status.lastReload);
    assert.match(status.lastReloadError!.errors!.join('\n'), /mesh\.yaml:\d+:\d+ document 0 \(Service\/greeter\) spec\.endpoints\[0\]\.port: .*\[PRESCIENT_CONFIG_SCHEMA\]/);
    assert.equal(await reloads('error'), errorsBefore + 1);
    assert.equal(await lastReloadSuccess(), 0);
  });

  it('applies a good reload after a refused one and reports success again', async () => {
    state.reload(parseConfigText(BAD, 'mesh.yaml'), 1_000, silentLogger);
    assert.equal(await lastReloadSuccess(), 0);
    const successBefore = await reloads('success');
    const loaded = parseConfigText(GOOD, 'mesh.yaml');
    assert.equal(state.reload(loaded, 2_000, silentLogger), true);
    assert.ok(loaded.ok);
    assert.equal(state.config, loaded.config);
    assert.deepEqual(state.status().lastReload, { ok: true, at: new Date(2_000).toISOString(), documents: 2 });
    assert.equal(state.status().lastReloadError?.at, new Date(1_000).toISOString(), 'the last error stays visible for reference');
    assert.equal(await reloads('success'), successBefore + 1);
    assert.equal(await lastReloadSuccess(), 1);
  });
});
