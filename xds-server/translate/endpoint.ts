/**
 * EDS: one ClusterLoadAssignment per Service with the weights the decide stage settled on
 * (static < scorer < WeightOverride, via `effectiveEndpoints`).
 *
 * Envoy honours per-endpoint weights, so endpoints are grouped by their real locality and a
 * draining endpoint stays listed as DRAINING (existing requests finish, no new ones arrive).
 * Proxyless gRPC ignores endpoint weights under round robin and drops localities without weight
 * (DESIGN §4.4), so each serving endpoint gets a locality of its own whose weight carries the
 * endpoint's weight; draining endpoints are left out.
 */
import { endpointKey, type EndpointSpec, type Locality, type ServiceDocument } from '../../api/config.ts';
import type { EffectiveEndpoint } from '../../api/decisions.ts';
import { endpointLocality } from '../../api/locality.ts';
import { effectiveEndpoints } from '../../scorer/overrides.ts';
import type { ClusterLoadAssignment } from '../envoy/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.ts';
import type { LbEndpoint } from '../envoy/generated/envoy/config/endpoint/v3/LbEndpoint.ts';
import type { LocalityLbEndpoints } from '../envoy/generated/envoy/config/endpoint/v3/LocalityLbEndpoints.ts';
import type { Locality as EnvoyLocality } from '../envoy/generated/envoy/config/core/v3/Locality.ts';
import type { Struct } from '../envoy/generated/google/protobuf/Struct.ts';
import { TYPE_URL } from '../envoy/type-urls.ts';
import { lbPolicyFor } from './cluster.ts';
import { assignmentName } from './names.ts';
import { originOf, type FieldOriginMap } from './origin.ts';
import { renderedResource, type ResourceRenderer, type TranslateContext } from './renderer.ts';
import type { RenderedResource } from './types.ts';

/** Filter-metadata namespace Envoy's subset load balancer reads. */
const LB_METADATA_NAMESPACE = 'envoy.lb';

/** One config endpoint with its decided weight; `index` is its position in `spec.endpoints`. */
interface Placed {
  readonly spec: EndpointSpec;
  readonly effective: EffectiveEndpoint;
  readonly index: number;
}

function toEnvoyLocality(l: Locality | undefined): EnvoyLocality {
  return { region: l?.region ?? '', zone: l?.zone ?? '', sub_zone: l?.subZone ?? '' };
}

/** protobufjs bundles google.protobuf.Value with camelCase field names, whatever keepCase says. */
function stringStruct(values: Record<string, string>): Struct {
  return { fields: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { stringValue: v }])) };
}

function lbEndpoint(p: Placed): LbEndpoint {
  const { spec, effective } = p;
  return {
    endpoint: {
      address: { socket_address: { address: spec.address, port_value: spec.port } },
      ...(spec.hostname && { hostname: spec.hostname }),
    },
    load_balancing_weight: { value: effective.weight },
    ...(effective.draining && { health_status: 'DRAINING' as const }),
    ...(spec.metadata && { metadata: { filter_metadata: { [LB_METADATA_NAMESPACE]: stringStruct(spec.metadata) } } }),
  };
}

function placeEndpoints(ctx: TranslateContext, service: ServiceDocument): Placed[] {
  const { config, decisions, now } = ctx.snapshot;
  const effective = effectiveEndpoints(config, service, decisions, now);
  return service.spec.endpoints.map((spec, index) => ({ spec, effective: effective[index], index }));
}

/** Envoy: endpoints grouped by locality, locality weight = sum of its serving endpoints' weights. */
function envoyLocalities(placed: Placed[], origins: FieldOriginMap): LocalityLbEndpoints[] {
  const groups = new Map<string, Placed[]>();
  for (const p of placed) {
    const l = toEnvoyLocality(p.spec.locality);
    const key = `${l.region}\u0000${l.zone}\u0000${l.sub_zone}`;
    const members = groups.get(key);
    if (members) members.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map((members, i) => {
    members.forEach((p, j) => origins.set(`endpoints[${i}].lb_endpoints[${j}]`, `spec.endpoints[${p.index}]`));
    origins.set(`endpoints[${i}].locality`, `spec.endpoints[${members[0].index}].locality`);
    const serving = members.filter((p) => !p.effective.draining).reduce((sum, p) => sum + p.effective.weight, 0);
    return {
      locality: toEnvoyLocality(members[0].spec.locality),
      lb_endpoints: members.map(lbEndpoint),
      // A locality whose endpoints all drain carries no weight, so locality-weighted LB skips it.
      ...(serving > 0 && { load_balancing_weight: { value: serving } }),
    };
  });
}

/**
 * gRPC: one serving endpoint per locality. Under RING_HASH gRPC weighs each endpoint by
 * locality weight × endpoint weight, so the locality weight stays 1 there; under round robin
 * only the locality weight counts and carries the endpoint's weight.
 */
function grpcLocalities(placed: Placed[], ringHash: boolean, origins: FieldOriginMap): LocalityLbEndpoints[] {
  return placed
    .filter((p) => !p.effective.draining)
    .map((p, i) => {
      origins.set(`endpoints[${i}]`, `spec.endpoints[${p.index}]`);
      const l = endpointLocality(p.spec.locality, endpointKey(p.spec));
      return {
        locality: { region: l.region, zone: l.zone, sub_zone: l.subZone },
        lb_endpoints: [lbEndpoint(p)],
        load_balancing_weight: { value: ringHash ? 1 : p.effective.weight },
      };
    });
}

function renderAssignment(ctx: TranslateContext, service: ServiceDocument): RenderedResource {
  const name = assignmentName(service.metadata.name);
  const origins: FieldOriginMap = new Map();
  const placed = placeEndpoints(ctx, service);
  const endpoints =
    ctx.flavor === 'grpc'
      ? grpcLocalities(placed, lbPolicyFor(service, ctx.flavor) === 'RING_HASH', origins)
      : envoyLocalities(placed, origins);
  const assignment: ClusterLoadAssignment = { cluster_name: name, endpoints };
  return renderedResource(TYPE_URL.endpoint, name, assignment, originOf(service, 'spec.endpoints'), origins);
}

export const endpointRenderer: ResourceRenderer = {
  typeUrl: TYPE_URL.endpoint,
  render(ctx: TranslateContext): RenderedResource[] {
    return [...ctx.snapshot.config.services.values()].map((s) => renderAssignment(ctx, s));
  },
};
