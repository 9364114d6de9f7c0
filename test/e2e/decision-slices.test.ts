/**
 * Two decision producers at once (issue 6): the scorer's weights slice and a test slice that
 * demotes one endpoint to EDS priority 1 both reach real @grpc/grpc-js-xds clients, and neither
 * overwrites the other across scorer ticks and a config reload.
 */
import assert from 'node:assert/strict';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { eventually } from '../support/eventually.ts';
import { scoredMesh } from '../support/meshes.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { SteadyLoad } from '../support/steady-load.ts';
import { EchoClient } from '../support/xds-channel.ts';

describe('e2e: decision slices from two producers', function () {
  this.timeout(120_000);
  let backends: BackendServer[];
  let h: PrescientHarness;
  let clients: EchoClient[];
  let load: SteadyLoad;

  before(async () => {
    backends = await startBackends(['s1', 's2', 's3']);
    h = await PrescientHarness.start(scoredMesh(backends), { scorer: { retrain: false }, lrsIntervalMs: 1000 });
    clients = [new EchoClient('xds:///scored', h.xdsPort), new EchoClient('xds:///scored', h.xdsPort)];
    load = new SteadyLoad(clients);
  });

  after(async () => {
    await load?.stop();
    for (const c of clients ?? []) c.close();
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  const scorerWeights = () => h.prescient.currentDecisions().get('scorer')?.weights?.get('scored')?.weights;
  const shareOf = (id: string) => load.shareOver(1000, (k) => k === id);

  it('applies the test slice (priority) and the scorer slice (weights) together, across ticks and a reload', async () => {
    const s3 = backends[2]!;
    const failover = h.prescient.decisionPublisher('failover-test');
    failover.publish({
      endpoints: [{ service: 'scored', endpoint: `127.0.0.1:${s3.port}`, priority: 1 }],
    });
    await eventually(() => scorerWeights() !== undefined, 20_000);
    // s3 is demoted: the two priority-0 endpoints take every call.
    await eventually(async () => (await shareOf('s3')).share === 0, 10_000, 0);

    // The scorer's weights still reach the clients: slow s1 and it loses its share to s2.
    backends[0]!.faults.latencyMs = 200;
    // Speed is the closed-loop test's to prove; here only that both slices act together.
    await eventually(async () => (await shareOf('s1')).share < 0.1, 30_000, 0);
    const { share: s3Share, total } = await shareOf('s3');
    assert.ok(total > 20, `calls were made (${total})`);
    assert.equal(s3Share, 0, 'the demoted endpoint stays out across scorer ticks');
    backends[0]!.faults.latencyMs = 0;

    // A config reload (same mesh, one more document) rebuilds the model from both slices.
    const ticksBefore = h.prescient.currentModel().now;
    await h.writeConfig([...scoredMesh(backends), { kind: 'Service', name: 'extra', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: s3.port }] } }]);
    await eventually(() => h.prescient.config.services.has('extra'), 10_000);
    await h.prescient.settled();
    const cluster = h.prescient.currentModel().clusters.get('scored')!;
    assert.ok(h.prescient.currentModel().now > ticksBefore);
    assert.equal(cluster.endpoints.find((e) => e.port === s3.port)!.priority, 1, 'priority survives the reload');
    assert.ok(cluster.endpoints.some((e) => e.scorerWeight !== undefined), 'scorer weights survive the reload');
    assert.equal((await shareOf('s3')).share, 0);

    // Clearing the test slice brings s3 back; the scorer's slice is untouched by it.
    failover.clear();
    await eventually(async () => (await shareOf('s3')).share > 0.1, 10_000, 0);
    assert.ok(scorerWeights(), 'the scorer slice is still there');
  });

  it('refuses a second producer for a slice that already has one', () => {
    assert.throws(() => h.prescient.decisionPublisher('scorer'), { code: 'PRESCIENT_DECISION_OWNER' });
  });
});
