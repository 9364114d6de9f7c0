/** The audit trail in a Redis stream (a real redis-server): two replicas write one trail, a new one reads it back. */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { AuditLog, type AuditDraft } from '../../../xds-server/audit/audit-log.ts';
import { RedisServer } from '../../support/redis-server.ts';

const draft = (subject: string): AuditDraft => ({ actor: { module: 'failover' }, action: 'failover.transition', subject, reason: 'test', evidence: {}, before: {}, after: {}, revertible: false });

describe('audit log in a Redis stream', function () {
  this.timeout(20_000);
  let redis: RedisServer;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  before(async () => (redis = await RedisServer.start()));
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.dispose();
  });

  it('merges the replicas\' entries in one trail with distinct ids, and a restarted replica continues its ids', async () => {
    const clock = new VirtualClock(1_000);
    const a = new AuditLog({ clock, redis: { client: client() }, idPrefix: 'a-' });
    const b = new AuditLog({ clock, redis: { client: client() }, idPrefix: 'b-' });
    await a.open();
    await b.open();
    a.append(draft('x'));
    await a.flush();
    // Each write flushed before the next: two replicas' concurrent writes land in arrival order,
    // which this test must not guess.
    b.append(draft('y'));
    await b.flush();
    a.append(draft('z'));
    await a.flush();
    assert.deepEqual((await b.query()).map((e) => [e.id, e.subject]), [['a-1', 'x'], ['b-1', 'y'], ['a-2', 'z']]);
    assert.deepEqual((await a.query({ subject: 'y' })).map((e) => e.id), ['b-1']);
    assert.deepEqual((await a.query({ limit: 1 })).map((e) => e.id), ['a-2']);
    const a2 = new AuditLog({ clock, redis: { client: client() }, idPrefix: 'a-' });
    await a2.open();
    assert.equal(a2.append(draft('w')).id, 'a-3');
    assert.equal(a2.list().length, 4, 'the trail is read back on open');
  });

  it('reverts another replica\'s entry, read from the stream', async () => {
    const clock = new VirtualClock(1_000);
    const key = 'test:audit:revert';
    const a = new AuditLog({ clock, redis: { client: client(), key }, idPrefix: 'a-' });
    const b = new AuditLog({ clock, redis: { client: client(), key }, idPrefix: 'b-' });
    await Promise.all([a.open(), b.open()]);
    const made = a.append({ ...draft('x'), revertible: true });
    await a.flush();
    b.onRevert('failover.', (e) => b.append({ ...draft(e.subject), actor: { module: 'operator' }, revertOf: e.id }));
    const undo = await b.revert(made.id);
    assert.deepEqual([undo.id, undo.revertOf], ['b-1', 'a-1']);
    await assert.rejects(b.revert('a-99'), /PRESCIENT_AUDIT_UNKNOWN/);
  });
});
