/**
 * The flat, ordered list of every scored endpoint (service order, then config order) with each
 * service's row range: row i of every batch (windows, forecasts) is endpoint i of this table.
 * Rebuilt only when the configuration changes.
 */
import { endpointKey, type EndpointSpec, type MeshConfig } from '../../api/config.ts';
import { resolvePolicies } from '../policy/policy-for-service.ts';
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';

export interface ServiceRows {
  readonly service: string;
  readonly policy: ResolvedPolicy;
  /** Rows [start, end) of the table. */
  readonly start: number;
  readonly end: number;
}

export interface EndpointTable {
  readonly services: readonly ServiceRows[];
  readonly refs: readonly { readonly service: string; readonly endpoint: string }[];
  /** `rowId` of every row, computed once per config. */
  readonly ids: readonly string[];
  readonly specs: readonly EndpointSpec[];
  /** Shortest policy interval: the loop's period. */
  readonly intervalMs: number;
}

export function buildEndpointTable(config: MeshConfig): EndpointTable {
  const policies = resolvePolicies(config);
  const services: ServiceRows[] = [];
  const refs: { service: string; endpoint: string }[] = [];
  const specs: EndpointSpec[] = [];
  let intervalMs = Number.POSITIVE_INFINITY;
  for (const name of [...config.services.keys()].sort()) {
    const doc = config.services.get(name)!;
    const policy = policies.get(name)!;
    intervalMs = Math.min(intervalMs, policy.intervalMs);
    const start = refs.length;
    const seen = new Set<string>();
    for (const e of doc.spec.endpoints) {
      const key = endpointKey(e);
      if (seen.has(key)) continue;
      seen.add(key);
      refs.push({ service: name, endpoint: key });
      specs.push(e);
    }
    services.push({ service: name, policy, start, end: refs.length });
  }
  return { services, refs, specs, ids: refs.map(rowId), intervalMs: Number.isFinite(intervalMs) ? intervalMs : 1000 };
}

export const rowId = (r: { service: string; endpoint: string }): string => `${r.service}\u0000${r.endpoint}`;
