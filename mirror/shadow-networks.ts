/**
 * Shadow networks → a shadow cluster `<service>-shadow` (clusters slice) over the shadow
 * workloads' endpoints, the mirror decisions that feed it (mirrors slice) and, for `scope: graph`,
 * shadow views (shadowViews slice). Pure; imports only `api/`. Envoy appends `-shadow` to the
 * copies' Host, so shadow traffic is marked end to end; at the network level the NetworkPolicy of
 * `prescient shadow render` lets shadows reach only shadows.
 *
 * A shadow comes from a ShadowNetwork document or from a Service's placement template
 * (`spec.shadowNetwork`); a Service may not have both (a config error). Fidelity: `full` copies
 * every request, `sampled` `percent` of them, `event` those matching any of `events` (default
 * the state-changing methods POST, PUT, PATCH, DELETE) — one mirror decision per matcher, all
 * alternatives of one mirror (`anyOf`), so a request matching two is copied once.
 *
 * The call graph of `scope: graph` (the code knows no call graph of its own: Envoy subscribes to
 * every route, and load reports name a node, not the service it runs for): a Service calls the
 * Services its template lists in `calls`; a called name that a Route claims as a host reaches that
 * Route's backends instead, which are then the ones called; and the called Services' own
 * templates' `calls` are followed the same way, transitively. Every Service of the graph needs
 * shadow endpoints (its own template's, even with `enabled: false`, or a ShadowNetwork's). Only
 * the root is fed by mirroring; the others receive what the root's shadow calls. Node groups
 * labelled `prescient.dev/shadow=true` (the shadow workloads' clients) see each graph Service's
 * cluster with its shadow's endpoints and every other Service's cluster with none.
 */
import type { MeshConfig, MirrorMatchSpec, ShadowFidelity } from '../api/config.ts';
import type { ClusterDecision, MirrorDecision, ShadowViewDecision } from '../api/decisions.ts';

/** Name of a Service's shadow cluster. */
export function shadowClusterName(service: string): string {
  return `${service}-shadow`;
}

export const DEFAULT_REPLICA_FACTOR = 0.25;

/** Labels of the node groups that get shadow views (the label `prescient shadow render` puts on shadow pods). */
export const SHADOW_AUDIENCE: Readonly<Record<string, string>> = Object.freeze({ 'prescient.dev/shadow': 'true' });

/** What `event` fidelity copies when the template names no matchers: state-changing requests. */
export const DEFAULT_EVENTS: readonly MirrorMatchSpec[] = Object.freeze([{ methods: ['POST', 'PUT', 'PATCH', 'DELETE'] }]);

export interface ShadowStatus {
  readonly name: string;
  /** Where it is declared: a ShadowNetwork document, or the Service's `spec.shadowNetwork`. */
  readonly source: 'ShadowNetwork' | 'Service';
  readonly service: string;
  readonly cluster: string;
  readonly enabled: boolean;
  readonly fidelity: string;
  readonly percent: number;
  /** Event fidelity: the matchers (any of them). */
  readonly events?: readonly MirrorMatchSpec[];
  readonly scope: 'service' | 'graph';
  /** Scope graph: every Service shadowed, this one first. */
  readonly graph?: readonly string[];
  readonly endpoints: number;
  readonly replicaFactor: number;
}

export interface ShadowPlan {
  readonly clusters: ClusterDecision[];
  readonly mirrors: MirrorDecision[];
  readonly shadowViews?: ShadowViewDecision[];
  readonly shadows: ShadowStatus[];
}

interface ShadowSource {
  readonly name: string;
  readonly source: ShadowStatus['source'];
  readonly service: string;
  readonly enabled: boolean;
  readonly replicaFactor: number;
  readonly fidelity: ShadowFidelity;
  readonly scope: 'service' | 'graph';
  readonly endpoints: readonly { address: string; port: number; weight?: number }[];
}

function sourcesOf(config: MeshConfig): ShadowSource[] {
  const out: ShadowSource[] = [];
  for (const doc of config.shadowNetworks?.values() ?? []) {
    const s = doc.spec;
    out.push({ name: doc.metadata.name, source: 'ShadowNetwork', service: s.service, enabled: s.enabled !== false, replicaFactor: s.replicaFactor ?? DEFAULT_REPLICA_FACTOR, fidelity: s.fidelity ?? { mode: 'full' }, scope: 'service', endpoints: s.endpoints });
  }
  for (const doc of config.services.values()) {
    const t = doc.spec.shadowNetwork;
    if (!t) continue;
    out.push({ name: doc.metadata.name, source: 'Service', service: doc.metadata.name, enabled: t.enabled !== false, replicaFactor: t.replicaFactor ?? DEFAULT_REPLICA_FACTOR, fidelity: t.fidelity ?? { mode: 'full' }, scope: t.scope ?? 'service', endpoints: t.endpoints });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.source.localeCompare(b.source));
}

/** What a call graph is read from: each Service's declared calls, and the Routes' hosts. */
export interface CallGraphInput {
  /** The `calls` of a Service's template (undefined: no template). */
  calls(service: string): readonly string[] | undefined;
  /** Backends of the Route claiming `host`, if one does. */
  routeBackends(host: string): readonly string[] | undefined;
}

export function callGraphInput(config: MeshConfig): CallGraphInput {
  const byHost = new Map<string, string[]>();
  for (const r of config.routes.values()) {
    const backends = [...new Set(r.spec.rules.flatMap((rule) => rule.backends.map((b) => b.service)))];
    for (const h of r.spec.hosts) if (!byHost.has(h.toLowerCase())) byHost.set(h.toLowerCase(), backends);
  }
  return {
    calls: (service) => config.services.get(service)?.spec.shadowNetwork?.calls,
    routeBackends: (host) => byHost.get(host.toLowerCase()),
  };
}

/** `root` and every Service it calls, transitively (breadth first, in `calls` order; each once). */
export function shadowGraph(root: string, input: CallGraphInput): string[] {
  const seen = [root];
  for (let i = 0; i < seen.length; i++) {
    for (const name of input.calls(seen[i]!) ?? []) {
      for (const reached of input.routeBackends(name) ?? [name]) if (!seen.includes(reached)) seen.push(reached);
    }
  }
  return seen;
}

function mirrorsFor(s: ShadowSource, cluster: string): MirrorDecision[] {
  const f = s.fidelity;
  if (f.mode === 'sampled') return [{ service: s.service, target: cluster, percent: f.percent ?? 100 }];
  if (f.mode === 'event') {
    return (f.events?.length ? f.events : DEFAULT_EVENTS).map((match) => ({ service: s.service, target: cluster, percent: 100, match, anyOf: `shadow:${s.service}` }));
  }
  return [{ service: s.service, target: cluster, percent: 100 }];
}

export function shadowPlan(config: MeshConfig): ShadowPlan {
  const sources = sourcesOf(config);
  const byService = new Map<string, ShadowSource>();
  for (const s of sources) if (!byService.has(s.service)) byService.set(s.service, s);
  const input = callGraphInput(config);
  const clusters = new Map<string, ClusterDecision>();
  const mirrors: MirrorDecision[] = [];
  const views = new Map<string, ShadowViewDecision>();
  const shadows: ShadowStatus[] = [];

  const addCluster = (s: ShadowSource): boolean => {
    const service = config.services.get(s.service);
    if (!service) return false;
    const name = shadowClusterName(s.service);
    if (!clusters.has(name)) {
      clusters.set(name, {
        name,
        protocol: service.spec.protocol,
        ...(service.spec.loadBalancing && { lbPolicy: service.spec.loadBalancing.policy }),
        endpoints: s.endpoints.map((e) => ({ address: e.address, port: e.port, ...(e.weight !== undefined && { weight: e.weight }) })),
        derivedFrom: s.service,
      });
    }
    return true;
  };

  for (const s of sources) {
    const cluster = shadowClusterName(s.service);
    const enabled = s.enabled && config.services.has(s.service);
    const graph = s.scope === 'graph' ? shadowGraph(s.service, input) : undefined;
    shadows.push({
      name: s.name,
      source: s.source,
      service: s.service,
      cluster,
      enabled,
      fidelity: s.fidelity.mode,
      percent: s.fidelity.mode === 'sampled' ? s.fidelity.percent ?? 100 : 100,
      ...(s.fidelity.mode === 'event' && { events: s.fidelity.events?.length ? s.fidelity.events : DEFAULT_EVENTS }),
      scope: s.scope,
      ...(graph && { graph }),
      endpoints: s.endpoints.length,
      replicaFactor: s.replicaFactor,
    });
    if (!enabled || byService.get(s.service) !== s || !addCluster(s)) continue;
    mirrors.push(...mirrorsFor(s, cluster));
    for (const member of graph ?? []) {
      const m = byService.get(member);
      // Config validation refuses a graph with a Service lacking shadow endpoints.
      if (!m || !addCluster(m)) continue;
      if (!views.has(member)) views.set(member, { service: member, shadow: shadowClusterName(member), audience: SHADOW_AUDIENCE });
    }
  }
  return { clusters: [...clusters.values()], mirrors, ...(views.size && { shadowViews: [...views.values()] }), shadows };
}
