/**
 * Leadership per module key (api/leadership.ts): among replicas sharing a lease store, exactly
 * one leads each key, keys are independent, and a leader that stops hands its key over.
 */
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { silentLog } from '../../../api/logger.ts';
import { MemoryLeaseStore } from '../../../scorer/store/memory-lease-store.ts';
import { LeaseElection } from '../../../xds-server/app/lease-election.ts';
import { eventually } from '../../support/eventually.ts';
import { PrescientHarness, type DocSpec } from '../../support/prescient-harness.ts';
import { RedisServer } from '../../support/redis-server.ts';

describe('leader election per module key', function () {
  this.timeout(30_000);

  it('gives each key to exactly one replica, independently, and hands it over when the leader stops', async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryLeaseStore(() => clock.now());
    const r1 = new LeaseElection({ store, holder: 'r1', ttlMs: 3000, clock, logger: silentLog });
    const r2 = new LeaseElection({ store, holder: 'r2', ttlMs: 3000, clock, logger: silentLog });
    const changes: string[] = [];
    const dns = [r1.campaign('dns'), r2.campaign('dns')];
    dns[1]!.onChange((leader) => changes.push(`r2:${leader}`));
    await clock.advance(100);
    const failover = [r2.campaign('failover'), r1.campaign('failover')];
    await clock.advance(100);
    assert.deepEqual(dns.map((l) => l.isLeader()), [true, false], 'r1 campaigned for dns first');
    assert.deepEqual(failover.map((l) => l.isLeader()), [true, false], 'r2 campaigned for failover first: keys are independent');
    assert.equal(r1.campaign('dns'), dns[0], 'one Leadership per key');

    await r1.stop();
    await clock.advance(2000);
    assert.equal(dns[1]!.isLeader(), true, 'r2 takes dns once r1 released it');
    assert.deepEqual(changes, ['r2:true']);
    assert.ok(dns[1]!.current()!.token > 1, 'the fencing token grew');
    await r2.stop();
  });

  it('elects across two real servers sharing a redis-server, and fails over within the lease time', async () => {
    const redis = await RedisServer.start();
    const docs: DocSpec[] = [{ kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 50051 }] } }];
    const opts = (replicaId: string) => ({ scorer: { redisUrl: redis.url, replicaId, leaseTtlMs: 1500, retrain: false as const } });
    const a = await PrescientHarness.start(docs, opts('a'));
    const b = await PrescientHarness.start(docs, opts('b'));
    try {
      const la = a.prescient.leadership('dns');
      const lb = b.prescient.leadership('dns');
      await eventually(() => la.isLeader() !== lb.isLeader(), 10_000);
      const [follower, leaderHarness] = la.isLeader() ? [lb, a] : [la, b];
      await leaderHarness.prescient.stop({ releaseLease: false });
      const stoppedAt = Date.now();
      await eventually(() => follower.isLeader(), 10_000);
      assert.ok(Date.now() - stoppedAt < 4000, `took over within about the lease time (${Date.now() - stoppedAt} ms)`);
    } finally {
      await a.prescient.stop().catch(() => undefined);
      await b.prescient.stop().catch(() => undefined);
      await a.stop().catch(() => undefined);
      await b.stop().catch(() => undefined);
      await redis.stop();
    }
  });
});
