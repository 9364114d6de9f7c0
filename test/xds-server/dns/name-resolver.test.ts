/**
 * Host-name endpoints resolved by Prescient itself, through a real BIND 9 serving the names:
 * two addresses, a changed record picked up on the TTL, the last good answer kept (and reported)
 * while the server is down.
 */
import assert from 'node:assert/strict';
import { DnsClient } from '../../../xds-server/dns/dns-client.ts';
import { NameResolver, type NameResolverClock } from '../../../xds-server/dns/name-resolver.ts';
import { loadTsigKey } from '../../../xds-server/dns/tsig-key.ts';
import type { UpdateOperation } from '../../../xds-server/dns/update-message.ts';
import { sendUpdate } from '../../../xds-server/dns/zone-operations.ts';
import { BindServer } from '../../support/bind-server.ts';
import { eventually } from '../../support/eventually.ts';

const clock: NameResolverClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

describe('NameResolver against a real BIND 9', function () {
  this.timeout(30_000);
  let bind: BindServer;
  let resolver: NameResolver | undefined;
  let changes = 0;

  async function update(operations: UpdateOperation[]) {
    const client = new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, key: await loadTsigKey({ file: bind.keyFile }) });
    assert.deepEqual(await sendUpdate(client, { zone: bind.zone, prerequisites: [], operations }), { kind: 'applied' });
  }

  before(async () => {
    bind = await BindServer.start();
    await update([
      { kind: 'add', name: 'backend.mesh.test', ttl: 1, record: { type: 'A', address: '127.0.0.1' } },
      { kind: 'add', name: 'backend.mesh.test', ttl: 1, record: { type: 'A', address: '127.0.0.2' } },
      { kind: 'add', name: 'v6.mesh.test', ttl: 60, record: { type: 'AAAA', address: '::1' } },
    ]);
  });
  after(async () => {
    resolver?.stop();
    await bind?.dispose();
  });

  it('resolves to every address, follows a changed record on its TTL, and keeps the last answer through an outage', async () => {
    resolver = new NameResolver({ clock, servers: [`127.0.0.1:${bind.port}`], onChange: () => changes++, minRefreshMs: 200, retryMs: 200, timeoutMs: 300 });
    resolver.setNames(['backend.mesh.test', 'v6.mesh.test.', '10.0.0.1']);
    resolver.start();
    await eventually(() => resolver!.get('backend.mesh.test')?.addresses.length === 2, 5000);
    assert.deepEqual(resolver.get('backend.mesh.test')!.addresses, ['127.0.0.1', '127.0.0.2']);
    assert.equal(resolver.get('backend.mesh.test')!.ttlSeconds, 1);
    await eventually(() => resolver!.get('v6.mesh.test')?.addresses.length === 1, 5000);
    assert.deepEqual(resolver.get('v6.mesh.test')!.addresses, ['::1']);
    assert.equal(resolver.get('10.0.0.1'), undefined, 'IP addresses need no resolution');

    await update([{ kind: 'delete-record', name: 'backend.mesh.test', record: { type: 'A', address: '127.0.0.1' } }]);
    const seenBefore = changes;
    // Re-resolved on the 1 s TTL, not the 300 s ceiling.
    const took = await eventually(() => resolver!.get('backend.mesh.test')!.addresses.join() === '127.0.0.2', 10_000, 50);
    assert.ok(took <= 6000, `a changed record reached the resolver after ${took} ms (TTL 1 s)`);
    assert.ok(changes > seenBefore);

    await bind.stop();
    await eventually(() => resolver!.get('backend.mesh.test')!.lastError !== undefined, 5000);
    const r = resolver.get('backend.mesh.test')!;
    assert.deepEqual(r.addresses, ['127.0.0.2'], 'the last good answer stays');
    assert.equal(r.lastError!.code, 'PRESCIENT_DNS_RESOLVE');
    assert.match(r.lastError!.message, /keeping the last answer \(127\.0\.0\.2\)/);
    await bind.restart();
  });
});
