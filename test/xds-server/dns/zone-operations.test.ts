/**
 * The TSIG signer, UPDATE encoder and client against a real BIND 9: what BIND accepts, what `dig`
 * then sees, and what BIND refuses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DnsClient, DnsTransportError } from '../../../xds-server/dns/dns-client.ts';
import { encodeQuery, encodeUpdate, type UpdateOperation } from '../../../xds-server/dns/update-message.ts';
import { loadTsigKey } from '../../../xds-server/dns/tsig-key.ts';
import { signMessage, verifyResponse, type TsigKey } from '../../../xds-server/dns/tsig.ts';
import { readRecordSet, sendUpdate } from '../../../xds-server/dns/zone-operations.ts';
import { BindServer } from '../../support/bind-server.ts';
import { freePort } from '../../support/free-port.ts';

describe('DNS updates against a real BIND 9', function () {
  this.timeout(30_000);
  let bind: BindServer;
  let key: TsigKey;
  const client = (k: TsigKey | null = key) => new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, key: k ?? undefined, timeoutMs: 1000, attempts: 2, backoffMs: 50 });

  before(async () => {
    bind = await BindServer.start();
    key = await loadTsigKey({ file: bind.keyFile });
  });
  after(async () => bind?.dispose());

  it('publishes A, AAAA and SRV records that dig sees, with the TSIG on the answer verified', async () => {
    const outcome = await sendUpdate(client(), {
      zone: bind.zone,
      prerequisites: [{ kind: 'rrset-absent', name: 'api.mesh.test', type: 'A' }],
      operations: [
        { kind: 'add', name: 'api.mesh.test', ttl: 30, record: { type: 'A', address: '127.0.0.1' } },
        { kind: 'add', name: 'api.mesh.test', ttl: 30, record: { type: 'A', address: '127.0.0.2' } },
        { kind: 'add', name: 'api.mesh.test', ttl: 30, record: { type: 'AAAA', address: '::1' } },
        { kind: 'add', name: '_grpc._tcp.api.mesh.test', ttl: 30, record: { type: 'SRV', priority: 0, weight: 70, port: 50051, target: 'api.mesh.test' } },
      ],
    });
    assert.deepEqual(outcome, { kind: 'applied' });
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), ['127.0.0.1', '127.0.0.2']);
    assert.deepEqual(await bind.dig('api.mesh.test', 'AAAA'), ['::1']);
    assert.deepEqual(await bind.dig('_grpc._tcp.api.mesh.test', 'SRV'), ['0 70 50051 api.mesh.test.']);
    const read = await readRecordSet(client(), 'api.mesh.test', 'A');
    assert.equal(read.ttl, 30);
    assert.deepEqual(read.records.map((r) => (r.type === 'A' ? r.address : '')).sort(), ['127.0.0.1', '127.0.0.2']);
  });

  it('deletes single records (class NONE) only when the prerequisite set matches', async () => {
    const stale = await sendUpdate(client(), {
      zone: bind.zone,
      prerequisites: [{ kind: 'rrset-equals', set: { name: 'api.mesh.test', type: 'A', ttl: 30, records: [{ type: 'A', address: '127.0.0.9' }] } }],
      operations: [{ kind: 'delete-record', name: 'api.mesh.test', record: { type: 'A', address: '127.0.0.1' } }],
    });
    assert.deepEqual(stale, { kind: 'conflict', rcode: 'NXRRSET' });
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), ['127.0.0.1', '127.0.0.2']);
    const current = await readRecordSet(client(), 'api.mesh.test', 'A');
    const applied = await sendUpdate(client(), {
      zone: bind.zone,
      prerequisites: [{ kind: 'rrset-equals', set: current }],
      operations: [{ kind: 'delete-record', name: 'api.mesh.test', record: { type: 'A', address: '127.0.0.1' } }],
    });
    assert.deepEqual(applied, { kind: 'applied' });
    assert.deepEqual(await bind.dig('api.mesh.test', 'A'), ['127.0.0.2']);
  });

  it('replaces a whole record set atomically (class ANY delete, then add)', async () => {
    const outcome = await sendUpdate(client(), {
      zone: bind.zone,
      prerequisites: [],
      operations: [
        { kind: 'delete-rrset', name: '_grpc._tcp.api.mesh.test', type: 'SRV' },
        { kind: 'add', name: '_grpc._tcp.api.mesh.test', ttl: 10, record: { type: 'SRV', priority: 0, weight: 1, port: 50052, target: 'b.mesh.test' } },
      ],
    });
    assert.deepEqual(outcome, { kind: 'applied' });
    assert.deepEqual(await bind.dig('_grpc._tcp.api.mesh.test', 'SRV'), ['0 1 50052 b.mesh.test.']);
  });

  it('reports an update signed with the wrong key as refused, and BIND keeps its data', async () => {
    const wrong: TsigKey = { ...key, secret: new Uint8Array(randomBytes(32)) };
    const outcome = await sendUpdate(client(wrong), {
      zone: bind.zone,
      prerequisites: [],
      operations: [{ kind: 'add', name: 'evil.mesh.test', ttl: 30, record: { type: 'A', address: '10.6.6.6' } }],
    });
    assert.equal(outcome.kind, 'refused');
    assert.equal(outcome.kind === 'refused' && outcome.rcode, 'NOTAUTH');
    assert.match(outcome.kind === 'refused' ? outcome.detail : '', /BADSIG/);
    assert.deepEqual(await bind.dig('evil.mesh.test', 'A'), []);
  });

  it('reports an unsigned update as refused', async () => {
    const outcome = await sendUpdate(client(null), {
      zone: bind.zone,
      prerequisites: [],
      operations: [{ kind: 'add', name: 'evil.mesh.test', ttl: 30, record: { type: 'A', address: '10.6.6.6' } }],
    });
    assert.deepEqual(outcome.kind === 'refused' && outcome.rcode, 'REFUSED');
  });

  it('sends updates larger than a UDP message over TCP', async () => {
    const operations: UpdateOperation[] = Array.from({ length: 60 }, (_, i) => ({ kind: 'add', name: 'big.mesh.test', ttl: 30, record: { type: 'A', address: `10.0.0.${i}` } }));
    const x = await client().exchange((id) => encodeUpdate(id, { zone: bind.zone, prerequisites: [], operations }));
    assert.equal(x.transport, 'tcp');
    assert.deepEqual(x.tsig, { ok: true });
    assert.equal((await bind.dig('big.mesh.test', 'A')).length, 60);
  });

  it('rejects an answer whose TSIG does not verify: tampered bytes, another request MAC, a clock off by more than the fudge', async () => {
    let mac: Uint8Array = new Uint8Array();
    const c = new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, timeoutMs: 1000 });
    const x = await c.exchange((id) => {
      const signed = signMessage(encodeQuery(id, 'api.mesh.test', 'A'), key, Date.now() / 1000);
      mac = signed.mac;
      return signed.bytes;
    });
    const answer = x.response.bytes;
    assert.deepEqual(verifyResponse(answer, key, mac, Date.now() / 1000), { ok: true });
    const tampered = answer.slice();
    tampered[x.response.answers[0]!.rdataStart + 3] ^= 1;
    assert.deepEqual(verifyResponse(tampered, key, mac, Date.now() / 1000), { ok: false, reason: 'bad-mac', detail: 'the response MAC does not verify with the key' });
    assert.equal(verifyResponse(answer, key, mac.map((b) => b ^ 1), Date.now() / 1000).ok, false);
    const late = verifyResponse(answer, key, mac, Date.now() / 1000 + 301);
    assert.equal(!late.ok && late.reason, 'bad-time');
  });

  it('retries with backoff and then reports a server that does not answer', async () => {
    const sleeps: number[] = [];
    const dead = new DnsClient({ server: { address: '127.0.0.1', port: await freePort() }, key, timeoutMs: 200, attempts: 3, backoffMs: 40, sleep: async (ms) => void sleeps.push(ms) });
    await assert.rejects(readRecordSet(dead, 'api.mesh.test', 'A'), DnsTransportError);
    assert.deepEqual(sleeps, [40, 80]);
  });
});

