/**
 * Failover state shared by two running Prescient replicas on one real redis-server (leases,
 * audit stream and failover state on it), with real grpc-js-xds clients on each: when the primary
 * server dies the `failover` leader fails over and the follower serves the same decision (its
 * model demotes the primary too); when the leader crashes (lease left to expire) the survivor
 * resumes on the standby — no failover of its own — and fails back itself, after verification,
 * once the primary returns, and its client follows. (Calls during the kill itself are the
 * subject of failover.test.ts.)
 */
import assert from 'node:assert/strict';
import { BackendServer, startBackends } from '../support/backend-servers.ts';
import { errorsIn, spreadCalls } from '../support/call-tally.ts';
import { eventually } from '../support/eventually.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { RedisServer } from '../support/redis-server.ts';
import { EchoClient } from '../support/xds-channel.ts';

const LEASE_TTL_MS = 1000;

describe('e2e: failover state shared by two replicas (real redis-server)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let primary: BackendServer;
  let standby: BackendServer;
  let primaryPort: number;
  let replicas: PrescientHarness[] = [];
  let clients: EchoClient[] = [];

  const docs = (): DocSpec[] => [
    { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: primaryPort }, { address: '127.0.0.1', port: standby.port, priority: 1 }] } },
    { kind: 'FailoverPolicy', name: 'greeter', spec: { service: 'greeter', probeInterval: '100ms', probeTimeout: '300ms', dwell: '1s', verifyWindow: '1s', healthyProbes: 3 } },
  ];

  before(async () => {
    redis = await RedisServer.start();
    [primary, standby] = (await startBackends(['primary', 'standby'])) as [BackendServer, BackendServer];
    primaryPort = primary.port;
    for (const id of ['replica-a', 'replica-b']) {
      replicas.push(await PrescientHarness.start(docs(), { scorer: { redisUrl: redis.url, leaseTtlMs: LEASE_TTL_MS, replicaId: id, retrain: false } }));
    }
    clients = replicas.map((r) => new EchoClient('xds:///greeter', r.xdsPort));
  });

  after(async () => {
    for (const c of clients) c.close();
    for (const r of replicas) await r.stop().catch(() => undefined);
    await Promise.all([primary?.stop(), standby?.stop()]);
    await redis?.dispose();
  });

  const failover = async (r: PrescientHarness) => (await r.adminJson('/debug/failover')) as { leader: boolean; services: { state: string; sharedVersion?: number }[] };
  const primaryPriority = (r: PrescientHarness) => r.prescient.currentModel().clusters.get('greeter')!.endpoints.find((e) => e.port === primaryPort)!.priority;
  const transitionsBy = async (r: PrescientHarness, replica: string) =>
    ((await r.adminJson('/debug/audit?action=failover.transition')).entries as any[]).filter((e) => e.actor.replica === replica).map((e) => `${e.before.state}→${e.after.state}`);
  /** 40 calls, every one answered by `id`. */
  const allOk = async (c: EchoClient, id: string) => {
    const counts = await spreadCalls(c, 40, 4);
    return errorsIn(counts).length === 0 && counts.get(id) === 40;
  };

  it('the follower serves the leader\'s failover; the survivor of a leader crash resumes and fails back itself', async () => {
    for (const c of clients) await eventually(() => allOk(c, 'primary'), 15_000, 100, 'clients on the primary');
    let leaderIndex = -1;
    await eventually(async () => {
      const leads = await Promise.all(replicas.map(async (r) => (await failover(r)).leader));
      leaderIndex = leads.indexOf(true);
      return leads.filter(Boolean).length === 1;
    }, 10_000, 100, 'one failover leader');
    const leader = replicas[leaderIndex]!;
    const survivor = replicas[1 - leaderIndex]!;
    const survivorId = leaderIndex === 0 ? 'replica-b' : 'replica-a';

    await primary.stop();
    await eventually(async () => (await failover(leader)).services[0]!.state === 'on-shadow' && (await failover(survivor)).services[0]!.state === 'on-shadow', 10_000, 50, 'both replicas on the standby');
    assert.equal(primaryPriority(survivor), 2, 'the follower\'s model demotes the primary as the leader decided');
    for (const c of clients) await eventually(() => allOk(c, 'standby'), 10_000, 100, 'clients on the standby');

    await leader.prescient.stop({ releaseLease: false }); // a crash: the lease is left to expire
    replicas = [survivor];
    clients[leaderIndex]!.close();
    const client = clients[1 - leaderIndex]!;
    await eventually(async () => (await failover(survivor)).leader, LEASE_TTL_MS * 5, 50, 'the survivor leads');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await failover(survivor)).services[0]!.state, 'on-shadow', 'resumed on the standby, not restarted at primary');
    assert.deepEqual(await transitionsBy(survivor, survivorId), [], 'no failover of its own');
    assert.ok(await allOk(client, 'standby'));

    primary = new BackendServer('primary');
    await primary.start(primaryPort);
    await eventually(async () => (await failover(survivor)).services[0]!.state === 'primary', 15_000, 50, 'failback by the survivor');
    assert.deepEqual(await transitionsBy(survivor, survivorId), ['on-shadow→verifying', 'verifying→failing-back', 'failing-back→primary']);
    await eventually(() => allOk(client, 'primary'), 10_000, 100, 'the client back on the primary');
  });
});
