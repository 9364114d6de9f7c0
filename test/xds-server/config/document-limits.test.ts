import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { largeConfigText } from '../../../bench/reload/large-config.ts';
import { loadConfigFiles, SCHEMA_DIR } from '../../../xds-server/config/index.ts';
import { documentLimitErrors, MAX_ENDPOINTS_PER_SERVICE } from '../../../xds-server/config/document-limits.ts';

describe('document limits checked before parsing', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-limits-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rejects a 50,000-endpoint Service in under 2 s (it took 18 s before the limit), naming the document and field', async () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, `${largeConfigText(1, 100)}---\n${largeConfigText(1, 50_000).replace('svc-0', 'huge')}`);
    const started = performance.now();
    const result = await loadConfigFiles([file]);
    const elapsed = performance.now() - started;
    assert.ok(!result.ok);
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.documentIndex, e.path]),
      [['PRESCIENT_CONFIG_SCHEMA', 1, 'spec.endpoints']],
    );
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('agrees with the Service schema and lets exactly the maximum through', async () => {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'Service.schema.json'), 'utf8'));
    assert.equal(schema.properties.spec.properties.endpoints.maxItems, MAX_ENDPOINTS_PER_SERVICE);
    const file = path.join(dir, 'max.yaml');
    fs.writeFileSync(file, largeConfigText(1, MAX_ENDPOINTS_PER_SERVICE));
    const result = await loadConfigFiles([file]);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors.slice(0, 2)));
  });

  it('counts flow-style endpoints too, and ignores kinds other than Service', () => {
    const flow = (kind: string) =>
      `kind: ${kind}\nmetadata: {name: x}\nspec:\n  endpoints: [${Array.from({ length: MAX_ENDPOINTS_PER_SERVICE + 1 }, (_, i) => `{address: 10.0.${i >> 8}.${i & 255}, port: 80}`).join(', ')}]\n`;
    assert.equal(documentLimitErrors(flow('Service'), 'f.yaml').length, 1);
    assert.deepEqual(documentLimitErrors(flow('Route'), 'f.yaml'), []);
  });
});
