/**
 * VirtualServices from the model's route tables:
 *
 * - a Route document becomes one VirtualService whose `hosts` are the Route's hosts (a host that
 *   names a Prescient Service becomes that Service's Istio host; others pass through unchanged and
 *   must be hosts Istio knows, or port 80 traffic) and whose `http` routes are its rules: the
 *   match (path, then regex, then prefix, as Prescient's Envoy rendering; headers, `invert` as
 *   `without_headers`), weighted `route` destinations, timeout, retries;
 * - a Service no Route claims gets a VirtualService only when something mirrors its traffic
 *   (otherwise istiod's default route to the ServiceEntry is the same thing);
 * - the mirrors the model resolved onto a rule become `mirror` + `mirrorPercentage` (one mirror)
 *   or `mirrors` (several), with the percentage to the model's resolution.
 */
import type { HeaderMatchSpec, RouteMatchSpec, RouteRule } from '../../../api/config.ts';
import { toProtoDuration } from '../../../api/duration.ts';
import type { MeshModel, ModelMirror, ModelRouteMatch, ModelRouteRule, ModelRouteTable } from '../../../api/mesh-model.ts';
import { clusterName } from '../../model/names.ts';
import { istioHost, routeVirtualServiceName, serviceVirtualServiceName } from './hosts.ts';
import { MANAGED_BY_LABEL, type IstioNote, type IstioResource, type IstioTranslateOptions } from './types.ts';

/** Which clusters have an Istio host (a ServiceEntry), with the port destinations name. */
export type HostedClusters = ReadonlyMap<string, { readonly port: number }>;

function stringMatch(h: HeaderMatchSpec): Record<string, unknown> {
  if (h.exact !== undefined) return { exact: h.exact };
  if (h.prefix !== undefined) return { prefix: h.prefix };
  if (h.regex !== undefined) return { regex: h.regex };
  // Present (Istio has no presence matcher): any value.
  return { regex: '.*' };
}

/** A rule's match, or the match of a route the model split off it for mirror selections. */
function match(m: RouteMatchSpec | ModelRouteMatch | undefined): Record<string, unknown>[] | undefined {
  if (!m) return undefined;
  const uri = m.path !== undefined ? { exact: m.path } : m.regex !== undefined ? { regex: m.regex } : m.prefix ? { prefix: m.prefix } : undefined;
  const pathPrefix = 'pathPrefix' in m && m.pathPrefix !== undefined ? [{ name: ':path', prefix: m.pathPrefix }] : [];
  const headers = [...(m.headers ?? []).filter((h) => !h.invert), ...pathPrefix];
  const without = (m.headers ?? []).filter((h) => h.invert);
  const methods = 'methods' in m ? m.methods ?? [] : [];
  const out: Record<string, unknown> = {
    ...(uri && { uri }),
    ...(methods.length && { method: methods.length === 1 ? { exact: methods[0] } : { regex: methods.join('|') } }),
    ...(headers.length && { headers: Object.fromEntries(headers.map((h) => [h.name.toLowerCase(), stringMatch(h)])) }),
    ...(without.length && { without_headers: Object.fromEntries(without.map((h) => [h.name.toLowerCase(), stringMatch(h)])) }),
  };
  return Object.keys(out).length ? [out] : undefined;
}

function destination(cluster: string, hosted: HostedClusters, o: IstioTranslateOptions): Record<string, unknown> {
  return { host: istioHost(cluster, o), port: { number: hosted.get(cluster)!.port } };
}

function mirrorFields(mirrors: readonly ModelMirror[], hosted: HostedClusters, o: IstioTranslateOptions, subject: string, notes: IstioNote[]): Record<string, unknown> {
  const usable = mirrors.filter((m) => {
    if (hosted.has(m.cluster)) return true;
    notes.push({ subject, message: `mirror to cluster "${m.cluster}" left out: it has no ServiceEntry (it is seen only by some node groups)` });
    return false;
  });
  if (usable.length === 0) return {};
  if (usable.length === 1) {
    const m = usable[0]!;
    return { mirror: destination(m.cluster, hosted, o), mirror_percentage: { value: m.percent } };
  }
  return { mirrors: usable.map((m) => ({ destination: destination(m.cluster, hosted, o), percentage: { value: m.percent } })) };
}

function httpRoute(k: number, { rule, index: i, match: split, mirrors }: ModelRouteRule, hosted: HostedClusters, o: IstioTranslateOptions, subject: string, notes: IstioNote[]): Record<string, unknown> | undefined {
  const backends = rule.backends.filter((b) => {
    if (hosted.has(clusterName(b.service))) return true;
    notes.push({ subject, message: `rule ${i}: backend "${b.service}" has no ServiceEntry; left out` });
    return false;
  });
  if (backends.length === 0) return undefined;
  const m = match(split ?? rule.match);
  return {
    // A route split off rule i for mirror selections comes before it: `rule-<i>-mirror-<k>`.
    name: split ? `rule-${i}-mirror-${k}` : `rule-${i}`,
    ...(m && { match: m }),
    route: backends.map((b) => ({ destination: destination(clusterName(b.service), hosted, o), ...(backends.length > 1 && { weight: b.weight }) })),
    ...retriesAndTimeout(rule),
    ...mirrorFields(mirrors, hosted, o, subject, notes),
  };
}

function retriesAndTimeout(rule: RouteRule): Record<string, unknown> {
  const r = rule.retries;
  return {
    ...(rule.timeout !== undefined && { timeout: toProtoDuration(rule.timeout) }),
    ...(r && { retries: { attempts: r.attempts, retry_on: r.retryOn.join(','), ...(r.perTryTimeout !== undefined && { per_try_timeout: toProtoDuration(r.perTryTimeout) }) } }),
  };
}

function hostsOf(table: ModelRouteTable, model: MeshModel, hosted: HostedClusters, o: IstioTranslateOptions): string[] {
  const out: string[] = [];
  for (const d of table.domains) {
    const cluster = clusterName(d);
    if (model.config.services.has(d) && hosted.has(cluster)) out.push(istioHost(cluster, o));
    else if (!d.includes(':') && !d.includes('*', 1)) out.push(d.toLowerCase());
  }
  return [...new Set(out)];
}

export function virtualService(table: ModelRouteTable, model: MeshModel, hosted: HostedClusters, o: IstioTranslateOptions, notes: IstioNote[]): IstioResource | undefined {
  if (table.implicit && table.rules.every((r) => r.mirrors.length === 0)) return undefined;
  const owner = table.document.metadata.name;
  const name = table.implicit ? serviceVirtualServiceName(owner) : routeVirtualServiceName(owner);
  const subject = `VirtualService ${o.namespace}/${name}`;
  const hosts = hostsOf(table, model, hosted, o);
  if (hosts.length === 0) {
    notes.push({ subject, message: 'no host Istio can route (hosts with ports or inner wildcards are left out); not rendered' });
    return undefined;
  }
  const http = table.rules.flatMap((r, i) => httpRoute(i, r, hosted, o, subject, notes) ?? []);
  if (http.length === 0) {
    notes.push({ subject, message: 'no rule has a backend with a ServiceEntry; not rendered' });
    return undefined;
  }
  return {
    kind: 'VirtualService',
    namespace: o.namespace,
    name,
    labels: { ...MANAGED_BY_LABEL, ...(table.implicit ? { 'prescient.dev/service': owner } : { 'prescient.dev/route': owner }) },
    spec: { hosts, http },
  };
}
