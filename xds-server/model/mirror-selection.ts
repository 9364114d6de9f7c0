/**
 * Combining a route rule's match with mirror selections (MirrorRule `spec.match`) into one route
 * match that holds exactly when all of them do. Envoy routes are first-match and one route has
 * one path specifier, so the model puts a route with the combined match before the rule's own.
 *
 * Path conditions, exactly: prefixes combine to the longest (or nothing, when neither extends
 * the other); an exact path must start with every prefix and fully match every regex (RE2, as
 * Envoy runs it); a regex keeps the path specifier and a prefix beside it becomes a prefix of the
 * `:path` header (which is what a route prefix matches too). Two different regexes cannot be
 * combined into one RE2 regex (RE2 has no intersection or lookahead): that is `unsupported`, and
 * the model reports it rather than mirror more or less than asked. Headers are all kept; methods
 * combine to the ones in every list. Pure.
 */
import { RE2JS } from 're2js';
import type { MirrorMatchSpec, RouteMatchSpec } from '../../api/config.ts';
import type { ModelRouteMatch } from '../../api/mesh-model.ts';

export type Combined =
  | { readonly kind: 'match'; readonly match: ModelRouteMatch }
  /** No request can match both: no route is needed. */
  | { readonly kind: 'disjoint' }
  | { readonly kind: 'unsupported'; readonly message: string };

/** A config rule's match in model form (absent = every request). */
export function ruleMatch(m: RouteMatchSpec | undefined): ModelRouteMatch {
  if (!m) return {};
  return {
    ...(m.prefix !== undefined && m.path === undefined && m.regex === undefined && { prefix: m.prefix }),
    ...(m.path !== undefined && { path: m.path }),
    ...(m.regex !== undefined && m.path === undefined && { regex: m.regex }),
    ...(m.headers?.length && { headers: m.headers }),
  };
}

function fullMatch(regex: string, path: string): boolean {
  try {
    return RE2JS.compile(regex).matcher(path).matches();
  } catch {
    return false; // config validation refuses such a regex before it gets here
  }
}

/** `a` and `b` both holding, as one match (see the file comment for what is exact). */
export function combineMatches(a: ModelRouteMatch, b: ModelRouteMatch | MirrorMatchSpec): Combined {
  const prefixes = [a.prefix, a.pathPrefix, b.prefix, 'pathPrefix' in b ? b.pathPrefix : undefined].filter((p): p is string => p !== undefined && p !== '');
  const exacts = [...new Set([a.path, b.path].filter((p): p is string => p !== undefined))];
  const regexes = [...new Set([a.regex, b.regex].filter((r): r is string => r !== undefined))];

  const longest = prefixes.reduce((x, p) => (p.length > x.length ? p : x), '');
  if (!prefixes.every((p) => longest.startsWith(p))) return { kind: 'disjoint' };
  if (exacts.length > 1) return { kind: 'disjoint' };

  let path: Pick<ModelRouteMatch, 'prefix' | 'path' | 'regex' | 'pathPrefix'>;
  if (exacts.length === 1) {
    const exact = exacts[0]!;
    if (!exact.startsWith(longest) || !regexes.every((r) => fullMatch(r, exact))) return { kind: 'disjoint' };
    path = { path: exact };
  } else if (regexes.length > 1) {
    return { kind: 'unsupported', message: `regexes "${regexes[0]}" and "${regexes[1]}" cannot be combined into one route match` };
  } else if (regexes.length === 1) {
    path = { regex: regexes[0]!, ...(longest !== '' && { pathPrefix: longest }) };
  } else {
    path = longest !== '' ? { prefix: longest } : {};
  }

  let methods: readonly string[] | undefined;
  if (a.methods?.length && b.methods?.length) {
    methods = a.methods.filter((m) => b.methods!.includes(m));
    if (methods.length === 0) return { kind: 'disjoint' };
  } else methods = a.methods?.length ? a.methods : b.methods?.length ? b.methods : undefined;

  const headers = [...(a.headers ?? []), ...(b.headers ?? [])];
  return {
    kind: 'match',
    match: { ...path, ...(headers.length && { headers }), ...(methods && { methods: [...methods] }) },
  };
}
