/**
 * Shadow views (a graph-scoped shadow network, mirror/shadow-networks.ts): a render target whose
 * labels include a view's audience — the shadow workloads' own proxies and gRPC clients — sees
 * each viewed Service's cluster under its own name but with its shadow's endpoints, and every
 * other Service's cluster with no endpoints, so a shadow's calls reach only shadows and never a
 * primary. Decided clusters (the shadows themselves) are unchanged. Shadows do not mirror: their
 * routes carry no mirror policies (a copy of a copy would only multiply the shadows' load). Pure.
 */
import type { MeshModel, ModelCluster, ModelRouteTable } from '../../api/mesh-model.ts';

function within(audience: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(audience).every(([k, v]) => labels[k] === v);
}

function inShadowView(model: MeshModel, labels: Readonly<Record<string, string>>): boolean {
  return (model.shadowViews ?? []).some((v) => within(v.audience, labels));
}

/** Route tables as a shadow's clients get them: each rule's own route, with no mirror policies. */
export function shadowRouteTables(model: MeshModel, labels: Readonly<Record<string, string>>, tables: readonly ModelRouteTable[]): readonly ModelRouteTable[] {
  if (!inShadowView(model, labels)) return tables;
  return tables.map((t) => ({ ...t, rules: t.rules.filter((r) => r.match === undefined).map((r) => (r.mirrors.length ? { ...r, mirrors: [] } : r)) }));
}

export function withShadowViews(model: MeshModel, labels: Readonly<Record<string, string>>, clusters: ModelCluster[]): ModelCluster[] {
  const views = (model.shadowViews ?? []).filter((v) => within(v.audience, labels));
  if (views.length === 0) return clusters;
  const shadowOf = new Map(views.map((v) => [v.service, v.shadow]));
  return clusters.map((c) => {
    if (c.origin.source !== 'config') return c;
    const shadow = shadowOf.get(c.service);
    // Endpoints Envoy would resolve by DNS are the primary's: a shadow view lists addresses only.
    const { dnsResolution: _dns, dnsEndpoints: _names, ...rest } = c;
    return { ...rest, endpoints: shadow === undefined ? [] : model.clusters.get(shadow)?.endpoints ?? [] };
  });
}
