/**
 * The read-only operating pages (DESIGN §4.5): probes, metrics, and the /debug views of what is
 * configured, what each client has acknowledged or rejected, and what is being served.
 */
import type { Registry } from 'prom-client';
import type { ResourceCache } from '../cache/resource-cache.ts';
import { PUSH_ORDER } from '../envoy/type-urls.ts';
import type { ClientStatus } from '../transport/client-status.ts';
import type { AdminServer } from './admin-server.ts';
import { decodeEncodedResource } from './decode-resource.ts';

export interface DebugSources {
  metrics: Registry;
  ready: () => boolean;
  cache: ResourceCache;
  clients: () => ClientStatus[];
  config: () => unknown;
  scorer: () => unknown;
  weights: () => unknown;
  /** Every module's status, by module name. */
  modules: () => unknown;
}

export function mountDebugPages(admin: AdminServer, s: DebugSources): void {
  admin.get('/healthz', () => 'ok\n');
  admin.mount((_req, res, url) => {
    if (url.pathname !== '/readyz') return false;
    const ready = s.ready();
    res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ready ? 'ready\n' : 'not ready: xDS server not listening yet\n');
    return true;
  });
  admin.get('/metrics', () => s.metrics.metrics(), s.metrics.contentType);
  admin.get('/debug/clients', () => ({ clients: s.clients() }));
  admin.get('/debug/config', () => s.config());
  admin.get('/debug/scorer', () => s.scorer() ?? { enabled: false });
  admin.get('/debug/weights', () => ({ services: s.weights() }));
  admin.get('/debug/modules', () => ({ modules: s.modules() }));
  admin.get('/debug/config_dump', () => configDump(s.cache));
}

/** Every group's resources, decoded, in push order: what a client of that group receives. */
function configDump(cache: ResourceCache) {
  const groups: Record<string, unknown> = {};
  for (const group of cache.groups()) {
    const view = cache.view(group)!;
    groups[group] = PUSH_ORDER.map((typeUrl) => ({
      type_url: typeUrl,
      version: view.typeVersion(typeUrl),
      resources: [...view.resources(typeUrl).values()].map((r) => ({ name: r.name, version: r.version, resource: decodeEncodedResource(r) })),
    }));
  }
  return { groups };
}
