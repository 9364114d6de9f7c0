/** Valid documents → the immutable MeshConfig every later stage reads. */
import type {
  AnyDocument,
  DnsZoneDocument,
  MeshConfig,
  MirrorRuleDocument,
  FailoverPolicyDocument,
  ShadowNetworkDocument,
  ScalingPolicyDocument,
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

/**
 * Documents must already be checked: names unique per kind. Order is kept (overrides apply in
 * it). Each kind's documents land in their field by kind name; a new kind adds one field here.
 */
export function buildMeshConfig(documents: readonly AnyDocument[]): MeshConfig {
  const byKind = new Map<string, AnyDocument[]>();
  for (const doc of documents.map(deepFreeze)) {
    const list = byKind.get(doc.kind);
    if (list) list.push(doc);
    else byKind.set(doc.kind, [doc]);
  }
  const all = <D extends AnyDocument>(kind: D['kind']) => Object.freeze((byKind.get(kind) ?? []) as D[]);
  const byName = <D extends AnyDocument>(kind: D['kind']) => new Map(all<D>(kind).map((d) => [d.metadata.name, d]));
  return Object.freeze({
    services: byName<ServiceDocument>('Service'),
    routes: byName<RouteDocument>('Route'),
    weightOverrides: all<WeightOverrideDocument>('WeightOverride'),
    scoringPolicies: byName<ScoringPolicyDocument>('ScoringPolicy'),
    dnsZones: byName<DnsZoneDocument>('DnsZone'),
    mirrorRules: byName<MirrorRuleDocument>('MirrorRule'),
    failoverPolicies: byName<FailoverPolicyDocument>('FailoverPolicy'),
    shadowNetworks: byName<ShadowNetworkDocument>('ShadowNetwork'),
    scalingPolicies: byName<ScalingPolicyDocument>('ScalingPolicy'),
  });
}

/** A config with no documents: what serves before the first good load. */
export const EMPTY_MESH_CONFIG: MeshConfig = buildMeshConfig([]);
