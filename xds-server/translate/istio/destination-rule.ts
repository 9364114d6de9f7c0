/**
 * One DestinationRule per ServiceEntry: the cluster's load-balancing policy, connect timeout and
 * outlier detection, in Istio's words.
 *
 * RING_HASH and MAGLEV need a hash key in Istio; Prescient's Envoy rendering hashes nothing in
 * particular, so the key here is the source IP (each client sticks to an endpoint, weights still
 * size each endpoint's share of the ring). Istio turns on locality failover whenever outlier
 * detection is set (mesh `localityLbSetting`); endpoints in several localities are then preferred
 * by proximity to the proxy before weights apply (docs/istio.md).
 */
import type { LbPolicy, OutlierDetectionSpec } from '../../../api/config.ts';
import { toProtoDuration } from '../../../api/duration.ts';
import type { ModelCluster } from '../../../api/mesh-model.ts';
import { istioHost } from './hosts.ts';
import { MANAGED_BY_LABEL, type IstioResource, type IstioTranslateOptions } from './types.ts';

function loadBalancer(policy: LbPolicy, ringHash: ModelCluster['ringHash']): Record<string, unknown> {
  switch (policy) {
    case 'LEAST_REQUEST':
      return { simple: 'LEAST_REQUEST' };
    case 'RANDOM':
      return { simple: 'RANDOM' };
    case 'RING_HASH':
      return { consistent_hash: { use_source_ip: true, ring_hash: ringHash?.minimumRingSize !== undefined ? { minimum_ring_size: ringHash.minimumRingSize } : {} } };
    case 'MAGLEV':
      return { consistent_hash: { use_source_ip: true, maglev: {} } };
    default:
      return { simple: 'ROUND_ROBIN' };
  }
}

export function outlierDetection(spec: OutlierDetectionSpec): Record<string, unknown> {
  return {
    ...(spec.consecutive5xx !== undefined && { consecutive_5xx_errors: { value: spec.consecutive5xx } }),
    ...(spec.consecutiveGatewayFailure !== undefined && { consecutive_gateway_errors: { value: spec.consecutiveGatewayFailure } }),
    ...(spec.interval !== undefined && { interval: toProtoDuration(spec.interval) }),
    ...(spec.baseEjectionTime !== undefined && { base_ejection_time: toProtoDuration(spec.baseEjectionTime) }),
    ...(spec.maxEjectionPercent !== undefined && { max_ejection_percent: spec.maxEjectionPercent }),
  };
}

export function destinationRule(cluster: ModelCluster, o: IstioTranslateOptions): IstioResource {
  return {
    kind: 'DestinationRule',
    namespace: o.namespace,
    name: cluster.name,
    labels: { ...MANAGED_BY_LABEL, 'prescient.dev/service': cluster.service },
    spec: {
      host: istioHost(cluster.name, o),
      traffic_policy: {
        load_balancer: loadBalancer(cluster.lbPolicy, cluster.ringHash),
        ...(cluster.connectTimeout !== undefined && { connection_pool: { tcp: { connect_timeout: toProtoDuration(cluster.connectTimeout) } } }),
        ...(cluster.outlierDetection && { outlier_detection: outlierDetection(cluster.outlierDetection) }),
      },
    },
  };
}
