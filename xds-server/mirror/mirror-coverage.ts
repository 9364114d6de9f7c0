/**
 * Which connected clients carry each mirror rule: a client carries a rule when it subscribes to a
 * route configuration with a rule that sends traffic to the mirrored service. Envoy applies the
 * mirror policies there; proxyless gRPC cannot mirror, so for it the rule is "not applied"
 * (DESIGN §6), which operators see in `prescient mirror list` and a metric.
 */
import type { MeshModel } from '../../api/mesh-model.ts';
import type { MirrorPlan } from '../../mirror/mirror-rules.ts';
import type { ClientStatus } from '../transport/client-status.ts';

export interface RuleCoverage {
  readonly rule: string;
  readonly service: string;
  readonly enabled: boolean;
  readonly targets: MirrorPlan['rules'][number]['targets'];
  /** The rule's selection, when it copies only some requests. */
  readonly match?: MirrorPlan['rules'][number]['match'];
  /** Route configurations carrying the rule's mirror policies (for Envoy). */
  readonly routeConfigs: string[];
  /** Clients holding one of those route configurations, by flavor. */
  readonly envoyClients: number;
  readonly grpcClients: number;
}

/** Route configuration names whose rules send traffic to `service` (only `route`'s, when set). */
function routeConfigsOf(model: MeshModel, service: string, route?: string): string[] {
  return model.routeTables
    .filter((t) => route === undefined || (!t.implicit && t.document.metadata.name === route))
    .filter((t) => t.rules.some((r) => r.rule.backends.some((b) => b.service === service)))
    .map((t) => t.name);
}

function subscribedRoutes(c: ClientStatus): { wildcard: boolean; names: ReadonlySet<string> } {
  const rds = c.types.find((t) => t.type === 'rds');
  return { wildcard: rds?.wildcard ?? false, names: new Set(rds?.names ?? []) };
}

export function mirrorCoverage(plan: MirrorPlan, model: MeshModel, clients: readonly ClientStatus[]): RuleCoverage[] {
  const subscriptions = clients.map((c) => ({ flavor: c.flavor, ...subscribedRoutes(c) }));
  return plan.rules.map((r) => {
    const routeConfigs = routeConfigsOf(model, r.service, r.route);
    const carrying = subscriptions.filter((s) => s.wildcard || routeConfigs.some((n) => s.names.has(n)));
    return {
      rule: r.name,
      service: r.service,
      enabled: r.enabled,
      targets: r.targets,
      ...(r.match && { match: r.match }),
      routeConfigs,
      envoyClients: r.enabled ? carrying.filter((s) => s.flavor === 'envoy').length : 0,
      grpcClients: r.enabled ? carrying.filter((s) => s.flavor === 'grpc').length : 0,
    };
  });
}

/** Rules that at least one connected client routes past without mirroring (proxyless gRPC). */
export function rulesNotApplied(coverage: readonly RuleCoverage[]): number {
  return coverage.filter((c) => c.grpcClients > 0).length;
}
