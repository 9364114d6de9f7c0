/**
 * The DNS sink's view of the mesh model: per service, its endpoints with the state the model
 * computed (effective weight, health) and the latest error rate and latency the scorer measured.
 * The one adapter between the model's shape and the planner's; pure.
 */
import type { MeshModel } from '../../api/mesh-model.ts';
import type { CandidateEndpoint } from './endpoint-selection.ts';
import type { EndpointView } from './zone-planner.ts';

export interface EndpointSignals {
  readonly errorRate?: number;
  readonly latencyMs?: number;
}

/** Latest measured signals of one endpoint ("address:port"); undefined when none are fresh. */
export type SignalSource = (service: string, endpoint: string) => EndpointSignals | undefined;

export function endpointViewFromModel(model: MeshModel, signals?: SignalSource): EndpointView {
  const byService = new Map<string, CandidateEndpoint[]>();
  for (const cluster of model.clusters.values()) {
    // Service clusters only: shadow, scaffolded and sandbox clusters are not published in DNS.
    if (cluster.origin.source !== 'config' || cluster.name !== cluster.service) continue;
    byService.set(
      cluster.service,
      cluster.endpoints.map((e) => {
        const s = signals?.(cluster.service, e.key);
        return {
          key: e.key,
          address: e.address,
          port: e.port,
          ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
          weight: e.weight,
          serving: e.health === 'serving',
          ...(s?.errorRate !== undefined && Number.isFinite(s.errorRate) ? { errorRate: s.errorRate } : {}),
          ...(s?.latencyMs !== undefined && Number.isFinite(s.latencyMs) ? { latencyMs: s.latencyMs } : {}),
        };
      }),
    );
  }
  return (service) => byService.get(service);
}
