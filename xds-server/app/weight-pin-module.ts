/**
 * The undo of a scorer weight shift (`prescient audit revert ID` of a `weights.shift` entry):
 * pins every endpoint the entry names to its share before the shift, as weights (share × 100, at
 * least 1, so the split is the same), for `holdMs` (default 15 minutes) — then the scorer's
 * weights apply again. The pin is published as endpoint decisions of its own slice
 * (`weight-pins`), which the model applies over the scorer's weights and under WeightOverride
 * documents (they keep the last word). The pin is itself audited (`weights.pin`) and can be
 * reverted in turn, which removes it at once (`weights.unpin`).
 *
 * Pins live on the replica that reverted (like a failover hold): with several replicas, revert
 * through the one the clients that matter are connected to, or use a WeightOverride document.
 */
import type { Clock } from '../../api/clock.ts';
import type { EndpointDecision, SlicePublisher } from '../../api/decisions.ts';
import { AuditError, type AuditEntry, type AuditLog } from '../audit/audit-log.ts';
import type { PrescientModule } from './module.ts';

export const WEIGHT_PIN_SLICE = 'weight-pins';
export const DEFAULT_PIN_HOLD_MS = 15 * 60_000;

interface Pin {
  readonly weights: Record<string, number>;
  readonly expiresAt: number;
  readonly audit: string;
}

export interface WeightPinDeps {
  readonly publisher: SlicePublisher;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly replica: string;
  readonly holdMs?: number;
}

/** Weights with the same proportions as `shares` (percentages with one decimal). */
export function weightsForShares(shares: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(shares).map(([endpoint, share]) => [endpoint, Math.max(1, Math.round(share * 100))]));
}

function sharesOf(v: unknown): Record<string, number> | undefined {
  const shares = (v as { shares?: unknown } | undefined)?.shares;
  if (!shares || typeof shares !== 'object') return undefined;
  const entries = Object.entries(shares).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export class WeightPinModule implements PrescientModule {
  readonly name = 'weight-pins';
  private readonly pins = new Map<string, Pin>();

  constructor(private readonly deps: WeightPinDeps) {
    deps.audit.onRevert('weights.', (entry) => this.revert(entry));
  }

  start(): void {}

  stop(): void {}

  status() {
    const now = this.deps.clock.now();
    return { pins: [...this.pins].filter(([, p]) => p.expiresAt > now).map(([service, p]) => ({ service, ...p })) };
  }

  private revert(entry: AuditEntry): AuditEntry {
    const service = entry.subject;
    const actor = { module: 'operator', replica: this.deps.replica };
    if (entry.action === 'weights.pin') {
      const held = this.pins.get(service);
      this.pins.delete(service);
      this.publish();
      return this.deps.audit.append({
        actor,
        action: 'weights.unpin',
        subject: service,
        reason: `revert of audit entry ${entry.id}: the scorer's weights apply again`,
        evidence: {},
        before: held ? { pins: held.weights, expiresAt: held.expiresAt } : { pins: null },
        after: { pins: null },
        revertible: false,
        revertOf: entry.id,
      });
    }
    const before = sharesOf(entry.before);
    if (entry.action !== 'weights.shift' || !before) throw new AuditError('PRESCIENT_AUDIT_NOT_REVERTIBLE', `audit entry ${entry.id} (${entry.action}) names no earlier shares to pin`);
    const weights = weightsForShares(before);
    const expiresAt = this.deps.clock.now() + (this.deps.holdMs ?? DEFAULT_PIN_HOLD_MS);
    const pinned = this.deps.audit.append({
      actor,
      action: 'weights.pin',
      subject: service,
      reason: `revert of audit entry ${entry.id}: shares pinned to what they were before the shift until ${new Date(expiresAt).toISOString()}`,
      evidence: { shift: entry.id },
      before: entry.after,
      after: { shares: before, pins: weights, expiresAt },
      revertible: true,
      revertOf: entry.id,
    });
    this.pins.set(service, { weights, expiresAt, audit: pinned.id });
    this.publish();
    return pinned;
  }

  private publish(): void {
    const now = this.deps.clock.now();
    for (const [service, p] of this.pins) if (p.expiresAt <= now) this.pins.delete(service);
    const endpoints: EndpointDecision[] = [...this.pins].flatMap(([service, p]) => Object.entries(p.weights).map(([endpoint, weight]) => ({ service, endpoint, weight, expiresAt: p.expiresAt })));
    if (endpoints.length) this.deps.publisher.publish({ endpoints });
    else this.deps.publisher.clear();
  }
}
