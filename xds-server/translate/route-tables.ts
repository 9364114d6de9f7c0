/**
 * The route tables a client flavor gets: one per Route document, plus for gRPC an implicit one per
 * Service no Route claims, so `xds:///<service>` resolves without writing a Route (DESIGN §4.4).
 * Listeners and RouteConfigurations are both rendered from this one list so they always agree.
 */
import type { MeshConfig, RouteDocument, RouteRule, ServiceDocument } from '../../api/config.ts';
import { implicitRouteConfigName, routeConfigName } from './names.ts';
import type { ClientFlavor } from './types.ts';

export interface RouteTable {
  /** RouteConfiguration name. */
  readonly name: string;
  /** Virtual host domains; for gRPC also the api_listener names. */
  readonly domains: readonly string[];
  readonly rules: readonly RouteRule[];
  readonly document: RouteDocument | ServiceDocument;
  /** Config JSON path of rule i, or of a part of it (`sub`, e.g. `backends[1]`). */
  rulePath(i: number, sub?: string): string;
  /** Config JSON path of domain i. */
  domainPath(i: number): string;
  /** Envoy socket listener to serve this table on, with its config path. */
  readonly listener?: { readonly address: string; readonly port: number; readonly path: string };
}

const ANY_ADDRESS = '0.0.0.0';

function fromRoute(doc: RouteDocument): RouteTable {
  const l = doc.spec.listener;
  return {
    name: routeConfigName(doc.metadata.name),
    domains: doc.spec.hosts,
    rules: doc.spec.rules,
    document: doc,
    rulePath: (i, sub) => (sub ? `spec.rules[${i}].${sub}` : `spec.rules[${i}]`),
    domainPath: (i) => `spec.hosts[${i}]`,
    listener: l && { address: l.address ?? ANY_ADDRESS, port: l.port, path: 'spec.listener' },
  };
}

/** A catch-all route to the service itself; every part of it traces back to the service's name. */
function implicitFor(doc: ServiceDocument): RouteTable {
  const name = doc.metadata.name;
  return {
    name: implicitRouteConfigName(name),
    domains: [name],
    rules: [{ backends: [{ service: name, weight: 1 }] }],
    document: doc,
    rulePath: () => 'metadata.name',
    domainPath: () => 'metadata.name',
  };
}

export function routeTables(config: MeshConfig, flavor: ClientFlavor): RouteTable[] {
  const tables = [...config.routes.values()].map(fromRoute);
  if (flavor !== 'grpc') return tables;
  const claimed = new Set(tables.flatMap((t) => t.domains));
  for (const service of config.services.values()) {
    if (!claimed.has(service.metadata.name)) tables.push(implicitFor(service));
  }
  return tables;
}
