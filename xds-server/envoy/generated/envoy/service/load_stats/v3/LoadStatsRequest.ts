// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/service/load_stats/v3/lrs.proto

import type { Node as _envoy_config_core_v3_Node, Node__Output as _envoy_config_core_v3_Node__Output } from '../../../../envoy/config/core/v3/Node';
import type { ClusterStats as _envoy_config_endpoint_v3_ClusterStats, ClusterStats__Output as _envoy_config_endpoint_v3_ClusterStats__Output } from '../../../../envoy/config/endpoint/v3/ClusterStats';

export interface LoadStatsRequest {
  'node'?: (_envoy_config_core_v3_Node | null);
  'cluster_stats'?: (_envoy_config_endpoint_v3_ClusterStats)[];
}

export interface LoadStatsRequest__Output {
  'node': (_envoy_config_core_v3_Node__Output | null);
  'cluster_stats': (_envoy_config_endpoint_v3_ClusterStats__Output)[];
}
