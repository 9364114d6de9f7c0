import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../../support/free-port.ts';
import { eventually } from '../../../support/eventually.ts';

const BIN = path.resolve('bin/prescient.js');

describe('prescient serve: shutdown', function () {
  this.timeout(60_000);

  it('exits 0 after SIGTERM once it has reloaded in its worker (a worker port refed by its message listener kept it alive)', async () => {
    const admin = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--config', 'examples/demo/mesh.yaml', '--no-scorer', '--xds-address', '127.0.0.1:0', '--admin-address', `127.0.0.1:${admin}`, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // The reload worker is started and warmed at start; /healthz answers once serving.
      await eventually(async () => (await fetch(`http://127.0.0.1:${admin}/healthz`).catch(() => undefined))?.ok === true, 30_000, 100, 'serving');
      await eventually(async () => {
        const config = (await fetch(`http://127.0.0.1:${admin}/debug/config`).then((r) => r.json())) as { lastReload?: { ok?: boolean } };
        return config.lastReload?.ok === true;
      }, 10_000, 100, 'config loaded');
      await new Promise((r) => setTimeout(r, 1000));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
      assert.equal(code, 0, 'exited by itself with status 0');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
