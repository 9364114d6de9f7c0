/**
 * Mirror rules as a module of the root (DESIGN §6): on every accepted config it turns the
 * MirrorRule documents into the `mirrors` decision slice (mirror/mirror-rules.ts, pure) and
 * publishes it through its one publisher; the model resolves the mirrors onto route rules and
 * translate renders them for Envoy. ShadowNetwork documents add a shadow cluster `<service>-shadow`
 * (clusters slice) and the mirror that feeds it (mirror/shadow-networks.ts). Its status, /debug/mirrors and `prescient mirror list` show
 * each rule with the clients carrying it and the load each target receives.
 */
import type { MeshConfig } from '../../api/config.ts';
import type { SlicePublisher } from '../../api/decisions.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import { mirrorPlan, type MirrorPlan } from '../../mirror/mirror-rules.ts';
import { shadowPlan, type ShadowPlan } from '../../mirror/shadow-networks.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../log.ts';
import { mirrorCoverage, rulesNotApplied } from '../mirror/mirror-coverage.ts';
import { createMirrorMetrics, type MirrorMetrics } from '../mirror/metrics.ts';
import type { ClientStatus } from '../transport/client-status.ts';
import type { PrescientModule } from './module.ts';

/** The decision slice owner. */
export const MIRROR_SLICE = 'mirror';

export interface MirrorModuleDeps {
  readonly publisher: SlicePublisher;
  readonly model: () => MeshModel;
  readonly clients: () => ClientStatus[];
  readonly logger: Logger;
  /** Where activations and changes of mirroring are recorded. */
  readonly audit?: AuditLog;
  readonly replica?: string;
}

export class MirrorModule implements PrescientModule {
  readonly name = 'mirror';
  readonly metrics: MirrorMetrics;
  private plan: MirrorPlan = { decisions: [], targets: [], rules: [] };
  private shadow: ShadowPlan = { clusters: [], mirrors: [], shadows: [] };

  constructor(private readonly deps: MirrorModuleDeps) {
    this.metrics = createMirrorMetrics(() => ({
      rules: this.plan.rules.filter((r) => r.enabled).length,
      notApplied: rulesNotApplied(this.coverage()),
    }));
  }

  onConfig(config: MeshConfig): void {
    const plan = mirrorPlan(config);
    const shadow = shadowPlan(config);
    const slice = { mirrors: [...plan.decisions, ...shadow.mirrors], clusters: shadow.clusters, ...(shadow.shadowViews && { shadowViews: shadow.shadowViews }) };
    const previous = { mirrors: [...this.plan.decisions, ...this.shadow.mirrors], clusters: this.shadow.clusters, ...(this.shadow.shadowViews && { shadowViews: this.shadow.shadowViews }) };
    const changed = JSON.stringify(slice) !== JSON.stringify(previous);
    const before = { mirrors: [...this.plan.decisions, ...this.shadow.mirrors].map((m) => `${m.service} → ${m.target} ${m.percent}%`) };
    this.plan = plan;
    this.shadow = shadow;
    if (!changed) return;
    this.deps.audit?.append({
      actor: { module: 'mirror', ...(this.deps.replica !== undefined && { replica: this.deps.replica }) },
      action: 'mirror.activation',
      subject: 'mirror',
      reason: 'MirrorRule or ShadowNetwork documents, or Services\' shadow templates, changed',
      evidence: { rules: plan.rules.filter((r) => r.enabled).map((r) => r.name), shadows: shadow.clusters.map((c) => c.name), targets: plan.targets.map((t) => ({ target: t.target, totalPercent: t.totalPercent })) },
      before,
      after: { mirrors: slice.mirrors.map((m) => `${m.service} → ${m.target} ${m.percent}%`) },
      revertible: false,
    });
    if (slice.mirrors.length || slice.clusters.length) this.deps.publisher.publish(slice);
    else this.deps.publisher.clear();
    this.deps.logger.info(
      { rules: plan.rules.filter((r) => r.enabled).map((r) => r.name), targets: plan.targets.map((t) => `${t.target}=${t.totalPercent}%`), shadows: shadow.clusters.map((c) => c.name) },
      'mirror rules and shadow networks applied',
    );
  }

  start(): void {}

  stop(): void {}

  coverage() {
    return mirrorCoverage(this.plan, this.deps.model(), this.deps.clients());
  }

  /** Per rule: targets and carrying clients; per target: summed mirrored load; model conflicts about mirrors. */
  status() {
    const model = this.deps.model();
    return {
      rules: this.coverage(),
      targets: this.plan.targets,
      shadows: this.shadow.shadows,
      conflicts: model.conflicts.filter((c) => c.owner === MIRROR_SLICE),
    };
  }
}
