/**
 * Failover state shared between two replicas through a real redis-server (leases and state on
 * it, as `--redis-url` sets them up): the leader fails a killed primary over and the follower
 * serves the same demoted primaries at once; when the leader crashes (its lease left to expire),
 * the other replica resumes on the standby — no second failover, the slice never cleared during
 * the handover — and fails back itself after the primary returns, dwell and verification. An
 * operator's hold on the follower is adopted by the leader. Each replica has its own Redis
 * connection, decision board and audit trail.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { API_VERSION } from '../../../api/config.ts';
import { systemClock } from '../../../api/clock.ts';
import { RedisLeaseStore } from '../../../scorer/store/redis-lease-store.ts';
import { FailoverModule } from '../../../xds-server/app/failover-module.ts';
import { LeaseElection } from '../../../xds-server/app/lease-election.ts';
import { AuditLog } from '../../../xds-server/audit/audit-log.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { formatConfigError } from '../../../xds-server/config/errors.ts';
import { RedisFailoverStateStore } from '../../../xds-server/failover/failover-state-store.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { DecisionBoard } from '../../../xds-server/pipeline/decision-board.ts';
import { eventually } from '../../support/eventually.ts';
import { RedisServer } from '../../support/redis-server.ts';
import { yamlOf, type Doc } from '../config/builders.ts';

const LEASE_TTL_MS = 1000;

interface Replica {
  readonly name: string;
  readonly redis: Redis;
  readonly election: LeaseElection;
  readonly board: DecisionBoard;
  readonly audit: AuditLog;
  readonly module: FailoverModule;
}

describe('failover state shared between replicas (real redis-server)', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let primary: net.Server | undefined;
  let port: number;
  let replicas: Replica[] = [];

  const listen = async (p = 0) => {
    const s = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => s.listen(p, '127.0.0.1', r));
    return s;
  };
  const close = async () => {
    const s = primary;
    primary = undefined;
    if (s) await new Promise((r) => s.close(r));
  };

  function config() {
    const docs: Doc[] = [
      { apiVersion: API_VERSION, kind: 'Service', metadata: { name: 'greeter' }, spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port }, { address: '127.0.0.1', port: 1, priority: 1 }] } },
      { apiVersion: API_VERSION, kind: 'FailoverPolicy', metadata: { name: 'greeter' }, spec: { service: 'greeter', probeInterval: '50ms', probeTimeout: '200ms', dwell: '1s', verifyWindow: '500ms', healthyProbes: 3 } },
    ];
    const r = parseConfigText(yamlOf(...docs), 'mesh.yaml');
    assert.ok(r.ok, r.ok ? '' : r.errors.map(formatConfigError).join('\n'));
    return r.config;
  }

  function startReplica(name: string): Replica {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const election = new LeaseElection({ store: new RedisLeaseStore(client), holder: name, ttlMs: LEASE_TTL_MS, clock: systemClock, logger: silentLogger });
    const board = new DecisionBoard(() => undefined);
    const audit = new AuditLog({ clock: systemClock });
    const module = new FailoverModule({ publisher: board.publisher('failover'), clock: systemClock, logger: silentLogger, leadership: election.campaign('failover'), audit, replica: name, stateStore: new RedisFailoverStateStore(client) });
    module.onConfig(config());
    module.start();
    return { name, redis: client, election, board, audit, module };
  }

  const demoted = (r: Replica) => (r.board.decisions().get('failover')?.endpoints ?? []).map((e) => `${e.endpoint}@${e.priority}`);
  const state = (r: Replica) => (r.module.status().services[0] as { state: string }).state;
  const leads = (r: Replica) => r.module.status().leader;
  const transitions = (r: Replica) => r.audit.list({ action: 'failover.transition' }).map((e) => `${(e.before as any).state}→${(e.after as any).state}`);

  before(async () => {
    redis = await RedisServer.start();
    primary = await listen();
    port = (primary.address() as net.AddressInfo).port;
    replicas = [startReplica('replica-a'), startReplica('replica-b')];
  });

  after(async () => {
    for (const r of replicas) {
      r.module.stop();
      await r.election.stop();
      r.redis.disconnect();
    }
    await close();
    await redis?.dispose();
  });

  it('the follower serves the leader\'s failover; a new leader resumes it and fails back itself', async () => {
    await eventually(() => replicas.filter(leads).length === 1, 10_000, 20, 'one leader');
    const leader = replicas.find(leads)!;
    const follower = replicas.find((r) => r !== leader)!;

    await close();
    const want = [`127.0.0.1:${port}@2`];
    await eventually(() => demoted(leader).join() === want.join() && demoted(follower).join() === want.join(), 10_000, 20, 'both replicas demote the primary');
    assert.deepEqual(transitions(follower), [], 'the follower decided nothing: it adopted the leader\'s state');
    assert.ok(transitions(leader).includes('primary→failing-over'));
    // The crash below must come after the leader finished its failover and shared it: a crash in
    // the middle (state failing-over) is resumed by the new leader, which then, rightly, records
    // the rest of the transition as its own (the race this wait closes).
    await eventually(() => state(leader) === 'on-shadow' && state(follower) === 'on-shadow', 10_000, 20, 'the leader finished its failover and shared it');

    // The leader crashes: its lease is left to expire; the follower must resume, not start over.
    leader.module.stop();
    await leader.election.stop({ release: false });
    replicas = replicas.filter((r) => r !== leader);
    leader.redis.disconnect();
    let cleared = false;
    const watch = setInterval(() => {
      if (demoted(follower).length === 0) cleared = true;
    }, 10);
    try {
      await eventually(() => leads(follower), LEASE_TTL_MS * 5, 20, 'the follower leads');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(cleared, false, 'the standby kept the traffic through the handover');
      assert.equal(state(follower), 'on-shadow');
      assert.deepEqual(transitions(follower), [], 'resumed on the standby: no failover of its own');

      primary = await listen(port);
      await eventually(() => state(follower) === 'primary' && demoted(follower).length === 0, 15_000, 20, 'failback by the new leader');
      assert.deepEqual(transitions(follower), ['on-shadow→verifying', 'verifying→failing-back', 'failing-back→primary']);
    } finally {
      clearInterval(watch);
    }
  });

  it('an operator\'s hold on a follower is adopted by the leader', async () => {
    const leader = replicas[0]!;
    const follower = startReplica('replica-c');
    replicas.push(follower);
    await eventually(() => (follower.module.status().services[0] as any).sharedVersion > 0, 5000, 20, 'the new replica follows the shared state');
    assert.equal(leads(follower), false);
    const entry = await follower.module.hold('greeter', true);
    assert.equal(entry.action, 'failover.hold');
    await eventually(() => (leader.module.status().services[0] as any).held === true, 5000, 20, 'the leader holds too');
    await close();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(state(leader), 'primary', 'held: the leader does not fail over');
    assert.deepEqual(demoted(leader), []);
  });
});
