/** Valid documents → the immutable MeshConfig every later stage reads. */
import type {
  AnyDocument,
  MeshConfig,
  RouteDocument,
  ScoringPolicyDocument,
  ServiceDocument,
  WeightOverrideDocument,
} from '../../api/config.ts';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Documents must already be checked: names unique per kind. Order is kept (overrides apply in it). */
export function buildMeshConfig(documents: readonly AnyDocument[]): MeshConfig {
  const services = new Map<string, ServiceDocument>();
  const routes = new Map<string, RouteDocument>();
  const scoringPolicies = new Map<string, ScoringPolicyDocument>();
  const weightOverrides: WeightOverrideDocument[] = [];
  for (const doc of documents.map(deepFreeze)) {
    switch (doc.kind) {
      case 'Service':
        services.set(doc.metadata.name, doc);
        break;
      case 'Route':
        routes.set(doc.metadata.name, doc);
        break;
      case 'WeightOverride':
        weightOverrides.push(doc);
        break;
      case 'ScoringPolicy':
        scoringPolicies.set(doc.metadata.name, doc);
        break;
    }
  }
  return Object.freeze({ services, routes, weightOverrides: Object.freeze(weightOverrides), scoringPolicies });
}

/** A config with no documents: what serves before the first good load. */
export const EMPTY_MESH_CONFIG: MeshConfig = buildMeshConfig([]);
