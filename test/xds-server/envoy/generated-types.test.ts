/**
 * The generated Envoy types (xds-server/envoy/generated) are exactly what `npm run gen:types`
 * produces from the protos the server loads: a hand edit or a proto added without regenerating
 * fails here, as `npm run gen:crds:check` does for the CRDs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = 'scripts/gen-envoy-types.sh';

describe('generated Envoy types', function () {
  this.timeout(120_000);

  it('match what npm run gen:types produces now', async () => {
    const { stdout } = await run('bash', [SCRIPT, '--check']);
    assert.match(stdout, /up to date \(\d+ files\)/);
  });

  it('report a hand edit as drift (the check can fail)', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-generated-'));
    try {
      await fs.cp('xds-server/envoy/generated', copy, { recursive: true });
      await fs.appendFile(path.join(copy, 'cds.ts'), '// edited by hand\n');
      await assert.rejects(run('bash', [SCRIPT, '--check'], { env: { ...process.env, PRESCIENT_GENERATED_DIR: copy } }), (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 1);
        assert.match(err.stderr, /PRESCIENT_GENERATED_DRIFT/);
        assert.match(err.stderr, /cds\.ts/);
        return true;
      });
    } finally {
      await fs.rm(copy, { recursive: true, force: true });
    }
  });
});
