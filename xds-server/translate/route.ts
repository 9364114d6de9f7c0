/**
 * RDS: one RouteConfiguration per route table with a single virtual host whose domains are the
 * table's hosts. A rule with one backend routes to its cluster; several backends (canaries)
 * become weighted_clusters.
 */
import type { HeaderMatchSpec, RouteMatchSpec, RouteRule } from '../../api/config.ts';
import { toProtoDuration } from '../../api/duration.ts';
import type { HeaderMatcher } from '../envoy/generated/envoy/config/route/v3/HeaderMatcher.ts';
import type { Route } from '../envoy/generated/envoy/config/route/v3/Route.ts';
import type { RouteAction } from '../envoy/generated/envoy/config/route/v3/RouteAction.ts';
import type { RouteConfiguration } from '../envoy/generated/envoy/config/route/v3/RouteConfiguration.ts';
import type { RouteMatch } from '../envoy/generated/envoy/config/route/v3/RouteMatch.ts';
import type { StringMatcher } from '../envoy/generated/envoy/type/matcher/v3/StringMatcher.ts';
import { TYPE_URL } from '../envoy/type-urls.ts';
import { requestMirrorPolicies } from './mirror-policies.ts';
import { clusterName } from '../model/names.ts';
import { originOf, type FieldOriginMap } from './origin.ts';
import { renderedResource, type ResourceRenderer, type TranslateContext } from './renderer.ts';
import type { ModelRouteMatch, ModelRouteRule, ModelRouteTable } from '../../api/mesh-model.ts';
import type { ClientFlavor, RenderedResource } from './types.ts';

function stringMatcher(h: HeaderMatchSpec): StringMatcher | undefined {
  if (h.exact !== undefined) return { exact: h.exact };
  if (h.prefix !== undefined) return { prefix: h.prefix };
  if (h.regex !== undefined) return { safe_regex: { regex: h.regex } };
  return undefined;
}

function headerMatcher(h: HeaderMatchSpec): HeaderMatcher {
  const matcher = stringMatcher(h);
  // A header with no value to compare must be present (or absent, when inverted).
  const specifier = matcher ? { string_match: matcher } : { present_match: h.present ?? true };
  return { name: h.name, ...specifier, ...(h.invert && { invert_match: true }) };
}

/** Any one of the methods: one exact match, or an RE2 alternation (methods are upper-case tokens). */
function methodMatcher(methods: readonly string[]): HeaderMatcher {
  return { name: ':method', string_match: methods.length === 1 ? { exact: methods[0]! } : { safe_regex: { regex: methods.join('|') } } };
}

/** Path precedence when a document names several: exact path, then regex, then prefix. */
function routeMatch(m: RouteMatchSpec | ModelRouteMatch | undefined): RouteMatch {
  const path: RouteMatch =
    m?.path !== undefined ? { path: m.path } : m?.regex !== undefined ? { safe_regex: { regex: m.regex } } : { prefix: m?.prefix ?? '' };
  const headers: HeaderMatcher[] = [
    ...(m?.headers ?? []).map(headerMatcher),
    ...(m && 'pathPrefix' in m && m.pathPrefix !== undefined ? [{ name: ':path', string_match: { prefix: m.pathPrefix } }] : []),
    ...(m && 'methods' in m && m.methods?.length ? [methodMatcher(m.methods)] : []),
  ];
  return headers.length ? { ...path, headers } : path;
}

function routeAction(rule: RouteRule): RouteAction {
  const action: RouteAction =
    rule.backends.length === 1
      ? { cluster: clusterName(rule.backends[0].service) }
      : { weighted_clusters: { clusters: rule.backends.map((b) => ({ name: clusterName(b.service), weight: { value: b.weight } })) } };
  if (rule.timeout !== undefined) action.timeout = toProtoDuration(rule.timeout);
  if (rule.retries) {
    const r = rule.retries;
    action.retry_policy = {
      retry_on: r.retryOn.join(','),
      num_retries: { value: r.attempts },
      ...(r.perTryTimeout !== undefined && { per_try_timeout: toProtoDuration(r.perTryTimeout) }),
    };
  }
  return action;
}

/** Records, for route k (from config rule i), which part of the rule each proto field came from. */
function recordRuleOrigins(table: ModelRouteTable, route: ModelRouteRule, k: number, origins: FieldOriginMap): void {
  const at = `virtual_hosts[0].routes[${k}]`;
  const { rule, index: i } = route;
  origins.set(at, table.rulePath(i));
  if (rule.match) origins.set(`${at}.match`, table.rulePath(i, 'match'));
  rule.match?.headers?.forEach((_, k) => origins.set(`${at}.match.headers[${k}]`, table.rulePath(i, `match.headers[${k}]`)));
  if (rule.backends.length === 1) origins.set(`${at}.route.cluster`, table.rulePath(i, 'backends[0]'));
  rule.backends.forEach((_, k) => origins.set(`${at}.route.weighted_clusters.clusters[${k}]`, table.rulePath(i, `backends[${k}]`)));
  if (rule.timeout !== undefined) origins.set(`${at}.route.timeout`, table.rulePath(i, 'timeout'));
  if (rule.retries) origins.set(`${at}.route.retry_policy`, table.rulePath(i, 'retries'));
}

function routeEntry({ rule, match, mirrors: decided }: ModelRouteRule, flavor: ClientFlavor): Route {
  const mirrors = requestMirrorPolicies(decided, flavor);
  const action = routeAction(rule);
  return { match: routeMatch(match ?? rule.match), route: mirrors.length ? { ...action, request_mirror_policies: mirrors } : action };
}

/**
 * Routes split off for mirror selections exist only to carry mirrors, which proxyless gRPC
 * ignores: it gets each rule's own route only.
 */
function routesFor(table: ModelRouteTable, flavor: ClientFlavor): readonly ModelRouteRule[] {
  return flavor === 'grpc' ? table.rules.filter((r) => r.match === undefined) : table.rules;
}

function renderRouteConfiguration(table: ModelRouteTable, flavor: ClientFlavor): RenderedResource {
  const origins: FieldOriginMap = new Map();
  const routes = routesFor(table, flavor);
  table.domains.forEach((_, i) => origins.set(`virtual_hosts[0].domains[${i}]`, table.domainPath(i)));
  routes.forEach((r, k) => recordRuleOrigins(table, r, k, origins));
  const config: RouteConfiguration = {
    name: table.name,
    virtual_hosts: [
      {
        name: table.document.metadata.name,
        domains: [...table.domains],
        routes: routes.map((r) => routeEntry(r, flavor)),
      },
    ],
  };
  const origin = originOf(table.document, table.document.kind === 'Route' ? 'spec' : 'metadata.name');
  return renderedResource(TYPE_URL.route, table.name, config, origin, origins);
}

export const routeRenderer: ResourceRenderer = {
  typeUrl: TYPE_URL.route,
  render(ctx: TranslateContext): RenderedResource[] {
    return ctx.routeTables.map((t) => renderRouteConfiguration(t, ctx.flavor));
  },
};
