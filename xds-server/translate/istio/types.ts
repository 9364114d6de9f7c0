/**
 * Contract of the Istio translation (docs/istio.md): the mesh model in, Istio config out —
 * ServiceEntries, DestinationRules and VirtualServices as plain objects in protobufjs `fromObject`
 * form (proto snake_case field names), each named `namespace/name` the way istiod's MCP client
 * stores them. Pure: no clock, randomness or I/O.
 */
import type { IstioKind } from '../../istio/kinds.ts';

export interface IstioTranslateOptions {
  /** Namespace every resource is placed in (and the middle label of each host). Default `prescient`. */
  readonly namespace: string;
  /** Hosts are `<cluster>.<namespace>.<domain>`. Default `svc.cluster.local`. */
  readonly domain: string;
}

export const DEFAULT_ISTIO_OPTIONS: IstioTranslateOptions = { namespace: 'prescient', domain: 'svc.cluster.local' };

export interface IstioResource {
  readonly kind: IstioKind;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The spec message in protobufjs fromObject form. */
  readonly spec: Record<string, unknown>;
}

/** What the model asked for that Istio config cannot say, said plainly (for /debug/istio and logs). */
export interface IstioNote {
  readonly subject: string;
  readonly message: string;
}

export interface IstioConfig {
  readonly resources: readonly IstioResource[];
  readonly notes: readonly IstioNote[];
}

/** Label on every resource, so an operator can tell Prescient's config from hand-written config. */
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'prescient' } as const;
