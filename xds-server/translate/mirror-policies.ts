/**
 * `request_mirror_policies` from the mirrors the model resolved onto a route rule (DESIGN §6).
 * The fraction is expressed per million, Envoy's finest resolution, so a percentage with up to
 * four decimals survives exactly. Proxyless gRPC ignores mirroring, so it never gets any.
 */
import type { ModelMirror } from '../../api/mesh-model.ts';
import type { RouteAction } from '../envoy/generated/envoy/config/route/v3/RouteAction.ts';
import type { ClientFlavor } from './types.ts';

export type RequestMirrorPolicy = NonNullable<RouteAction['request_mirror_policies']>[number];

const PER_MILLION_PER_PERCENT = 10_000;

export function requestMirrorPolicies(mirrors: readonly ModelMirror[], flavor: ClientFlavor): RequestMirrorPolicy[] {
  if (flavor === 'grpc') return [];
  return mirrors.map((m) => ({
    cluster: m.cluster,
    runtime_fraction: {
      default_value: { numerator: Math.round(m.percent * PER_MILLION_PER_PERCENT), denominator: 'MILLION' as const },
      ...(m.runtimeKey !== undefined && { runtime_key: m.runtimeKey }),
    },
    ...(m.traceSampled !== undefined && { trace_sampled: { value: m.traceSampled } }),
  }));
}
