/**
 * Clusters that come from decision slices rather than Service documents (shadow copies,
 * scaffolds, sandbox clusters). A decided cluster never replaces a Service's cluster: a name
 * clash is reported as a conflict and the Service keeps its cluster.
 */
import { endpointKey } from '../../api/config.ts';
import type { ClusterDecision } from '../../api/decisions.ts';
import type { ModelCluster, ModelConflict, ModelEndpoint } from '../../api/mesh-model.ts';
import { clampWeight } from './endpoint-state.ts';

export interface OwnedCluster extends ClusterDecision {
  readonly owner: string;
}

function decidedEndpoints(c: ClusterDecision): ModelEndpoint[] {
  return c.endpoints.map((e) => ({
    key: endpointKey(e),
    address: e.address,
    port: e.port,
    ...(e.locality !== undefined && { locality: e.locality }),
    staticWeight: e.weight ?? 1,
    weight: clampWeight(e.weight ?? 1),
    priority: e.priority ?? 0,
    health: 'serving' as const,
  }));
}

/** Adds each live decided cluster to `clusters` unless its name is taken; clashes go to `conflicts`. */
export function addDecidedClusters(decided: readonly OwnedCluster[], clusters: Map<string, ModelCluster>, conflicts: ModelConflict[]): void {
  for (const c of decided) {
    if (clusters.has(c.name)) {
      conflicts.push({ owner: c.owner, message: `cluster "${c.name}" already exists; the decided cluster of the same name is not rendered` });
      continue;
    }
    clusters.set(c.name, {
      name: c.name,
      service: c.derivedFrom ?? c.name,
      origin: { source: 'decision', owner: c.owner, name: c.name },
      protocol: c.protocol,
      lbPolicy: c.lbPolicy ?? 'ROUND_ROBIN',
      endpoints: decidedEndpoints(c),
      overrides: [],
      ...(c.audience !== undefined && { audience: c.audience }),
      ...(c.expiresAt !== undefined && { expiresAt: c.expiresAt }),
    });
  }
}
