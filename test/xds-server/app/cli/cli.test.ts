/** The `prescient` binary as users run it: exit statuses and the messages they read. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseNodeGroup } from '../../../../xds-server/app/cli/node-group-flag.ts';
import { parsePromQueries } from '../../../../xds-server/app/cli/serve-command.ts';
import { freePort } from '../../../support/free-port.ts';
import { startBackends, type BackendServer } from '../../../support/backend-servers.ts';
import { PrescientHarness } from '../../../support/prescient-harness.ts';
import { EchoClient } from '../../../support/xds-channel.ts';

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

  it('parses --node-group selectors and names what is wrong with a bad one', () => {
    assert.deepEqual(parseNodeGroup('name=edge,flavor=envoy,node-id=gw-.*,cluster=ingress,metadata.team=pay'), {
      group: 'edge',
      flavor: 'envoy',
      nodeId: 'gw-.*',
      cluster: 'ingress',
      metadata: { team: 'pay' },
    });
    assert.throws(() => parseNodeGroup('flavor=envoy'), /name=GROUP is required/);
    assert.throws(() => parseNodeGroup('name=a,flavor=istio'), /flavor must be envoy or grpc/);
    assert.throws(() => parseNodeGroup('name=a,zone=x'), /unknown key "zone"/);
  });

  it('parses --prometheus-query METRIC=PROMQL and refuses unknown metrics', () => {
    assert.deepEqual(parsePromQueries(['latency_p99_ms=histogram_quantile(0.99, x)']), [
      { name: 'latency_p99_ms', metric: 'latency_p99_ms', query: 'histogram_quantile(0.99, x)' },
    ]);
    assert.throws(() => parsePromQueries(['speed=up']), /METRIC one of/);
    assert.throws(() => parsePromQueries(['latency_ms']), /expected METRIC=PROMQL/);
  });
});

describe('prescient status, weights and select against a running server', function () {
  this.timeout(60_000);
  let backends: BackendServer[];
  let h: PrescientHarness;
  let client: EchoClient;
  const admin = () => ['--admin', `http://127.0.0.1:${h.prescient.adminPort}`];

  before(async () => {
    backends = await startBackends(['b1', 'b2']);
    h = await PrescientHarness.start([
      { kind: 'Service', name: 'web', spec: { protocol: 'grpc', endpoints: backends.map((b, i) => ({ address: '127.0.0.1', port: b.port, weight: i + 1 })) } },
      { kind: 'WeightOverride', name: 'drain-b2', spec: { service: 'web', endpoint: backends[1]!.endpoint, drain: true } },
    ]);
    client = new EchoClient('xds:///web', h.xdsPort, { id: 'cli-test-client' });
    await client.spread(10);
  });
  after(async () => {
    client?.close();
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  it('status: one row per stream with every type SYNCED', async () => {
    const r = await prescient('status', ...admin());
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.startsWith('cli-test-client'));
    assert.ok(row, r.stdout);
    assert.match(row, /grpc\s+grpc\s+sotw\/ads\s+SYNCED [0-9a-f]{8}\s+SYNCED [0-9a-f]{8}\s+SYNCED [0-9a-f]{8}\s+SYNCED [0-9a-f]{8}\s+\d+s\s+\d+s\s/);
    const { clients } = await h.adminJson('/debug/clients');
    const cds = clients.find((c: { nodeId: string }) => c.nodeId === 'cli-test-client').types.find((t: { type: string }) => t.type === 'cds');
    assert.ok(row.includes(`SYNCED ${cds.ackedVersion.slice(0, 8)}`), 'the CDS column shows the ACKed version');
  });

  it('proxy-config NODE: every resource the client holds, with its version, ACKED and SYNCED (over CSDS)', async () => {
    const r = await prescient('proxy-config', 'cli-test-client', '--xds', `127.0.0.1:${h.xdsPort}`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^TYPE\s+NAME\s+VERSION\s+CLIENT\s+CONFIG/);
    const types = lines.slice(1).map((l) => l.split(/\s+/));
    assert.deepEqual([...new Set(types.map((t) => t[0]))], ['CDS', 'EDS', 'LDS', 'RDS']);
    for (const t of types) assert.deepEqual([t[3], t[4]], ['ACKED', 'SYNCED'], t.join(' '));
    assert.ok(types.some((t) => t[0] === 'EDS' && t[1]!.includes('web')), r.stdout);
    const missing = await prescient('proxy-config', 'nobody', '--xds', `127.0.0.1:${h.xdsPort}`);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no client with node id "nobody"/);
  });

  it('weights: static, effective, share, health and outlier state, with the drain applied', async () => {
    const r = await prescient('weights', 'web', ...admin());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`web\\s+${backends[0]!.endpoint}\\s+1\\s+-\\s+1\\s+100\\.0%\\s+serving\\s+-\\s+drain-b2`));
    assert.match(r.stdout, new RegExp(`web\\s+${backends[1]!.endpoint}\\s+2\\s+-\\s+draining\\s+0\\.0%\\s+draining\\s+-`));
    const unknown = await prescient('weights', 'nope', ...admin());
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no Service named "nope"/);
  });

  it('select: the only serving endpoint', async () => {
    const r = await prescient('select', 'web', ...admin());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${backends[0]!.endpoint}  weight 1/1`));
  });

  it('says plainly when no server answers', async () => {
    const closed = await freePort();
    const r = await prescient('status', '--admin', `http://127.0.0.1:${closed}`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot reach Prescient's admin API at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`));
  });
});
