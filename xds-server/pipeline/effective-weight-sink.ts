/**
 * Exports the weight each configured endpoint is actually pushed with
 * (`prescient_endpoint_effective_weight`): the mesh model's endpoint weight after WeightOverrides,
 * decisions and health — unlike `prescient_endpoint_weight`, the scorer's proposal, which a
 * ceiling may cut (529 proposed, 100 pushed). Non-serving endpoints read 0. Label values are the
 * config's services and endpoints (bounded by the config). The sink only remembers the latest
 * model; the gauge reads it when /metrics is scraped, so pushes do no per-endpoint metric work.
 */
import type { MeshModel } from '../../api/mesh-model.ts';
import type { XdsMetrics } from '../metrics.ts';
import type { ModelSink } from './model-sink.ts';

export function effectiveWeightSink(metrics: Pick<XdsMetrics, 'effectiveWeights'>): ModelSink {
  return {
    name: 'effective-weight-metric',
    onModel(model: MeshModel): void {
      metrics.effectiveWeights.visit = (set) => {
        for (const cluster of model.clusters.values()) {
          if (cluster.origin.source !== 'config') continue;
          for (const e of cluster.endpoints) set(cluster.service, e.key, e.health === 'serving' ? e.weight : 0);
        }
      };
    },
  };
}
