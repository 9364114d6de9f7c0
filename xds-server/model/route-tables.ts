/**
 * The mesh's route tables: one per Route document, plus an implicit one per Service no Route
 * claims, so gRPC's `xds:///<service>` resolves without writing a Route (DESIGN §4.4; translate
 * gives implicit tables to gRPC clients only). Listeners and RouteConfigurations are both rendered
 * from this one list so they always agree. Mirror decisions are resolved onto every rule that
 * routes to the mirrored service; a mirror with a selection (`match`) gets routes of its own,
 * split off before the rule (see `withMirrors`).
 */
import type { MeshConfig, RouteDocument, RouteRule, ServiceDocument } from '../../api/config.ts';
import type { MirrorDecision } from '../../api/decisions.ts';
import type { ModelConflict, ModelMirror, ModelRouteRule, ModelRouteTable } from '../../api/mesh-model.ts';
import { combineMatches, ruleMatch } from './mirror-selection.ts';
import { implicitRouteConfigName, routeConfigName } from './names.ts';

const ANY_ADDRESS = '0.0.0.0';

/**
 * Distinct mirror selections one rule combines; each subset of them can need a route, so this
 * bounds a rule's routes at 2^4. Further selections (in decision order) are reported, not rendered.
 */
export const MAX_SELECTIONS_PER_RULE = 4;

/** A mirror decision with the slice that owns it. */
export interface OwnedMirror extends MirrorDecision {
  readonly owner: string;
}

function resolved(m: OwnedMirror): ModelMirror {
  return {
    cluster: m.target,
    percent: m.percent,
    owner: m.owner,
    ...(m.runtimeKey !== undefined && { runtimeKey: m.runtimeKey }),
    ...(m.traceSampled !== undefined && { traceSampled: m.traceSampled }),
  };
}

/**
 * Alternatives of one mirror (same owner, `anyOf` and target) become one policy: a request
 * matching several of their selections (a shadow's event matchers) is copied once, not once each.
 */
function distinct(mirrors: readonly OwnedMirror[]): OwnedMirror[] {
  const seen = new Set<string>();
  return mirrors.filter((m) => {
    if (m.anyOf === undefined) return true;
    const key = JSON.stringify([m.owner, m.anyOf, m.target]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Non-empty subsets of n items as index lists, largest first (a subset's match is inside its parts'). */
function subsetsLargestFirst(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((i) => mask & (1 << i)));
  return out.sort((a, b) => b.length - a.length || a.join().localeCompare(b.join()));
}

/**
 * `route`: the Route document the rules belong to (none for a Service's implicit table). Each rule
 * becomes its own route carrying the mirrors without a selection, preceded by one route per
 * combination of selections that can hold together (largest first), carrying those mirrors too —
 * so a request gets exactly the mirrors whose selections it matches, on Envoy's first match.
 */
function withMirrors(rules: readonly RouteRule[], mirrors: readonly OwnedMirror[], conflicts: Map<string, ModelConflict>, rendered: Set<OwnedMirror>, route?: string): ModelRouteRule[] {
  return rules.flatMap((rule, index) => {
    const routed = new Set(rule.backends.map((b) => b.service));
    const applicable = mirrors.filter((m) => routed.has(m.service) && (m.route === undefined || m.route === route));
    const groups = new Map<string, { match: NonNullable<MirrorDecision['match']>; mirrors: Set<OwnedMirror> }>();
    for (const m of applicable) {
      if (m.match === undefined) continue;
      const key = JSON.stringify(m.match);
      const group = groups.get(key);
      if (group) group.mirrors.add(m);
      else if (groups.size < MAX_SELECTIONS_PER_RULE) groups.set(key, { match: m.match, mirrors: new Set([m]) });
      else {
        const message = `mirror of "${m.service}" to "${m.target}": a route rule already combines ${MAX_SELECTIONS_PER_RULE} mirror selections; this one is not rendered there`;
        conflicts.set(`${m.owner}\n${message}`, { owner: m.owner, message });
      }
    }
    const selections = [...groups.values()];
    const out: ModelRouteRule[] = [];
    for (const subset of subsetsLargestFirst(selections.length)) {
      let match = ruleMatch(rule.match);
      let usable = true;
      for (const k of subset) {
        const c = combineMatches(match, selections[k]!.match);
        if (c.kind === 'match') match = c.match;
        else {
          usable = false;
          if (c.kind === 'unsupported') {
            for (const m of selections[k]!.mirrors) {
              const message = `mirror of "${m.service}" to "${m.target}" is not rendered on a route rule${route ? ` of Route "${route}"` : ''}: ${c.message}`;
              conflicts.set(`${m.owner}\n${message}`, { owner: m.owner, message });
            }
          }
          break;
        }
      }
      if (!usable) continue;
      const chosen = new Set(subset.flatMap((k) => [...selections[k]!.mirrors]));
      for (const m of chosen) rendered.add(m);
      out.push({ rule, index, match, mirrors: distinct(applicable.filter((m) => m.match === undefined || chosen.has(m))).map(resolved) });
    }
    out.push({ rule, index, mirrors: distinct(applicable.filter((m) => m.match === undefined)).map(resolved) });
    return out;
  });
}

function fromRoute(doc: RouteDocument, mirrors: readonly OwnedMirror[], conflicts: Map<string, ModelConflict>, rendered: Set<OwnedMirror>): ModelRouteTable {
  const l = doc.spec.listener;
  return {
    name: routeConfigName(doc.metadata.name),
    implicit: false,
    domains: doc.spec.hosts,
    rules: withMirrors(doc.spec.rules, mirrors, conflicts, rendered, doc.metadata.name),
    document: doc,
    rulePath: (i, sub) => (sub ? `spec.rules[${i}].${sub}` : `spec.rules[${i}]`),
    domainPath: (i) => `spec.hosts[${i}]`,
    ...(l && { listener: { address: l.address ?? ANY_ADDRESS, port: l.port, path: 'spec.listener' } }),
  };
}

/** A catch-all route to the service itself; every part of it traces back to the service's name. */
function implicitFor(doc: ServiceDocument, mirrors: readonly OwnedMirror[], conflicts: Map<string, ModelConflict>, rendered: Set<OwnedMirror>): ModelRouteTable {
  const name = doc.metadata.name;
  return {
    name: implicitRouteConfigName(name),
    implicit: true,
    domains: [name],
    rules: withMirrors([{ backends: [{ service: name, weight: 1 }] }], mirrors, conflicts, rendered),
    document: doc,
    rulePath: () => 'metadata.name',
    domainPath: () => 'metadata.name',
  };
}

/** The tables, and what could not be rendered as asked (added to `conflicts`, each once). */
export function buildRouteTables(config: MeshConfig, mirrors: readonly OwnedMirror[], conflicts: ModelConflict[] = []): ModelRouteTable[] {
  const found = new Map<string, ModelConflict>();
  const rendered = new Set<OwnedMirror>();
  const tables = [...config.routes.values()].map((r) => fromRoute(r, mirrors, found, rendered));
  const claimed = new Set(tables.flatMap((t) => t.domains));
  for (const service of config.services.values()) {
    // Implicit tables are for proxyless gRPC, which copies nothing: they do not count as rendered.
    if (!claimed.has(service.metadata.name)) tables.push(implicitFor(service, mirrors, found, new Set()));
  }
  // A selection no Route rule's requests can match copies nothing: say so rather than stay silent.
  const reported = new Set([...found.values()].map((c) => c.message));
  for (const m of mirrors) {
    if (m.match === undefined || rendered.has(m)) continue;
    const message = `mirror of "${m.service}" to "${m.target}": its selection matches no request of the Route rules sending traffic to "${m.service}"${m.route ? ` in Route "${m.route}"` : ''}; Envoy copies nothing`;
    if (![...reported].some((r) => r.startsWith(`mirror of "${m.service}" to "${m.target}"`))) found.set(`${m.owner}\n${message}`, { owner: m.owner, message });
  }
  conflicts.push(...found.values());
  return tables;
}
