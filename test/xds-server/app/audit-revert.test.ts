/**
 * `audit revert` beyond failover, through a running Prescient's admin API: a weight shift above
 * the audit threshold is undone by pinning the shares before it (the model serves them over the
 * shifted weights), the pin is audited and reverting it lets the shifted weights apply again;
 * entries that cannot be undone answer 409 with their code.
 */
import assert from 'node:assert/strict';
import { auditedWeightsPublisher } from '../../../xds-server/audit/audited-publishers.ts';
import { eventually } from '../../support/eventually.ts';
import { PrescientHarness } from '../../support/prescient-harness.ts';

describe('audit revert of a weight shift (admin API, in-process Prescient)', function () {
  this.timeout(30_000);
  let h: PrescientHarness;

  before(async () => {
    h = await PrescientHarness.start([
      { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 50051 }, { address: '127.0.0.1', port: 50052 }] } },
    ]);
  });

  after(async () => {
    await h?.stop();
  });

  const revert = async (id: string) => {
    const res = await fetch(`http://127.0.0.1:${h.prescient.adminPort}/v1/audit/revert?id=${encodeURIComponent(id)}`, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as any };
  };
  const weights = () => h.prescient.currentModel().clusters.get('greeter')!.endpoints.map((e) => e.weight);
  const weightsFrom = (w: Record<string, number>) => ({ weights: new Map([['greeter', { service: 'greeter', computedAt: 0, weights: new Map(Object.entries(w)) }]]) });

  it('pins the shares before the shift, audited; reverting the pin lets the scorer\'s weights apply again', async () => {
    const scorer = auditedWeightsPublisher(h.prescient.decisionPublisher('scorer-like'), h.prescient.audit, { minShiftPoints: 20, replica: 'test' });
    scorer.publish(weightsFrom({ '127.0.0.1:50051': 100, '127.0.0.1:50052': 300 }));
    scorer.publish(weightsFrom({ '127.0.0.1:50051': 900, '127.0.0.1:50052': 100 }));
    await eventually(() => weights()[0] === 900, 5000, 20, 'the shift is served');
    const shift = h.prescient.audit.list({ action: 'weights.shift' }).at(-1)!;
    assert.deepEqual([shift.revertible, shift.before, shift.after], [true, { shares: { '127.0.0.1:50051': 25, '127.0.0.1:50052': 75 } }, { shares: { '127.0.0.1:50051': 90, '127.0.0.1:50052': 10 } }]);

    const pinned = await revert(shift.id);
    assert.equal(pinned.status, 200);
    assert.deepEqual([pinned.body.entry.action, pinned.body.entry.revertOf, pinned.body.entry.actor.module, pinned.body.entry.revertible], ['weights.pin', shift.id, 'operator', true]);
    assert.deepEqual(pinned.body.entry.after.pins, { '127.0.0.1:50051': 2500, '127.0.0.1:50052': 7500 });
    await eventually(() => weights().join() === '2500,7500', 5000, 20, 'the pin is served: 25% / 75% again');
    const cluster = h.prescient.currentModel().clusters.get('greeter')!;
    assert.deepEqual(cluster.endpoints.map((e) => e.scorerWeight), [900, 100], 'the scorer\'s weights are still there, under the pin');

    const unpinned = await revert(pinned.body.entry.id);
    assert.equal(unpinned.status, 200);
    assert.deepEqual([unpinned.body.entry.action, unpinned.body.entry.revertOf, unpinned.body.entry.revertible], ['weights.unpin', pinned.body.entry.id, false]);
    await eventually(() => weights().join() === '900,100', 5000, 20, 'the shifted weights apply again');

    const refused = await revert(unpinned.body.entry.id);
    assert.deepEqual([refused.status, refused.body.code], [409, 'PRESCIENT_AUDIT_NOT_REVERTIBLE']);
    assert.deepEqual((await revert('nope')).status, 404);
  });
});
