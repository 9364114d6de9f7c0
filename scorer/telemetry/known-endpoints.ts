/**
 * The endpoints telemetry may create series for: those the current config defines. Ingest and
 * LRS consult it before touching the feature store, so a client naming made-up services or
 * endpoints is refused up front and can neither fill memory nor crowd out real endpoints' series
 * (the store's budget is then spent only on endpoints that can be routed to). Replaced whole on
 * every config change; lookups are two Map/Set reads.
 */
import { endpointKey, type MeshConfig } from '../../api/config.ts';

export interface EndpointCatalog {
  has(service: string, endpoint: string): boolean;
}

export class KnownEndpoints implements EndpointCatalog {
  private services = new Map<string, ReadonlySet<string>>();

  constructor(config?: MeshConfig) {
    if (config) this.setConfig(config);
  }

  setConfig(config: MeshConfig): void {
    const next = new Map<string, ReadonlySet<string>>();
    for (const [name, doc] of config.services) next.set(name, new Set(doc.spec.endpoints.map(endpointKey)));
    this.services = next;
  }

  has(service: string, endpoint: string): boolean {
    return this.services.get(service)?.has(endpoint) ?? false;
  }
}
