// Original file: node_modules/@grpc/grpc-js-xds/deps/envoy-api/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto

import type { SlowStartConfig as _envoy_extensions_load_balancing_policies_common_v3_SlowStartConfig, SlowStartConfig__Output as _envoy_extensions_load_balancing_policies_common_v3_SlowStartConfig__Output } from '../../../../../envoy/extensions/load_balancing_policies/common/v3/SlowStartConfig';
import type { LocalityLbConfig as _envoy_extensions_load_balancing_policies_common_v3_LocalityLbConfig, LocalityLbConfig__Output as _envoy_extensions_load_balancing_policies_common_v3_LocalityLbConfig__Output } from '../../../../../envoy/extensions/load_balancing_policies/common/v3/LocalityLbConfig';

export interface RoundRobin {
  'slow_start_config'?: (_envoy_extensions_load_balancing_policies_common_v3_SlowStartConfig | null);
  'locality_lb_config'?: (_envoy_extensions_load_balancing_policies_common_v3_LocalityLbConfig | null);
}

export interface RoundRobin__Output {
  'slow_start_config': (_envoy_extensions_load_balancing_policies_common_v3_SlowStartConfig__Output | null);
  'locality_lb_config': (_envoy_extensions_load_balancing_policies_common_v3_LocalityLbConfig__Output | null);
}
