/** The `prescient` binary as users run it: exit statuses and the messages they read. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parsePromQueries } from '../../../xds-server/cli/serve-command.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/prescient.js');

async function prescient(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('prescient CLI', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-cli-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('validate: exit 0 and a summary for the demo config', async () => {
    const r = await prescient('validate', 'examples/demo');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok: 4 document\(s\) valid/);
  });

  it('validate: exit 1 naming file, line, document and path of each error', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await fs.writeFile(bad, 'apiVersion: prescient.dev/v1alpha1\nkind: Service\nmetadata: {name: web}\nspec:\n  protocol: grpc\n  endpoints:\n    - {address: 10.0.0.1, port: 99999}\n');
    const r = await prescient('validate', bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.yaml:7:\d+ document 0 \(Service\/web\) spec\.endpoints\[0\]\.port: .*65535/);
    const json = await prescient('validate', '--json', bad);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).errors[0].path, 'spec.endpoints[0].port');
  });

  it('serve: exit 1 without starting anything when the initial config is invalid', async () => {
    const bad = path.join(dir, 'bad.yaml');
    const r = await prescient('serve', '--config', bad, '--no-scorer', '--xds-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0');
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /initial configuration is invalid/);
  });

  it('serve: rejects a TLS key without a certificate', async () => {
    const r = await prescient('serve', '--config', 'examples/demo', '--tls-key', 'key.pem');
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /--tls-cert and --tls-key go together/);
  });

  it('parses --prometheus-query METRIC=PROMQL and refuses unknown metrics', () => {
    assert.deepEqual(parsePromQueries(['latency_p99_ms=histogram_quantile(0.99, x)']), [
      { name: 'latency_p99_ms', metric: 'latency_p99_ms', query: 'histogram_quantile(0.99, x)' },
    ]);
    assert.throws(() => parsePromQueries(['speed=up']), /METRIC one of/);
    assert.throws(() => parsePromQueries(['latency_ms']), /expected METRIC=PROMQL/);
  });
});
