/**
 * The mesh's route tables: one per Route document, plus an implicit one per Service no Route
 * claims, so gRPC's `xds:///<service>` resolves without writing a Route (DESIGN §4.4; translate
 * gives implicit tables to gRPC clients only). Listeners and RouteConfigurations are both rendered
 * from this one list so they always agree. Mirror decisions are resolved onto every rule that
 * routes to the mirrored service.
 */
import type { MeshConfig, RouteDocument, RouteRule, ServiceDocument } from '../../api/config.ts';
import type { MirrorDecision } from '../../api/decisions.ts';
import type { ModelMirror, ModelRouteRule, ModelRouteTable } from '../../api/mesh-model.ts';
import { implicitRouteConfigName, routeConfigName } from './names.ts';

const ANY_ADDRESS = '0.0.0.0';

/** A mirror decision with the slice that owns it. */
export interface OwnedMirror extends MirrorDecision {
  readonly owner: string;
}

/** `route`: the Route document the rules belong to (none for a Service's implicit table). */
function withMirrors(rules: readonly RouteRule[], mirrors: readonly OwnedMirror[], route?: string): ModelRouteRule[] {
  return rules.map((rule) => {
    const routed = new Set(rule.backends.map((b) => b.service));
    const resolved: ModelMirror[] = mirrors
      .filter((m) => routed.has(m.service) && (m.route === undefined || m.route === route))
      .map((m) => ({
        cluster: m.target,
        percent: m.percent,
        owner: m.owner,
        ...(m.runtimeKey !== undefined && { runtimeKey: m.runtimeKey }),
        ...(m.traceSampled !== undefined && { traceSampled: m.traceSampled }),
      }));
    return { rule, mirrors: resolved };
  });
}

function fromRoute(doc: RouteDocument, mirrors: readonly OwnedMirror[]): ModelRouteTable {
  const l = doc.spec.listener;
  return {
    name: routeConfigName(doc.metadata.name),
    implicit: false,
    domains: doc.spec.hosts,
    rules: withMirrors(doc.spec.rules, mirrors, doc.metadata.name),
    document: doc,
    rulePath: (i, sub) => (sub ? `spec.rules[${i}].${sub}` : `spec.rules[${i}]`),
    domainPath: (i) => `spec.hosts[${i}]`,
    ...(l && { listener: { address: l.address ?? ANY_ADDRESS, port: l.port, path: 'spec.listener' } }),
  };
}

/** A catch-all route to the service itself; every part of it traces back to the service's name. */
function implicitFor(doc: ServiceDocument, mirrors: readonly OwnedMirror[]): ModelRouteTable {
  const name = doc.metadata.name;
  return {
    name: implicitRouteConfigName(name),
    implicit: true,
    domains: [name],
    rules: withMirrors([{ backends: [{ service: name, weight: 1 }] }], mirrors),
    document: doc,
    rulePath: () => 'metadata.name',
    domainPath: () => 'metadata.name',
  };
}

export function buildRouteTables(config: MeshConfig, mirrors: readonly OwnedMirror[]): ModelRouteTable[] {
  const tables = [...config.routes.values()].map((r) => fromRoute(r, mirrors));
  const claimed = new Set(tables.flatMap((t) => t.domains));
  for (const service of config.services.values()) {
    if (!claimed.has(service.metadata.name)) tables.push(implicitFor(service, mirrors));
  }
  return tables;
}
