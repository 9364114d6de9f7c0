/** Weight shifts above the threshold and model swaps from the scorer's slice land in the audit trail. */
import assert from 'node:assert/strict';
import type { ServiceWeights } from '../../../api/decisions.ts';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { AuditLog } from '../../../xds-server/audit/audit-log.ts';
import { auditedWeightsPublisher } from '../../../xds-server/audit/audited-publishers.ts';
import { DecisionBoard } from '../../../xds-server/pipeline/decision-board.ts';

const weights = (w: Record<string, number>, modelVersion = 'm1'): Map<string, ServiceWeights> =>
  new Map([['greeter', { service: 'greeter', weights: new Map(Object.entries(w)), modelVersion, computedAt: 0 }]]);

describe('audited scorer publisher', () => {
  it('audits shifts of at least the threshold and model swaps, and still publishes every slice', () => {
    const board = new DecisionBoard(() => undefined);
    const audit = new AuditLog({ clock: new VirtualClock(0) });
    const p = auditedWeightsPublisher(board.publisher('scorer'), audit, { minShiftPoints: 20, replica: 'r1' });
    p.publish({ weights: weights({ a: 100, b: 100 }) });
    p.publish({ weights: weights({ a: 110, b: 100 }) });
    assert.deepEqual(audit.list(), [], 'a 2.4-point move is below the threshold');
    p.publish({ weights: weights({ a: 300, b: 100 }) });
    const [shift] = audit.list();
    assert.equal(shift!.action, 'weights.shift');
    assert.deepEqual([shift!.subject, shift!.evidence.endpoint, shift!.before, shift!.after], ['greeter', 'a', { shares: { a: 52.4, b: 47.6 } }, { shares: { a: 75, b: 25 } }]);
    p.publish({ weights: weights({ a: 300, b: 100 }, 'm2') });
    assert.deepEqual(audit.list({ action: 'model.' }).map((e) => [e.before, e.after]), [[{ modelVersion: 'm1' }, { modelVersion: 'm2' }]]);
    assert.equal(board.decisions().get('scorer')!.weights!.get('greeter')!.modelVersion, 'm2');
  });
});
