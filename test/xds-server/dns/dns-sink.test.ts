/**
 * The DNS sink against a real BIND 9, fed an endpoint state the test controls: it publishes,
 * follows degradation, reports a wrong key, catches up after BIND restarts (with its journal, and
 * from an old zone file), and writes only while it holds the lease.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import client from 'prom-client';
import { DnsSink, type DnsZoneConfig, type SinkClock } from '../../../xds-server/dns/dns-sink.ts';
import type { CandidateEndpoint } from '../../../xds-server/dns/endpoint-selection.ts';
import { createDnsMetrics } from '../../../xds-server/dns/metrics.ts';
import { BindServer } from '../../support/bind-server.ts';
import { eventually } from '../../support/eventually.ts';

const realClock: SinkClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

function ep(n: number, over: Partial<CandidateEndpoint> = {}): CandidateEndpoint {
  return { key: `127.0.0.${n}:5005${n}`, address: `127.0.0.${n}`, port: 50050 + n, weight: 100, serving: true, ...over };
}

describe('DNS sink against a real BIND 9', function () {
  this.timeout(60_000);
  let bind: BindServer;
  let endpoints: CandidateEndpoint[];
  let sink: DnsSink | undefined;
  const log = { error() {} };

  function zone(over: Partial<DnsZoneConfig> = {}): DnsZoneConfig {
    return {
      id: 'test-zone',
      server: { address: '127.0.0.1', port: bind.port },
      key: { file: bind.keyFile },
      settings: {
        zone: bind.zone,
        ttlSeconds: 1,
        thresholds: { scoreDrop: 0.5, maxErrorRate: 0.2, recoveryMargin: 0.2 },
        srvWeightTolerance: 10,
        publish: [{ service: 'api', target: { name: `api.${bind.zone}`, addresses: true, srv: { service: '_grpc', protocol: '_tcp' } }, limits: { maxRecords: 8, minRecords: 1 } }],
      },
      hysteresisMs: 500,
      maxUpdatesPerMinute: 600,
      timeoutMs: 1000,
      attempts: 2,
      rereadMs: 60_000,
      ...over,
    };
  }

  async function startSink(over: Partial<DnsZoneConfig> = {}, isWriter?: () => boolean, registry = new client.Registry()) {
    sink = new DnsSink({ clock: realClock, log, view: () => (s) => (s === 'api' ? endpoints : undefined), tickMs: 200, retryMs: 100, metrics: createDnsMetrics(registry), ...(isWriter ? { isWriter } : {}) });
    await sink.setZones([zone(over)]);
    sink.start();
    return sink;
  }

  beforeEach(async () => {
    bind = await BindServer.start();
    endpoints = [ep(1), ep(2), ep(3)];
  });
  afterEach(async () => {
    await sink?.stop();
    sink = undefined;
    await bind.dispose();
  });

  it('publishes A and SRV records, takes a failing endpoint out and never empties the name', async () => {
    const registry = new client.Registry();
    await startSink({}, undefined, registry);
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).join() === '127.0.0.1,127.0.0.2,127.0.0.3', 10_000);
    assert.deepEqual(await bind.dig('_grpc._tcp.api.mesh.test', 'SRV'), [
      '0 33 50051 ip4-127-0-0-1.api.mesh.test.',
      '0 33 50052 ip4-127-0-0-2.api.mesh.test.',
      '0 33 50053 ip4-127-0-0-3.api.mesh.test.',
    ]);
    assert.deepEqual(await bind.dig('ip4-127-0-0-2.api.mesh.test', 'A'), ['127.0.0.2']);

    endpoints = [ep(1), ep(2, { errorRate: 0.9 }), ep(3)];
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).join() === '127.0.0.1,127.0.0.3', 10_000);
    assert.deepEqual(await bind.dig('ip4-127-0-0-2.api.mesh.test', 'A'), []);

    endpoints = [ep(1, { serving: false }), ep(2, { errorRate: 0.9 }), ep(3, { errorRate: 1 })];
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).join() === '127.0.0.3', 10_000);
    // Stays: every endpoint fails, the last published one is kept.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), ['127.0.0.3']);
    const status = sink!.status()[0]!;
    assert.deepEqual(status.keptDegraded, ['api.mesh.test: 127.0.0.3:50053']);
    assert.equal(status.role, 'writer');
    assert.ok(status.updates! >= 3);
    assert.deepEqual(status.records!['api.mesh.test']!.filter((l) => l.startsWith('api.mesh.test. ')), ['api.mesh.test. 1 IN A 127.0.0.3']);
    const metrics = await registry.getMetricsAsJSON();
    const updates = metrics.find((m) => m.name === 'prescient_dns_updates_total')!;
    assert.ok(updates.values.some((v) => v.labels.outcome === 'applied' && v.value >= 3));
    const records = metrics.find((m) => m.name === 'prescient_dns_records')!;
    assert.deepEqual(records.values.map((v) => v.value), [2], 'one A and one SRV record');
  });

  it('reports a wrong key (BIND answers NOTAUTH, TSIG error BADSIG) and changes nothing', async () => {
    const keyFile = join(bind.dir, 'wrong.key');
    await writeFile(keyFile, `key "${bind.keyName}" { algorithm hmac-sha256; secret "${randomBytes(32).toString('base64')}"; };\n`);
    await startSink({ key: { file: keyFile } });
    // The first thing the writer does is read the zone with a signed query: BIND answers NOTAUTH/BADSIG.
    await eventually(async () => sink!.status()[0]!.lastError?.code === 'PRESCIENT_DNS_REFUSED', 10_000);
    const { lastError, updates } = sink!.status()[0]!;
    assert.match(lastError!.message, /BADSIG|NOTAUTH|TSIG/);
    assert.equal(updates, 0);
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), []);
  });

  it('reports a key file that does not load, and starts once it appears', async () => {
    const keyFile = join(bind.dir, 'late.key');
    sink = new DnsSink({ clock: realClock, log, view: () => (s) => (s === 'api' ? endpoints : undefined), tickMs: 200, keyRetryMs: 300 });
    await sink.setZones([zone({ key: { file: keyFile } })]);
    sink.start();
    assert.equal(sink.status()[0]!.configError?.code, 'PRESCIENT_DNS_TSIG_KEY');
    await writeFile(keyFile, await bind.keyText());
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).length === 3, 10_000);
    assert.equal(sink.status()[0]!.configError, undefined);
  });

  it('catches up with a BIND that was down, and with one restored from an old zone file', async () => {
    await startSink();
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).length === 3, 10_000);
    await bind.stop();
    endpoints = [ep(1), ep(2, { serving: false }), ep(3)];
    await eventually(async () => sink!.status()[0]!.lastError?.code === 'PRESCIENT_DNS_UNREACHABLE', 10_000);
    await bind.restart();
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).join() === '127.0.0.1,127.0.0.3', 10_000);

    // Restored from the original zone file: the records Prescient wrote are gone. The next change
    // fails its prerequisites (the server does not hold what the writer last wrote), the writer
    // reads the zone again and sends the difference against what is really there.
    await bind.restart({ resetZone: true });
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), []);
    endpoints = [ep(1), ep(2), ep(3)];
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).join() === '127.0.0.1,127.0.0.2,127.0.0.3', 10_000);
    assert.equal(sink!.status()[0]!.lastError?.code, 'PRESCIENT_DNS_CONFLICT');
  });

  it('restores records lost on the server even when no endpoint changes (periodic re-read)', async () => {
    await startSink({ rereadMs: 500 });
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).length === 3, 10_000);
    await bind.restart({ resetZone: true });
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), []);
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).length === 3, 10_000);
    assert.equal((await bind.dig('_grpc._tcp.api.mesh.test', 'SRV')).length, 3);
  });

  it('writes only while it holds the lease', async () => {
    let leader = false;
    await startSink({}, () => leader);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), []);
    assert.equal(sink!.status()[0]!.role, 'standby');
    leader = true;
    await eventually(async () => (await bind.dig('api.mesh.test', 'A')).length === 3, 10_000);
  });
});
