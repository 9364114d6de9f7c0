// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/config/endpoint/v3/load_report.proto

import type { UpstreamLocalityStats as _envoy_config_endpoint_v3_UpstreamLocalityStats, UpstreamLocalityStats__Output as _envoy_config_endpoint_v3_UpstreamLocalityStats__Output } from '../../../../envoy/config/endpoint/v3/UpstreamLocalityStats';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../../../google/protobuf/Duration';
import type { Long } from '@grpc/proto-loader';

export interface _envoy_config_endpoint_v3_ClusterStats_DroppedRequests {
  'category'?: (string);
  'dropped_count'?: (number | string | Long);
}

export interface _envoy_config_endpoint_v3_ClusterStats_DroppedRequests__Output {
  'category': (string);
  'dropped_count': (string);
}

export interface ClusterStats {
  'cluster_name'?: (string);
  'upstream_locality_stats'?: (_envoy_config_endpoint_v3_UpstreamLocalityStats)[];
  'total_dropped_requests'?: (number | string | Long);
  'load_report_interval'?: (_google_protobuf_Duration | null);
  'dropped_requests'?: (_envoy_config_endpoint_v3_ClusterStats_DroppedRequests)[];
  'cluster_service_name'?: (string);
}

export interface ClusterStats__Output {
  'cluster_name': (string);
  'upstream_locality_stats': (_envoy_config_endpoint_v3_UpstreamLocalityStats__Output)[];
  'total_dropped_requests': (string);
  'load_report_interval': (_google_protobuf_Duration__Output | null);
  'dropped_requests': (_envoy_config_endpoint_v3_ClusterStats_DroppedRequests__Output)[];
  'cluster_service_name': (string);
}
