/**
 * Seam for `request_mirror_policies` (DESIGN §6). MirrorRule documents are not in the config
 * model yet; when they are, this is the one place that turns them into mirror policies for a
 * route rule (their target clusters are then checked by the validator's cross references).
 * Proxyless gRPC ignores mirroring, so it must never get any.
 */
import type { RouteAction } from '../envoy/generated/envoy/config/route/v3/RouteAction.ts';
import type { RouteTable } from './route-tables.ts';
import type { ClientFlavor } from './types.ts';

export type RequestMirrorPolicy = NonNullable<RouteAction['request_mirror_policies']>[number];

export function requestMirrorPolicies(_table: RouteTable, _rule: number, _flavor: ClientFlavor): RequestMirrorPolicy[] {
  return [];
}
