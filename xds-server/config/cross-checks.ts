/**
 * Checks across documents: names are unique per kind, names point at documents that exist, and
 * no two Routes claim one listener port or host. References are resolved against every document
 * whose kind and name could be read, so one broken Service does not also flag every Route that
 * names it; endpoint references need the Service itself to be valid.
 */
import { endpointKey, type AnyDocument, type MirrorRuleDocument, type RouteDocument, type ServiceDocument } from '../../api/config.ts';
import { mirrorCycles } from '../../mirror/mirror-rules.ts';
import { shadowGraph } from '../../mirror/shadow-networks.ts';
import { CONFIG_ERROR, documentPlace, errorAt, type ConfigError, type PathSegments } from './errors.ts';
import { serviceReferences } from './kinds.ts';
import type { CheckedDocument } from './validate-document.ts';

const MAX_LISTED = 10;

function where(c: CheckedDocument): string {
  return documentPlace(c.source.file, c.source.index);
}

function labelOf(c: CheckedDocument): string | undefined {
  return c.identity ? `${c.identity.kind}/${c.identity.name}` : undefined;
}

function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none is defined';
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown}, … (${names.length} in all)` : shown;
}

function duplicateNames(checked: readonly CheckedDocument[]): ConfigError[] {
  const first = new Map<string, CheckedDocument>();
  const out: ConfigError[] = [];
  for (const c of checked) {
    if (!c.identity) continue;
    const key = `${c.identity.kind}/${c.identity.name}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, c);
    else {
      out.push(errorAt(c.source, CONFIG_ERROR.duplicate, ['metadata', 'name'],
        `${key} is already defined in ${where(earlier)}; rename one of them or delete the copy`, key));
    }
  }
  return out;
}

/** What references resolve against. */
interface Names {
  /** kind → names that exist (valid or not). */
  readonly byKind: ReadonlyMap<string, readonly string[]>;
  /** Valid Services by name, for endpoint references. */
  readonly services: ReadonlyMap<string, ServiceDocument>;
}

function namesOf(checked: readonly CheckedDocument[]): Names {
  const byKind = new Map<string, string[]>();
  const services = new Map<string, ServiceDocument>();
  for (const c of checked) {
    if (c.identity) byKind.set(c.identity.kind, [...(byKind.get(c.identity.kind) ?? []), c.identity.name]);
    if (c.document?.kind === 'Service' && !services.has(c.document.metadata.name)) services.set(c.document.metadata.name, c.document);
  }
  return { byKind, services };
}

function danglingReferences(checked: readonly CheckedDocument[], names: Names, someUnreadable: boolean): ConfigError[] {
  const services = names.byKind.get('Service') ?? [];
  const out: ConfigError[] = [];
  for (const c of checked) {
    if (!c.document) continue;
    for (const ref of serviceReferences(c.document)) {
      if (services.includes(ref.name) || someUnreadable) continue;
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ref.segments,
        `names Service "${ref.name}", which is not defined; add it or use a defined one (${listed(services)})`, labelOf(c)));
    }
    const doc = c.document;
    if (doc.kind !== 'WeightOverride' || doc.spec.endpoint === undefined) continue;
    const service = names.services.get(doc.spec.service);
    // Discovered endpoints exist only at run time: an override may name one not seen yet.
    if (!service || service.spec.discovery) continue;
    const keys = service.spec.endpoints.map(endpointKey);
    if (!keys.includes(doc.spec.endpoint)) {
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ['spec', 'endpoint'],
        `is not an endpoint of Service "${doc.spec.service}"; use one of ${listed(keys)}, or omit it to cover every endpoint`, labelOf(c)));
    }
  }
  return out;
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::']);

function sameSocket(a: { address?: string; port: number }, b: { address?: string; port: number }): boolean {
  if (a.port !== b.port) return false;
  const [x, y] = [a.address ?? '0.0.0.0', b.address ?? '0.0.0.0'];
  return x === y || WILDCARD_ADDRESSES.has(x) || WILDCARD_ADDRESSES.has(y);
}

function routeConflicts(checked: readonly CheckedDocument[]): ConfigError[] {
  const routes = checked.filter((c): c is CheckedDocument & { document: RouteDocument } => c.document?.kind === 'Route');
  const out: ConfigError[] = [];
  const hostOwner = new Map<string, CheckedDocument>();
  routes.forEach((c, i) => {
    const label = labelOf(c);
    const listener = c.document.spec.listener;
    const clash = listener && routes.slice(0, i).find((o) => o.document.spec.listener && sameSocket(o.document.spec.listener, listener));
    if (clash && listener) {
      out.push(errorAt(c.source, CONFIG_ERROR.conflict, ['spec', 'listener', 'port'],
        `port ${listener.port} is already the listener of ${labelOf(clash)} (${where(clash)}); merge the two Routes or pick another port`, label));
    }
    c.document.spec.hosts.forEach((host, j) => {
      const key = host.toLowerCase();
      const owner = hostOwner.get(key);
      if (!owner) hostOwner.set(key, c);
      else if (owner !== c) {
        out.push(errorAt(c.source, CONFIG_ERROR.conflict, ['spec', 'hosts', j],
          `host ${host} is already claimed by ${labelOf(owner)} (${where(owner)}); a host belongs to one Route, so move its rules there`, label));
      }
    });
  });
  return out;
}

/** Mirror rules whose copies would come back around (A → B → A), reported on the closing target. */
function mirrorCycleErrors(checked: readonly CheckedDocument[]): ConfigError[] {
  const rules = checked.filter((c): c is CheckedDocument & { document: MirrorRuleDocument } => c.document?.kind === 'MirrorRule');
  const byName = new Map(rules.map((c) => [c.document.metadata.name, c]));
  return mirrorCycles(rules.map((c) => c.document)).map(({ edge, path }) => {
    const c = byName.get(edge.rule)!;
    return errorAt(c.source, CONFIG_ERROR.mirrorCycle, ['spec', 'targets', edge.target, 'service'],
      `closes a mirror cycle ${path.join(' → ')}: copies would be copied back and multiply; remove one of these targets`, labelOf(c));
  });
}

/** A MirrorRule's `route` must name a Route with a rule that sends traffic to the mirrored service. */
function mirrorRouteErrors(checked: readonly CheckedDocument[], someUnreadable: boolean): ConfigError[] {
  const routes = new Map(checked.filter((c): c is CheckedDocument & { document: RouteDocument } => c.document?.kind === 'Route').map((c) => [c.document.metadata.name, c.document]));
  const out: ConfigError[] = [];
  for (const c of checked) {
    if (c.document?.kind !== 'MirrorRule' || c.document.spec.route === undefined || someUnreadable) continue;
    const { route, service } = c.document.spec;
    const doc = routes.get(route);
    if (!doc) {
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ['spec', 'route'], `names Route "${route}", which is not defined; add it, fix the name or omit route to mirror every Route's traffic to "${service}"`, labelOf(c)));
    } else if (!doc.spec.rules.some((r) => r.backends.some((b) => b.service === service))) {
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ['spec', 'route'], `Route "${route}" sends no traffic to "${service}", so nothing would be mirrored`, labelOf(c)));
    }
  }
  return out;
}

/**
 * Shadows: a Service is shadowed by its template or by a ShadowNetwork, not both; a graph-scoped
 * template's call graph (mirror/shadow-networks.ts) reaches only Services with shadow endpoints.
 */
function shadowErrors(checked: readonly CheckedDocument[], someUnreadable: boolean): ConfigError[] {
  if (someUnreadable) return [];
  const services = new Map<string, CheckedDocument & { document: ServiceDocument }>();
  const shadowDocs = new Set<string>();
  const routeHosts = new Map<string, string[]>();
  for (const c of checked) {
    const d = c.document;
    if (d?.kind === 'Service' && !services.has(d.metadata.name)) services.set(d.metadata.name, c as CheckedDocument & { document: ServiceDocument });
    if (d?.kind === 'ShadowNetwork') shadowDocs.add(d.spec.service);
    if (d?.kind === 'Route') {
      const backends = [...new Set(d.spec.rules.flatMap((r) => r.backends.map((b) => b.service)))];
      for (const h of d.spec.hosts) if (!routeHosts.has(h.toLowerCase())) routeHosts.set(h.toLowerCase(), backends);
    }
  }
  const out: ConfigError[] = [];
  for (const c of checked) {
    if (c.document?.kind !== 'ShadowNetwork') continue;
    const owner = services.get(c.document.spec.service);
    if (owner?.document.spec.shadowNetwork) {
      out.push(errorAt(c.source, CONFIG_ERROR.conflict, ['spec', 'service'],
        `Service "${c.document.spec.service}" already declares its shadow in spec.shadowNetwork (${where(owner)}); keep one of the two`, labelOf(c)));
    }
  }
  const input = { calls: (s: string) => services.get(s)?.document.spec.shadowNetwork?.calls, routeBackends: (h: string) => routeHosts.get(h.toLowerCase()) };
  for (const c of services.values()) {
    c.document.spec.shadowNetwork?.calls?.forEach((name, i) => {
      if (services.has(name) || routeHosts.has(name)) return;
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ['spec', 'shadowNetwork', 'calls', i],
        `names "${name}", which is neither a Service nor a host a Route claims; add it or use a defined Service (${listed([...services.keys()])})`, labelOf(c)));
    });
  }
  for (const c of services.values()) {
    const t = c.document.spec.shadowNetwork;
    if (!t || t.scope !== 'graph' || t.enabled === false) continue;
    const missing = shadowGraph(c.document.metadata.name, input).filter((s) => services.has(s) && !services.get(s)!.document.spec.shadowNetwork && !shadowDocs.has(s));
    if (missing.length) {
      out.push(errorAt(c.source, CONFIG_ERROR.reference, ['spec', 'shadowNetwork', 'scope'],
        `graph scope shadows the Services this one calls, but ${listed(missing)} ${missing.length === 1 ? 'has' : 'have'} no shadow endpoints; give ${missing.length === 1 ? 'it' : 'each'} a spec.shadowNetwork (enabled: false keeps it out of mirroring) or a ShadowNetwork`, labelOf(c)));
    }
  }
  return out;
}

/**
 * `someUnreadable`: a document or file could not be read at all (YAML syntax, I/O), so its kind and
 * name are unknown; "not defined" would then be a false error cascading from that one, and is not
 * reported until the files read (the syntax error itself is).
 */
export function crossDocumentErrors(checked: readonly CheckedDocument[], someUnreadable = false): ConfigError[] {
  return [...duplicateNames(checked), ...danglingReferences(checked, namesOf(checked), someUnreadable), ...routeConflicts(checked), ...mirrorCycleErrors(checked), ...mirrorRouteErrors(checked, someUnreadable), ...shadowErrors(checked, someUnreadable)];
}
