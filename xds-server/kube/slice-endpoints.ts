/**
 * Kubernetes EndpointSlices → the endpoints of one Prescient Service. Pure.
 *
 * Conditions follow the EndpointSlice API's own reading (what kube-proxy and Istio do): `ready`
 * unset means ready, `serving` unset means `ready`, `terminating` unset means not terminating.
 *   - not terminating and ready          → serving
 *   - terminating and still serving      → draining (served with health DRAINING: existing
 *                                          requests finish, new ones go elsewhere)
 *   - anything else                      → left out
 * Each endpoint takes the first of its addresses (the API says they are fungible), its slice's
 * zone as locality and its node and pod as metadata. The port comes from the slice's port list,
 * by name or number. Slices of both address families (dual stack) are merged; an address:port
 * listed twice (slices overlap while the controller rebalances them) is kept once, in its best
 * state. FQDN slices (deprecated) are skipped. The result is sorted, so equal slices give equal
 * endpoints whatever order they arrived in.
 */
import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { EndpointSpec } from '../../api/config.ts';

/** Which slice port an endpoint is served on. */
export type PortSelector =
  | { readonly by: 'name'; readonly name: string }
  | { readonly by: 'number'; readonly port: number }
  /** The slices' only port (a Service with one unnamed port). */
  | { readonly by: 'only' };

export type EndpointCondition = 'serving' | 'draining' | 'excluded';

export interface SliceEndpoints {
  readonly endpoints: EndpointSpec[];
  readonly serving: number;
  readonly draining: number;
  /** Endpoints left out: not ready, terminating and not serving, or without the wanted port. */
  readonly excluded: number;
  /** Why some slice contributed nothing, said once per slice (for status pages and logs). */
  readonly problems: string[];
}

export interface EndpointConditionsLike {
  readonly ready?: boolean | null;
  readonly serving?: boolean | null;
  readonly terminating?: boolean | null;
}

/** How an endpoint with these conditions is served. */
export function conditionOf(c: EndpointConditionsLike | undefined): EndpointCondition {
  const ready = c?.ready ?? true;
  const serving = c?.serving ?? ready;
  const terminating = c?.terminating ?? false;
  if (terminating) return serving ? 'draining' : 'excluded';
  return ready ? 'serving' : 'excluded';
}

/** The port selector a discovery spec means: an explicit name or number, else the Service's first port name, else the only port. */
export function portSelector(port: string | number | undefined, servicePortName: string | undefined): PortSelector {
  if (typeof port === 'number') return { by: 'number', port };
  if (typeof port === 'string') return { by: 'name', name: port };
  return servicePortName ? { by: 'name', name: servicePortName } : { by: 'only' };
}

function describe(selector: PortSelector): string {
  return selector.by === 'name' ? `named "${selector.name}"` : selector.by === 'number' ? `numbered ${selector.port}` : '';
}

/** The port number of `slice` the selector picks, or a reason there is none. */
export function slicePort(slice: V1EndpointSlice, selector: PortSelector): number | string {
  const ports = (slice.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  if (selector.by === 'number') {
    // A slice without ports (a Service without ports) admits any: take the number as given.
    if (slice.ports == null || slice.ports.length === 0) return selector.port;
    return ports.some((p) => p.port === selector.port) ? selector.port : `has no TCP port ${describe(selector)}`;
  }
  if (selector.by === 'name') {
    const found = ports.find((p) => (p.name ?? '') === selector.name);
    return found?.port ?? `has no TCP port ${describe(selector)} (ports: ${ports.map((p) => p.name || String(p.port)).join(', ') || 'none'})`;
  }
  if (ports.length === 1 && ports[0]!.port != null) return ports[0]!.port;
  return `has ${ports.length} TCP ports (${ports.map((p) => p.name || String(p.port)).join(', ') || 'none'}); set discovery.kubernetes.port to pick one`;
}

const RANK: Record<EndpointCondition, number> = { serving: 2, draining: 1, excluded: 0 };

function compareEndpoints(a: EndpointSpec, b: EndpointSpec): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}

/** The endpoints `slices` (of one Prescient Service) describe, on the selected port. */
export function endpointsFromSlices(slices: readonly V1EndpointSlice[], selector: PortSelector): SliceEndpoints {
  const best = new Map<string, { spec: EndpointSpec; condition: EndpointCondition }>();
  const problems: string[] = [];
  let excluded = 0;
  for (const slice of slices) {
    const name = slice.metadata?.name ?? '(unnamed)';
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') {
      problems.push(`EndpointSlice ${name} has addressType ${slice.addressType}; only IPv4 and IPv6 slices are served`);
      continue;
    }
    const port = slicePort(slice, selector);
    if (typeof port === 'string') {
      problems.push(`EndpointSlice ${name} ${port}`);
      excluded += slice.endpoints?.length ?? 0;
      continue;
    }
    for (const e of slice.endpoints ?? []) {
      const address = e.addresses?.[0];
      const condition = conditionOf(e.conditions);
      if (!address || condition === 'excluded') {
        excluded++;
        continue;
      }
      const key = `${address.includes(':') ? `[${address}]` : address}:${port}`;
      const seen = best.get(key);
      if (seen && RANK[seen.condition] >= RANK[condition]) continue;
      const metadata: Record<string, string> = {};
      if (e.nodeName) metadata.node = e.nodeName;
      if (e.targetRef?.kind === 'Pod' && e.targetRef.name) metadata.pod = e.targetRef.name;
      const spec: EndpointSpec = { address, port };
      if (e.zone) spec.locality = { zone: e.zone };
      if (Object.keys(metadata).length > 0) spec.metadata = metadata;
      if (condition === 'draining') spec.draining = true;
      best.set(key, { spec, condition });
    }
  }
  const kept = [...best.values()];
  return {
    endpoints: kept.map((k) => k.spec).sort(compareEndpoints),
    serving: kept.filter((k) => k.condition === 'serving').length,
    draining: kept.filter((k) => k.condition === 'draining').length,
    excluded,
    problems,
  };
}
