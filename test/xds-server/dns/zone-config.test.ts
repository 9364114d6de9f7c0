/** DnsZone documents → what the sink runs (defaults in one place), the checks the schema cannot make, and key loading. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDnsStatus } from '../../../xds-server/app/cli/dns-command.ts';
import { loadTsigKey, parseBindKeys, TsigKeyError } from '../../../xds-server/dns/tsig-key.ts';
import { dnsZoneFindings } from '../../../xds-server/dns/zone-checks.ts';
import { absoluteName, dnsZoneConfig, type DnsZoneSpec } from '../../../xds-server/dns/zone-config.ts';

const spec = (over: Partial<DnsZoneSpec> = {}): DnsZoneSpec => ({
  server: { address: '10.0.0.53' },
  zone: 'Mesh.Example.com.',
  tsigKey: { file: '/etc/prescient/tsig.key' },
  publish: [{ service: 'greeter', name: 'greeter', srv: {} }],
  ...over,
});

const SECRET = Buffer.alloc(32, 7).toString('base64');

describe('DnsZone config', () => {
  it('applies every default in one place', () => {
    const c = dnsZoneConfig('public', spec());
    assert.deepEqual(c.server, { address: '10.0.0.53', port: 53 });
    assert.equal(c.settings.zone, 'mesh.example.com');
    assert.equal(c.settings.ttlSeconds, 30);
    assert.equal(c.hysteresisMs, 30_000, 'hysteresis defaults to the TTL');
    assert.equal(c.maxUpdatesPerMinute, 60);
    assert.deepEqual(c.settings.thresholds, { scoreDrop: 0.5, recoveryMargin: 0.2 });
    assert.deepEqual(c.settings.publish[0], {
      service: 'greeter',
      target: { name: 'greeter.mesh.example.com', addresses: true, srv: { service: '_grpc', protocol: '_tcp' } },
      limits: { maxRecords: 8, minRecords: 1 },
    });
    const d = dnsZoneConfig('x', spec({ ttl: '5s', hysteresis: '20s', thresholds: { maxErrorRate: 0.1 } }));
    assert.equal(d.settings.ttlSeconds, 5);
    assert.equal(d.hysteresisMs, 20_000);
    assert.deepEqual(d.settings.thresholds, { scoreDrop: 0.5, recoveryMargin: 0.2, maxErrorRate: 0.1 });
  });

  it('names are relative to the zone unless absolute inside it', () => {
    assert.equal(absoluteName('api', 'mesh.test'), 'api.mesh.test');
    assert.equal(absoluteName('api.mesh.test', 'mesh.test'), 'api.mesh.test');
    assert.equal(absoluteName('API.mesh.test.', 'mesh.test'), 'api.mesh.test');
    assert.equal(absoluteName('api.other.test.', 'mesh.test'), 'api.other.test');
  });

  it('reports names outside the zone, a name published twice, min above max, sub-second TTLs and entries that publish nothing', () => {
    const findings = dnsZoneFindings(
      spec({
        ttl: '1500ms',
        publish: [
          { service: 'a', name: 'www' },
          { service: 'b', name: 'www.mesh.example.com.' },
          { service: 'c', name: 'api.elsewhere.org.', minRecords: 9 },
          { service: 'd', name: 'quiet', addresses: false },
        ],
      }),
    );
    assert.deepEqual(
      findings.map((f) => [f.code, f.segments.join('.')]),
      [
        ['PRESCIENT_CONFIG_VALUE', 'spec.ttl'],
        ['PRESCIENT_CONFIG_DUPLICATE', 'spec.publish.1.name'],
        ['PRESCIENT_CONFIG_VALUE', 'spec.publish.2.name'],
        ['PRESCIENT_CONFIG_VALUE', 'spec.publish.2.minRecords'],
        ['PRESCIENT_CONFIG_VALUE', 'spec.publish.3'],
      ],
    );
    assert.deepEqual(dnsZoneFindings(spec()), []);
  });

  it('loads keys from a tsig-keygen file or an environment variable, never from the document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prescient-key-'));
    try {
      const file = join(dir, 'k.key');
      await writeFile(file, `# made by tsig-keygen\nkey "prescient-key" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\nkey "other" { algorithm hmac-sha512; secret "${SECRET}"; };\n`);
      assert.equal(parseBindKeys(await readFile(file, 'utf8')).length, 2);
      await assert.rejects(loadTsigKey({ file }), /holds 2 keys \(prescient-key, other\); name the one to use/);
      const key = await loadTsigKey({ file, name: 'prescient-key.' });
      assert.deepEqual([key.name, key.algorithm, key.secret.length], ['prescient-key', 'hmac-sha256', 32]);
      await assert.rejects(loadTsigKey({ file, name: 'other', algorithm: 'hmac-sha256' }), /uses hmac-sha512, but the config says hmac-sha256/);
      await assert.rejects(loadTsigKey({ file: join(dir, 'missing.key') }), TsigKeyError);
      // A secret containing "//" (base64 allows it) is not a comment.
      const slashes = `${'a//b'.repeat(8)}`;
      await writeFile(file, `// a comment\nkey "k" { algorithm hmac-sha256; /* block */ secret "${slashes}"; }; # trailing\n`);
      assert.deepEqual(Buffer.from((await loadTsigKey({ file })).secret).toString('base64'), Buffer.from(slashes, 'base64').toString('base64'));
      const fromEnv = await loadTsigKey({ env: 'K', name: 'prescient-key' }, { K: SECRET });
      assert.deepEqual([fromEnv.name, fromEnv.algorithm], ['prescient-key', 'hmac-sha256']);
      await assert.rejects(loadTsigKey({ env: 'K' }, { K: SECRET }), /needs tsigKey.name/);
      await assert.rejects(loadTsigKey({ env: 'K', name: 'k' }, {}), /K \(TSIG key\) is not set/);
      await assert.rejects(loadTsigKey({ env: 'K', name: 'k' }, { K: 'c2hvcnQ=' }), /use at least 16/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prescient dns status prints records, last update and last error per zone', () => {
    const text = formatDnsStatus([
      {
        id: 'public',
        zone: 'mesh.test',
        server: '127.0.0.1:53',
        role: 'writer',
        records: { 'api.mesh.test': ['api.mesh.test. 30 IN A 10.0.0.1'] },
        pending: [],
        updates: 3,
        failures: 1,
        lastUpdateAt: 0,
        lastError: { code: 'PRESCIENT_DNS_UNREACHABLE', message: 'no answer', at: 1000 },
        keptDegraded: ['api.mesh.test: 10.0.0.1:80'],
      },
    ]);
    assert.match(text, /zone mesh.test \(DnsZone public\) on 127.0.0.1:53, writer/);
    assert.match(text, /last error PRESCIENT_DNS_UNREACHABLE at 1970-01-01T00:00:01.000Z: no answer/);
    assert.match(text, /kept although degraded \(never empty\): api.mesh.test: 10.0.0.1:80/);
    assert.match(text, /api.mesh.test +api.mesh.test. 30 IN A 10.0.0.1/);
    assert.equal(formatDnsStatus([]), 'no DnsZone is configured');
  });
});
