/**
 * Two Prescient replicas sharing one real redis-server: one computes under the lease, both push
 * the same weights; the other takes over when the leader dies; a Redis restart loses no weights
 * at the clients.
 */
import assert from 'node:assert/strict';
import { SCORER_SLICE, type Decisions } from '../../api/decisions.ts';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { RedisServer } from '../support/redis-server.ts';
import { SteadyLoad } from '../support/steady-load.ts';
import { eventually } from '../support/eventually.ts';
import { EchoClient } from '../support/xds-channel.ts';
import { scoredMesh } from '../support/meshes.ts';

const LEASE_TTL_MS = 2000;

function weightsOf(d: Decisions): string {
  const w = d.get(SCORER_SLICE)?.weights?.get('scored')?.weights;
  return w ? JSON.stringify([...w].sort()) : '';
}

function share(d: Decisions, endpoint: string): number {
  const w = d.get(SCORER_SLICE)?.weights?.get('scored')?.weights;
  if (!w) return NaN;
  const total = [...w.values()].reduce((a, b) => a + b, 0);
  return (w.get(endpoint) ?? 0) / total;
}

describe('e2e: two replicas on one redis-server', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let backends: BackendServer[];
  let replicas: PrescientHarness[];
  let clients: EchoClient[];
  let load: SteadyLoad;

  before(async () => {
    redis = await RedisServer.start();
    backends = await startBackends(['s1', 's2', 's3']);
    replicas = [];
    for (const id of ['replica-a', 'replica-b']) {
      replicas.push(await PrescientHarness.start(scoredMesh(backends), { scorer: { redisUrl: redis.url, leaseTtlMs: LEASE_TTL_MS, replicaId: id }, lrsIntervalMs: 1000 }));
    }
    clients = replicas.map((r) => new EchoClient('xds:///scored', r.xdsPort));
    load = new SteadyLoad(clients);
    backends[0]!.faults.latencyMs = 200;
  });

  after(async () => {
    await load?.stop();
    for (const c of clients ?? []) c.close();
    for (const r of replicas ?? []) await r.stop().catch(() => undefined);
    await Promise.all((backends ?? []).map((b) => b.stop()));
    await redis?.dispose();
  });

  const slowEndpoint = () => backends[0]!.endpoint;
  const roles = async () => Promise.all(replicas.map(async (r) => (await r.adminJson('/debug/scorer')).role as string));

  it('elects exactly one leader and both replicas push identical weights', async () => {
    await eventually(async () => (await roles()).filter((r) => r === 'leader').length === 1, 10_000);
    await eventually(() => {
      const [a, b] = replicas.map((r) => r.prescient.currentDecisions());
      return weightsOf(a!) !== '' && weightsOf(a!) === weightsOf(b!) && share(a!, slowEndpoint()) < 0.1;
    }, 15_000);
  });

  it('hands computation to the other replica within the lease time when the leader dies', async () => {
    const leaderIndex = (await roles()).indexOf('leader');
    const leader = replicas[leaderIndex]!;
    const survivor = replicas[1 - leaderIndex]!;
    const diedAt = Date.now();
    await leader.prescient.stop({ releaseLease: false }); // a crash: the lease is left to expire
    const tookMs = await eventually(async () => (await survivor.adminJson('/debug/scorer')).role === 'leader', LEASE_TTL_MS * 3, 50);
    assert.ok(Date.now() - diedAt <= LEASE_TTL_MS + 1500, `takeover after ${tookMs} ms with a ${LEASE_TTL_MS} ms lease`);
    replicas = [survivor];
    // The survivor keeps computing: recovery of the slow server shows in its weights.
    backends[0]!.faults.latencyMs = 0;
    await eventually(() => share(survivor.prescient.currentDecisions(), slowEndpoint()) > 0.2, 60_000);
  });

  it('keeps serving the last weights through a Redis restart, then resumes', async () => {
    const survivor = replicas[0]!;
    backends[0]!.faults.latencyMs = 200;
    await eventually(() => share(survivor.prescient.currentDecisions(), slowEndpoint()) < 0.1, 20_000);
    const before = weightsOf(survivor.prescient.currentDecisions());

    await redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(weightsOf(survivor.prescient.currentDecisions()), before, 'weights changed while Redis was down');
    const during = await load.shareOver(1000, (k) => k === 's1');
    assert.ok(during.total > 0 && during.share < 0.1, `clients lost the weights during the outage: s1 share ${during.share}`);

    await redis.restart();
    await eventually(async () => {
      const s = await survivor.adminJson('/debug/scorer');
      return s.role === 'leader' && s.lastTickAt > Date.now() - 2000;
    }, 15_000);
    backends[0]!.faults.latencyMs = 0;
    await eventually(() => share(survivor.prescient.currentDecisions(), slowEndpoint()) > 0.2, 60_000);
  });
});
