/**
 * What every endpoint weighs right now and why: static weight, the scorer's weight, the
 * effective weight after WeightOverrides and decisions (what EDS carries), priority, health and
 * its share of the service. Feeds /debug/weights and `prescient weights`. Reads the mesh model;
 * computes nothing of its own. Pure.
 */
import type { EndpointHealth, OutlierReason } from '../../api/decisions.ts';
import { servingEndpoints, type MeshModel } from '../../api/mesh-model.ts';

export interface EndpointWeightReport {
  endpoint: string;
  static: number;
  scorer?: number;
  effective: number;
  priority: number;
  health: EndpointHealth;
  draining: boolean;
  /** The scorer's outlier state: why it took the endpoint out of the competition, if it did. */
  outlier?: OutlierReason;
  /** Share of the service's serving weight, 0..1. */
  share: number;
}

export interface ServiceWeightReport {
  service: string;
  modelVersion?: string;
  computedAt?: string;
  overrides: string[];
  endpoints: EndpointWeightReport[];
}

export function weightsReport(model: MeshModel): ServiceWeightReport[] {
  return [...model.clusters.values()]
    .filter((c) => c.origin.source === 'config')
    .map((c) => {
      const total = servingEndpoints(c).reduce((sum, e) => sum + e.weight, 0);
      return {
        service: c.service,
        ...(c.modelVersion ? { modelVersion: c.modelVersion } : {}),
        ...(c.computedAt !== undefined ? { computedAt: new Date(c.computedAt).toISOString() } : {}),
        overrides: [...c.overrides],
        endpoints: c.endpoints.map((e) => ({
          endpoint: e.key,
          static: e.staticWeight,
          ...(e.scorerWeight !== undefined ? { scorer: e.scorerWeight } : {}),
          effective: e.weight,
          priority: e.priority,
          health: e.health,
          draining: e.health !== 'serving',
          ...(e.outlier !== undefined ? { outlier: e.outlier } : {}),
          share: e.health !== 'serving' || total === 0 ? 0 : e.weight / total,
        })),
      };
    });
}
