/**
 * Smoke test of `npm run bench:xds`: the real driver, server and client processes at toy size.
 * Checks the shape of the JSON it writes, never its speed (DESIGN §10).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';

const run = promisify(execFile);
const RUN_TS = fileURLToPath(new URL('../../bench/xds/run.ts', import.meta.url));

function bench(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', RUN_TS, ...args], { timeout: 150_000 });
}

function assertSpread(s: any, what: string): void {
  for (const k of ['p50', 'p99', 'max']) assert.ok(Number.isFinite(s?.[k]) && s[k] >= 0, `${what}.${k} = ${s?.[k]}`);
  assert.ok(s.p50 <= s.p99 && s.p99 <= s.max, `${what} is not ordered: ${JSON.stringify(s)}`);
}

describe('bench:xds (smoke)', function () {
  this.timeout(180_000);
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-bench-xds-test-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('measures both protocols and writes the results file', async () => {
    const out = path.join(dir, 'xds.json');
    const { stdout } = await bench(['--clients', '5', '--clusters', '4', '--endpoints', '40', '--changes', '3', '--out', out]);
    assert.match(stdout, /initial sync ms/);

    const json = JSON.parse(await fs.readFile(out, 'utf8'));
    assert.equal(json.machine.cpus, os.cpus().length);
    assert.equal(typeof json.machine.model, 'string');
    assert.equal(json.machine.node, process.version);
    assert.deepEqual(json.runs.map((r: any) => r.protocol), ['sotw', 'delta']);
    for (const r of json.runs) {
      assert.deepEqual([r.clients, r.clusters, r.endpoints, r.changes], [5, 4, 40, 3]);
      assert.ok(r.initialSyncMs > 0, `initialSyncMs = ${r.initialSyncMs}`);
      assertSpread(r.changeAckMs, 'changeAckMs');
      assertSpread(r.clientAckMs, 'clientAckMs');
      assert.ok(Number.isInteger(r.rssBytesPerClient), `rssBytesPerClient = ${r.rssBytesPerClient}`);
      assert.ok(r.serverCpuSeconds > 0, `serverCpuSeconds = ${r.serverCpuSeconds}`);
    }
  });

  it('runs real Envoys among the clients when asked and reports their timings apart', async () => {
    const out = path.join(dir, 'envoys.json');
    const { stdout } = await bench(['--clients', '2', '--clusters', '2', '--endpoints', '4', '--changes', '2', '--protocol', 'sotw', '--envoys', '2', '--out', out]);
    assert.match(stdout, /real Envoys among the clients/);
    const [r] = JSON.parse(await fs.readFile(out, 'utf8')).runs;
    assert.equal(r.envoy.envoys, 2);
    assertSpread(r.envoy.syncMs, 'envoy.syncMs');
    assertSpread(r.envoy.changeAppliedMs, 'envoy.changeAppliedMs');
    assertSpread(r.envoy.envoyAppliedMs, 'envoy.envoyAppliedMs');
    assert.equal(r.clients, 2, 'the raw clients\' figures leave the Envoys out');
  });

  it('runs one protocol when asked and refuses a mesh with clusters left empty', async () => {
    const out = path.join(dir, 'delta.json');
    await bench(['--clients', '2', '--clusters', '2', '--endpoints', '4', '--changes', '1', '--protocol', 'delta', '--out', out]);
    assert.deepEqual(JSON.parse(await fs.readFile(out, 'utf8')).runs.map((r: any) => r.protocol), ['delta']);

    await assert.rejects(bench(['--clusters', '10', '--endpoints', '5', '--out', path.join(dir, 'bad.json')]), (err: any) => {
      assert.match(err.stderr, /BENCH_XDS_MESH/);
      return true;
    });
    await assert.rejects(fs.access(path.join(dir, 'bad.json')));
  });
});
