/**
 * The HTTP connection manager both flavors use: routes from RDS over ADS and the router filter
 * last. gRPC requires the router filter's typed_config to be present to accept the listener.
 */
import type { HttpConnectionManager } from '../envoy/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.ts';
import type { Any } from '../envoy/generated/google/protobuf/Any.ts';
import { EXTENSION_TYPE_URL, packAny } from './any.ts';
import { adsConfigSource } from './config-source.ts';
import { ROUTER_FILTER, statPrefix } from '../model/names.ts';

export function httpConnectionManager(routeConfigName: string): Any {
  const hcm: HttpConnectionManager = {
    stat_prefix: statPrefix(routeConfigName),
    rds: { config_source: adsConfigSource(), route_config_name: routeConfigName },
    http_filters: [{ name: ROUTER_FILTER, typed_config: packAny(EXTENSION_TYPE_URL.router, {}) }],
  };
  return packAny(EXTENSION_TYPE_URL.httpConnectionManager, hcm);
}
