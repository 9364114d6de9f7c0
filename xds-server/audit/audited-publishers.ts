/**
 * Audit entries for automated actions that arrive as decision slices (issue 10 §6): a scorer
 * publish that moves some endpoint's share of its service by at least `minShiftPoints`
 * percentage points (`weights.shift`), and one that changes the model version (`model.swap`).
 * A wrapper around the scorer's one publisher, so the scorer knows nothing of auditing. Shares
 * are taken over the endpoints each publish names; the first publish is the baseline.
 */
import type { SlicePublisher, DecisionSlice, ServiceWeights } from '../../api/decisions.ts';
import type { AuditLog } from './audit-log.ts';

function shares(w: ServiceWeights): Record<string, number> {
  const total = [...w.weights.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries([...w.weights].map(([e, v]) => [e, total ? Math.round((1000 * v) / total) / 10 : 0]));
}

export function auditedWeightsPublisher(inner: SlicePublisher, audit: AuditLog, o: { minShiftPoints: number; replica: string }): SlicePublisher {
  const previous = new Map<string, Record<string, number>>();
  let model: string | undefined;
  return {
    owner: inner.owner,
    publish(slice: DecisionSlice) {
      for (const [service, w] of slice.weights ?? []) {
        const after = shares(w);
        const before = previous.get(service);
        previous.set(service, after);
        if (!before) continue;
        const moves = Object.keys({ ...before, ...after }).map((e) => ({ endpoint: e, points: Math.abs((after[e] ?? 0) - (before[e] ?? 0)) }));
        const biggest = moves.reduce((a, b) => (b.points > a.points ? b : a), { endpoint: '', points: 0 });
        if (biggest.points < o.minShiftPoints) continue;
        audit.append({
          actor: { module: inner.owner, replica: o.replica },
          action: 'weights.shift',
          subject: service,
          reason: `${biggest.endpoint}'s share moved ${Math.round(biggest.points * 10) / 10} points (threshold ${o.minShiftPoints})`,
          evidence: { endpoint: biggest.endpoint, points: Math.round(biggest.points * 10) / 10, ...(w.modelVersion !== undefined && { modelVersion: w.modelVersion }), computedAt: w.computedAt },
          before: { shares: before },
          after: { shares: after },
          // `audit revert` pins the shares before (xds-server/app/weight-pin-module.ts).
          revertible: true,
        });
      }
      const version = [...(slice.weights?.values() ?? [])].find((w) => w.modelVersion !== undefined)?.modelVersion;
      if (version !== undefined && model !== undefined && version !== model) {
        audit.append({
          actor: { module: inner.owner, replica: o.replica },
          action: 'model.swap',
          subject: inner.owner,
          reason: 'weights now come from another forecast model version',
          evidence: {},
          before: { modelVersion: model },
          after: { modelVersion: version },
          revertible: false,
        });
      }
      if (version !== undefined) model = version;
      inner.publish(slice);
    },
    clear() {
      previous.clear();
      inner.clear();
    },
  };
}
