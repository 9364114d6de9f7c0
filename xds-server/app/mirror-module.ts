/**
 * Mirror rules as a module of the root (DESIGN §6): on every accepted config it turns the
 * MirrorRule documents into the `mirrors` decision slice (mirror/mirror-rules.ts, pure) and
 * publishes it through its one publisher; the model resolves the mirrors onto route rules and
 * translate renders them for Envoy. Its status, /debug/mirrors and `prescient mirror list` show
 * each rule with the clients carrying it and the load each target receives.
 */
import type { MeshConfig } from '../../api/config.ts';
import type { SlicePublisher } from '../../api/decisions.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import { mirrorPlan, type MirrorPlan } from '../../mirror/mirror-rules.ts';
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
}

export class MirrorModule implements PrescientModule {
  readonly name = 'mirror';
  readonly metrics: MirrorMetrics;
  private plan: MirrorPlan = { decisions: [], targets: [], rules: [] };

  constructor(private readonly deps: MirrorModuleDeps) {
    this.metrics = createMirrorMetrics(() => ({
      rules: this.plan.rules.filter((r) => r.enabled).length,
      notApplied: rulesNotApplied(this.coverage()),
    }));
  }

  onConfig(config: MeshConfig): void {
    const plan = mirrorPlan(config);
    const changed = JSON.stringify(plan.decisions) !== JSON.stringify(this.plan.decisions);
    this.plan = plan;
    if (!changed) return;
    if (plan.decisions.length) this.deps.publisher.publish({ mirrors: plan.decisions });
    else this.deps.publisher.clear();
    this.deps.logger.info({ rules: plan.rules.filter((r) => r.enabled).map((r) => r.name), targets: plan.targets.map((t) => `${t.target}=${t.totalPercent}%`) }, 'mirror rules applied');
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
      conflicts: model.conflicts.filter((c) => c.owner === MIRROR_SLICE),
    };
  }
}
