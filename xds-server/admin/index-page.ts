/**
 * The admin server's index at `/` and `/debug/`: every path it serves with one line on what it
 * shows, so an operator who opens the port in a browser (or curls it) finds the rest. HTML for
 * browsers, JSON when the client asks for `application/json`.
 */
import type http from 'node:http';
import type { AdminServer } from './admin-server.ts';

export interface AdminPath {
  path: string;
  method: 'GET' | 'POST';
  about: string;
}

export const ADMIN_PATHS: readonly AdminPath[] = [
  { path: '/healthz', method: 'GET', about: 'liveness: the process answers' },
  { path: '/readyz', method: 'GET', about: 'readiness: the xDS server is listening' },
  { path: '/metrics', method: 'GET', about: 'Prometheus metrics (prescient_*, process_*, nodejs_*)' },
  { path: '/debug/config', method: 'GET', about: 'the configuration serving now: files, documents, config hash, last reload and its errors' },
  { path: '/debug/clients', method: 'GET', about: 'connected xDS clients and, per type, what each was sent, ACKed or NACKed' },
  { path: '/debug/weights', method: 'GET', about: "every endpoint's static, scorer and effective weight, health and share" },
  { path: '/debug/scorer', method: 'GET', about: 'scorer loop: leader, model, last tick' },
  { path: '/debug/modules', method: 'GET', about: "each module's status" },
  { path: '/debug/mirrors', method: 'GET', about: 'each MirrorRule with the Envoy and gRPC clients carrying it, and the load mirrored to each target' },
  { path: '/debug/failover', method: 'GET', about: 'failover state per service (FailoverPolicy) with the last probe round' },
  { path: '/debug/audit', method: 'GET', about: 'the audit trail of automated actions (?subject=&action=&limit=); POST /v1/audit/revert?id= undoes one' },
  { path: '/debug/scaling', method: 'GET', about: 'scaling policies: replicas, last value and forecast, and the decisions (dry run, webhook, Kubernetes scale or forecast only)' },
  { path: '/debug/leadership', method: 'GET', about: 'where leader leases live (memory, Redis or Kubernetes Leases) and which keys this replica leads, with fencing tokens' },
  { path: '/debug/capture', method: 'GET', about: 'the capture sink: port, records written and shed, queue high water, files (docs/capture.md)' },
  { path: '/debug/dns', method: 'GET', about: 'each DnsZone: records published, last update, last error, writer or standby' },
  { path: '/debug/istio', method: 'GET', about: "the Istio config served to istiod (MCP over xDS): options, resources per type, what was left out (docs/istio.md)" },
  { path: '/debug/config_dump', method: 'GET', about: "every node group's resources, decoded, as clients receive them" },
  { path: '/v1/select', method: 'GET', about: 'pick an endpoint of a service (?service=NAME)' },
  { path: '/v1/telemetry', method: 'POST', about: 'push endpoint observations (JSON)' },
  { path: '/v1/cost', method: 'POST', about: 'push endpoint cost rates (JSON)' },
];

const INDEX_PATHS = new Set(['/', '/debug', '/debug/']);

export function mountIndexPage(admin: AdminServer, paths: readonly AdminPath[] = ADMIN_PATHS): void {
  admin.mount((req, res, url) => {
    if (!INDEX_PATHS.has(url.pathname) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (wantsJson(req)) {
      const body = JSON.stringify({ paths }, null, 2);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    const rows = paths
      .map((p) => `<li>${p.method === 'GET' ? `<a href="${p.path}">${p.path}</a>` : `<code>POST ${p.path}</code>`} — ${escapeHtml(p.about)}</li>`)
      .join('\n');
    const body = `<!doctype html>\n<html><head><meta charset="utf-8"><title>Prescient admin</title></head>\n<body><h1>Prescient admin</h1>\n<ul>\n${rows}\n</ul>\n</body></html>\n`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  });
}

function wantsJson(req: http.IncomingMessage): boolean {
  return /application\/json/i.test(req.headers.accept ?? '');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
