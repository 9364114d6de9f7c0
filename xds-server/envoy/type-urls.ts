/** xDS resource type URLs served by Prescient, in make-before-break push order (DESIGN §4.2 rule 9). */
export const TYPE_URL = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export type TypeUrl = (typeof TYPE_URL)[keyof typeof TYPE_URL];

/** CDS → EDS → LDS → RDS. */
export const PUSH_ORDER: readonly TypeUrl[] = [TYPE_URL.cluster, TYPE_URL.endpoint, TYPE_URL.listener, TYPE_URL.route];

export function isKnownTypeUrl(s: string): s is TypeUrl {
  return (PUSH_ORDER as readonly string[]).includes(s);
}

/** Fully qualified protobuf message name of a type URL. */
export function messageName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

/**
 * LDS and CDS state-of-the-world responses are complete sets; RDS and EDS responses may carry a
 * subset (DESIGN §4.2 rule 5). Wildcard subscription only exists for the former (rule 6).
 */
export function isFullStateType(typeUrl: string): boolean {
  return typeUrl === TYPE_URL.cluster || typeUrl === TYPE_URL.listener;
}
