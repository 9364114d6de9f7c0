/**
 * Dynamic DNS end to end: a real Prescient with the scorer probing three real gRPC servers (on
 * 127.0.0.1, .2 and .3) publishes their A and SRV records into a zone of a real BIND 9 with
 * TSIG-signed RFC 2136 updates, as a DnsZone document asks. `dig` against BIND is the client
 * outside the mesh. A server that starts failing, or gets slow, leaves the records within 2 TTLs;
 * when every server fails the name is never empty; `prescient dns status` and /debug/dns show it all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BackendServer } from '../support/backend-servers.ts';
import { BindServer } from '../support/bind-server.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';

const run = promisify(execFile);
const TTL_SECONDS = 2;

describe('e2e: dynamic DNS into a real BIND 9', function () {
  this.timeout(120_000);
  let bind: BindServer;
  let servers: BackendServer[] = [];
  let h: PrescientHarness | undefined;

  const docs = (): DocSpec[] => [
    {
      kind: 'Service',
      name: 'api',
      spec: {
        protocol: 'grpc',
        endpoints: servers.map((s) => ({ address: s.host, port: s.port })),
        healthChecks: [{ type: 'grpc', interval: '250ms', timeout: '1s' }],
      },
    },
    { kind: 'ScoringPolicy', name: 'api', spec: { services: ['api'], interval: '500ms' } },
    {
      kind: 'DnsZone',
      name: 'test-zone',
      spec: {
        server: { address: '127.0.0.1', port: bind.port, timeout: '500ms', attempts: 2 },
        zone: bind.zone,
        tsigKey: { file: bind.keyFile },
        ttl: `${TTL_SECONDS}s`,
        hysteresis: '1s',
        thresholds: { maxErrorRate: 0.5, maxLatencyMs: 150, scoreDrop: 0.9 },
        publish: [{ service: 'api', name: 'api', srv: {} }],
      },
    },
  ];

  const addresses = () => bind.dig('api.mesh.test', 'A');

  before(async () => {
    bind = await BindServer.start();
    servers = [new BackendServer('s1'), new BackendServer('s2'), new BackendServer('s3')];
    for (const [i, s] of servers.entries()) await s.start(0, `127.0.0.${i + 1}`);
    h = await PrescientHarness.start(docs(), { scorer: {}, dnsTickMs: 250 });
  });

  after(async () => {
    await h?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await bind?.dispose();
  });

  it('publishes A and SRV records of every healthy endpoint', async () => {
    await eventually(async () => (await addresses()).length === 3, 15_000, 200, 'three A records');
    assert.deepEqual(await addresses(), ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    const srv = await bind.dig('_grpc._tcp.api.mesh.test', 'SRV');
    assert.equal(srv.length, 3);
    assert.ok(srv.every((line) => /^0 \d+ \d+ ip4-127-0-0-[123]\.api\.mesh\.test\.$/.test(line)), srv.join('\n'));
    assert.deepEqual(await bind.dig('ip4-127-0-0-2.api.mesh.test', 'A'), ['127.0.0.2']);
  });

  it('takes a failing server out of the records within 2 TTLs', async () => {
    servers[1]!.faults.failFast = true;
    const failed = Date.now();
    await eventually(async () => (await addresses()).join() === '127.0.0.1,127.0.0.3', 2 * TTL_SECONDS * 1000, 50, 'the failing server left within 2 TTLs');
    const took = Date.now() - failed;
    console.log(`      failing endpoint left the A records ${took} ms after the fault (TTL ${TTL_SECONDS} s)`);
    await eventually(async () => (await bind.dig('_grpc._tcp.api.mesh.test', 'SRV')).length === 2, 2000, 50);
    assert.deepEqual(await bind.dig('ip4-127-0-0-2.api.mesh.test', 'A'), []);
  });

  it('never empties the name, even when every server fails', async () => {
    for (const s of servers) s.faults.failFast = true;
    const until = Date.now() + 4 * TTL_SECONDS * 1000;
    while (Date.now() < until) {
      const now = await addresses();
      assert.ok(now.length >= 1, 'the name still has an address');
      await new Promise((r) => setTimeout(r, 200));
    }
    const { zones } = await h!.adminJson('/debug/dns');
    assert.equal(zones[0].role, 'writer');
    assert.ok(zones[0].keptDegraded.length >= 1, `kept degraded: ${JSON.stringify(zones[0].keptDegraded)}`);
  });

  it('brings a recovered server back, and prescient dns status shows the records', async () => {
    for (const s of servers) s.faults.failFast = false;
    await eventually(async () => (await addresses()).length === 3, 60_000, 200, 'all three back');
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), 'dns', 'status', '--admin', `http://127.0.0.1:${h!.prescient.adminPort}`], { timeout: 30_000 });
    assert.match(stdout, /zone mesh\.test \(DnsZone test-zone\) on 127\.0\.0\.1:\d+, writer/);
    assert.match(stdout, /api\.mesh\.test\. 2 IN A 127\.0\.0\.2/);
    const metrics = (await h!.admin('/metrics')).body;
    assert.match(metrics, /prescient_dns_updates_total\{zone="test-zone",outcome="applied"\} [1-9]/);
    assert.match(metrics, /prescient_dns_publish_delay_seconds_count\{zone="test-zone"\} [1-9]/);
  });

  it('takes a slow server (+300 ms) out within 2 TTLs, and back once it is fast again', async () => {
    servers[2]!.faults.latencyMs = 300;
    const slowed = Date.now();
    await eventually(async () => (await addresses()).join() === '127.0.0.1,127.0.0.2', 2 * TTL_SECONDS * 1000, 50, 'the slow server left within 2 TTLs');
    console.log(`      slow endpoint left the A records ${Date.now() - slowed} ms after the fault (TTL ${TTL_SECONDS} s)`);
    servers[2]!.faults.latencyMs = 0;
    await eventually(async () => (await addresses()).length === 3, 60_000, 200, 'the fast server is back');
  });

  it('catches up with a BIND that was down while an endpoint failed', async () => {
    await bind.stop();
    servers[0]!.faults.failFast = true;
    await eventually(async () => (await h!.adminJson('/debug/dns')).zones[0].lastError?.code === 'PRESCIENT_DNS_UNREACHABLE', 15_000, 200);
    await bind.restart();
    const back = Date.now();
    await eventually(async () => (await addresses()).join() === '127.0.0.2,127.0.0.3', 20_000, 100, 'the update held back during the outage is applied');
    console.log(`      BIND back: caught up ${Date.now() - back} ms after its restart`);
    servers[0]!.faults.failFast = false;
  });
});
