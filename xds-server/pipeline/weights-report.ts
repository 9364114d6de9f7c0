/**
 * What every endpoint weighs right now and why: static weight, the scorer's weight, the
 * effective weight after WeightOverrides (what EDS carries) and its share of the service. Feeds
 * /debug/weights and `prescient weights`. Pure.
 */
import { endpointKey, type MeshConfig } from '../../api/config.ts';
import type { Decisions } from '../../api/decisions.ts';
import { effectiveEndpoints } from '../../scorer/overrides.ts';

export interface EndpointWeightReport {
  endpoint: string;
  static: number;
  scorer?: number;
  effective: number;
  draining: boolean;
  /** Share of the service's non-draining weight, 0..1. */
  share: number;
}

export interface ServiceWeightReport {
  service: string;
  modelVersion?: string;
  computedAt?: string;
  overrides: string[];
  endpoints: EndpointWeightReport[];
}

export function weightsReport(config: MeshConfig, decisions: Decisions, now: number): ServiceWeightReport[] {
  return [...config.services.values()].map((doc) => {
    const name = doc.metadata.name;
    const scored = decisions.weights.get(name);
    const effective = effectiveEndpoints(config, doc, decisions, now);
    const total = effective.filter((e) => !e.draining).reduce((sum, e) => sum + e.weight, 0);
    return {
      service: name,
      ...(scored?.modelVersion ? { modelVersion: scored.modelVersion } : {}),
      ...(scored ? { computedAt: new Date(scored.computedAt).toISOString() } : {}),
      overrides: config.weightOverrides.filter((o) => o.spec.service === name).map((o) => o.metadata.name),
      endpoints: doc.spec.endpoints.map((spec, i) => {
        const key = endpointKey(spec);
        const e = effective[i]!;
        const fromScorer = scored?.weights.get(key);
        return {
          endpoint: key,
          static: spec.weight ?? 1,
          ...(fromScorer !== undefined ? { scorer: fromScorer } : {}),
          effective: e.weight,
          draining: e.draining,
          share: e.draining || total === 0 ? 0 : e.weight / total,
        };
      }),
    };
  });
}
