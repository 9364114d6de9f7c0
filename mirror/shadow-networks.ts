/**
 * ShadowNetwork documents → a shadow cluster `<service>-shadow` (clusters slice) over the shadow
 * workloads' endpoints, and the mirror decision that feeds it (mirrors slice): every request with
 * fidelity `full`, `percent` of them with `sampled`. Pure; imports only `api/`. Envoy appends
 * `-shadow` to the copies' Host, so shadow traffic is marked end to end; what the shadows may
 * reach is the NetworkPolicy's job (`prescient shadow render`).
 */
import type { MeshConfig } from '../api/config.ts';
import type { ClusterDecision, MirrorDecision } from '../api/decisions.ts';

/** Name of a Service's shadow cluster. */
export function shadowClusterName(service: string): string {
  return `${service}-shadow`;
}

export const DEFAULT_REPLICA_FACTOR = 0.25;

export interface ShadowStatus {
  readonly name: string;
  readonly service: string;
  readonly cluster: string;
  readonly enabled: boolean;
  readonly fidelity: string;
  readonly percent: number;
  readonly endpoints: number;
  readonly replicaFactor: number;
}

export interface ShadowPlan {
  readonly clusters: ClusterDecision[];
  readonly mirrors: MirrorDecision[];
  readonly shadows: ShadowStatus[];
}

export function shadowPlan(config: MeshConfig): ShadowPlan {
  const docs = [...(config.shadowNetworks?.values() ?? [])].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const clusters: ClusterDecision[] = [];
  const mirrors: MirrorDecision[] = [];
  const shadows: ShadowStatus[] = [];
  for (const doc of docs) {
    const s = doc.spec;
    const service = config.services.get(s.service);
    const enabled = s.enabled !== false && service !== undefined;
    const percent = s.fidelity?.mode === 'sampled' ? s.fidelity.percent ?? 100 : 100;
    const cluster = shadowClusterName(s.service);
    shadows.push({ name: doc.metadata.name, service: s.service, cluster, enabled, fidelity: s.fidelity?.mode ?? 'full', percent, endpoints: s.endpoints.length, replicaFactor: s.replicaFactor ?? DEFAULT_REPLICA_FACTOR });
    if (!enabled || !service) continue;
    clusters.push({
      name: cluster,
      protocol: service.spec.protocol,
      ...(service.spec.loadBalancing && { lbPolicy: service.spec.loadBalancing.policy }),
      endpoints: s.endpoints.map((e) => ({ address: e.address, port: e.port, ...(e.weight !== undefined && { weight: e.weight }) })),
      derivedFrom: s.service,
    });
    mirrors.push({ service: s.service, target: cluster, percent });
  }
  return { clusters, mirrors, shadows };
}
