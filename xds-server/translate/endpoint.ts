/**
 * EDS: one ClusterLoadAssignment per model cluster with the endpoint state the model settled on
 * (weight, priority, health).
 *
 * Envoy honours per-endpoint weights, so endpoints are grouped by priority and real locality, and
 * a draining (or unhealthy) endpoint stays listed with that health status (existing requests
 * finish, no new ones arrive). Proxyless gRPC ignores endpoint weights under round robin and drops
 * localities without weight (DESIGN §4.4), so each serving endpoint gets a locality of its own
 * whose weight carries the endpoint's weight; other endpoints are left out.
 *
 * Priorities are renumbered 0..N-1 in order over the endpoints listed: gRPC refuses gaps, and a
 * gap would leave Envoy an empty priority level.
 */
import type { Locality } from '../../api/config.ts';
import { endpointLocality } from '../../api/locality.ts';
import type { ModelCluster, ModelEndpoint } from '../../api/mesh-model.ts';
import type { ClusterLoadAssignment } from '../envoy/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.ts';
import type { LbEndpoint } from '../envoy/generated/envoy/config/endpoint/v3/LbEndpoint.ts';
import type { LocalityLbEndpoints } from '../envoy/generated/envoy/config/endpoint/v3/LocalityLbEndpoints.ts';
import type { Locality as EnvoyLocality } from '../envoy/generated/envoy/config/core/v3/Locality.ts';
import type { Struct } from '../envoy/generated/google/protobuf/Struct.ts';
import { TYPE_URL } from '../envoy/type-urls.ts';
import { lbPolicyFor } from './cluster.ts';
import { assignmentName } from '../model/names.ts';
import { isHostName } from '../model/resolved-endpoints.ts';
import { originOfModel, type FieldOriginMap } from './origin.ts';
import { renderedResource, type ResourceRenderer, type TranslateContext } from './renderer.ts';
import type { RenderedResource } from './types.ts';

/** Filter-metadata namespace Envoy's subset load balancer reads. */
const LB_METADATA_NAMESPACE = 'envoy.lb';

const HEALTH_STATUS = { draining: 'DRAINING', unhealthy: 'UNHEALTHY' } as const;

function toEnvoyLocality(l: Locality | undefined): EnvoyLocality {
  return { region: l?.region ?? '', zone: l?.zone ?? '', sub_zone: l?.subZone ?? '' };
}

/** protobufjs bundles google.protobuf.Value with camelCase field names, whatever keepCase says. */
function stringStruct(values: Record<string, string>): Struct {
  return { fields: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { stringValue: v }])) };
}

function endpointPath(e: ModelEndpoint): string {
  return e.index === undefined ? 'spec' : `spec.endpoints[${e.index}]`;
}

function lbEndpoint(e: ModelEndpoint): LbEndpoint {
  return {
    endpoint: {
      address: { socket_address: { address: e.address, port_value: e.port } },
      ...(e.hostname && { hostname: e.hostname }),
    },
    load_balancing_weight: { value: e.weight },
    ...(e.health !== 'serving' && { health_status: HEALTH_STATUS[e.health] }),
    ...(e.metadata && { metadata: { filter_metadata: { [LB_METADATA_NAMESPACE]: stringStruct(e.metadata) } } }),
  };
}

/** Each distinct priority among `endpoints` → its rank (0 for the most preferred). */
function compactPriorities(endpoints: readonly ModelEndpoint[]): Map<number, number> {
  const distinct = [...new Set(endpoints.map((e) => e.priority))].sort((a, b) => a - b);
  return new Map(distinct.map((p, rank) => [p, rank]));
}

/** Envoy: endpoints grouped by priority and locality, locality weight = its serving endpoints' weights. */
function envoyLocalities(endpoints: readonly ModelEndpoint[], origins: FieldOriginMap): LocalityLbEndpoints[] {
  const rank = compactPriorities(endpoints);
  const groups = new Map<string, ModelEndpoint[]>();
  for (const e of endpoints) {
    const l = toEnvoyLocality(e.locality);
    const key = `${rank.get(e.priority)}\u0000${l.region}\u0000${l.zone}\u0000${l.sub_zone}`;
    const members = groups.get(key);
    if (members) members.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((members, i) => {
    members.forEach((e, j) => origins.set(`endpoints[${i}].lb_endpoints[${j}]`, endpointPath(e)));
    origins.set(`endpoints[${i}].locality`, `${endpointPath(members[0]!)}.locality`);
    const serving = members.filter((e) => e.health === 'serving').reduce((sum, e) => sum + e.weight, 0);
    const priority = rank.get(members[0]!.priority)!;
    return {
      locality: toEnvoyLocality(members[0]!.locality),
      lb_endpoints: members.map(lbEndpoint),
      // A locality whose endpoints all drain carries no weight, so locality-weighted LB skips it.
      ...(serving > 0 && { load_balancing_weight: { value: serving } }),
      ...(priority > 0 && { priority }),
    };
  });
}

/**
 * gRPC: one serving endpoint per locality. Under RING_HASH gRPC weighs each endpoint by
 * locality weight × endpoint weight, so the locality weight stays 1 there; under round robin
 * only the locality weight counts and carries the endpoint's weight.
 */
function grpcLocalities(endpoints: readonly ModelEndpoint[], ringHash: boolean, origins: FieldOriginMap): LocalityLbEndpoints[] {
  const serving = endpoints.filter((e) => e.health === 'serving');
  const rank = compactPriorities(serving);
  return serving.map((e, i) => {
    origins.set(`endpoints[${i}]`, endpointPath(e));
    const l = endpointLocality(e.locality, e.key);
    const priority = rank.get(e.priority)!;
    return {
      locality: { region: l.region, zone: l.zone, sub_zone: l.subZone },
      lb_endpoints: [lbEndpoint(e)],
      load_balancing_weight: { value: ringHash ? 1 : e.weight },
      ...(priority > 0 && { priority }),
    };
  });
}

/**
 * The inline assignment of an Envoy STRICT_DNS / LOGICAL_DNS cluster: endpoints as configured,
 * host names unresolved (Envoy resolves them).
 */
export function dnsLoadAssignment(clusterName: string, endpoints: readonly ModelEndpoint[]): ClusterLoadAssignment {
  return { cluster_name: clusterName, endpoints: envoyLocalities(endpoints, new Map()) };
}

function renderAssignment(ctx: TranslateContext, cluster: ModelCluster): RenderedResource {
  const name = assignmentName(cluster.name);
  const origins: FieldOriginMap = new Map();
  const endpoints =
    ctx.flavor === 'grpc'
      ? // gRPC NACKs an assignment with a host name; names nobody resolved yet are left out.
        grpcLocalities(cluster.endpoints.filter((e) => !isHostName(e.address)), lbPolicyFor(cluster, ctx.flavor) === 'RING_HASH', origins)
      : envoyLocalities(cluster.endpoints, origins);
  const assignment: ClusterLoadAssignment = { cluster_name: name, endpoints };
  return renderedResource(TYPE_URL.endpoint, name, assignment, originOfModel(cluster.origin, 'spec.endpoints'), origins);
}

export const endpointRenderer: ResourceRenderer = {
  typeUrl: TYPE_URL.endpoint,
  *render(ctx: TranslateContext): Iterable<RenderedResource> {
    // Envoy's DNS clusters carry their endpoints inline (cluster.ts); they have no EDS resource.
    for (const c of ctx.clusters) if (ctx.flavor === 'grpc' || c.dnsResolution === undefined) yield renderAssignment(ctx, c);
  },
};
