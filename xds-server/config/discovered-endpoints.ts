/**
 * Declared config + discovered endpoints → the effective config every stage reads. Documents stay
 * what their author wrote: a Service with `spec.discovery` is declared with no endpoints, and the
 * endpoints found at run time (Kubernetes EndpointSlices) are ingest data kept beside it. This
 * function is the one place the two meet; it is pure and returns `declared` itself when no
 * Service takes discovered endpoints, so a mesh without discovery pays nothing.
 */
import type { EndpointSpec, MeshConfig, ServiceDocument } from '../../api/config.ts';

/** Service name → its discovered endpoints (as last known; an empty list is a real answer). */
export type DiscoveredEndpoints = ReadonlyMap<string, readonly EndpointSpec[]>;

export const NO_DISCOVERED_ENDPOINTS: DiscoveredEndpoints = new Map();

/** Services whose endpoints come from discovery. */
export function discoveryServices(config: MeshConfig): ServiceDocument[] {
  return [...config.services.values()].filter((s) => s.spec.discovery !== undefined);
}

/**
 * `declared` with `spec.endpoints` of each Service that declares `discovery` replaced by its
 * discovered endpoints (none until the first are known). Endpoints discovered for a Service that
 * does not declare discovery are ignored: documents decide which Services are discovered.
 */
export function withDiscoveredEndpoints(declared: MeshConfig, discovered: DiscoveredEndpoints): MeshConfig {
  let services: Map<string, ServiceDocument> | undefined;
  for (const [name, doc] of declared.services) {
    if (doc.spec.discovery === undefined) continue;
    const endpoints = discovered.get(name) ?? [];
    if (endpoints.length === 0 && doc.spec.endpoints.length === 0) continue;
    services ??= new Map(declared.services);
    services.set(name, Object.freeze({ ...doc, spec: Object.freeze({ ...doc.spec, endpoints: Object.freeze(endpoints.map((e) => Object.freeze({ ...e }))) as EndpointSpec[] }) }));
  }
  return services ? Object.freeze({ ...declared, services }) : declared;
}
