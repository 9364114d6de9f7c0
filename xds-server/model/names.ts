/**
 * Every xDS resource name Prescient renders is formed here (DESIGN §11), so the cluster a route
 * names, the assignment a cluster waits for and the route configuration a listener asks for
 * always agree.
 */

/**
 * A service's cluster is named after the service: gRPC clients see it in LRS reports and
 * channelz, Envoy in its stats, and both are easiest to read with the admin's own name.
 */
export function clusterName(service: string): string {
  return service;
}

/** EDS resource of a cluster (its `eds_cluster_config.service_name`). */
export function assignmentName(service: string): string {
  return clusterName(service);
}

/** RouteConfiguration rendered from a Route document. */
export function routeConfigName(route: string): string {
  return `route/${route}`;
}

/** RouteConfiguration rendered for a Service that no Route claims (gRPC `xds:///<service>`). */
export function implicitRouteConfigName(service: string): string {
  return `service/${service}`;
}

/**
 * gRPC resolves `xds:///<host>` by asking for a Listener named exactly `<host>`, so api_listener
 * names are the hosts themselves.
 */
export function apiListenerName(host: string): string {
  return host;
}

/**
 * Envoy socket listeners are named by the address they bind (Istio's convention), so two Route
 * documents claiming one port collide on the name and the validator reports both.
 */
export function socketListenerName(address: string, port: number): string {
  return `${address}_${port}`;
}

/** Prefix of the HTTP connection manager's stats for a route configuration. */
export function statPrefix(routeConfig: string): string {
  return routeConfig.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Envoy's well-known extension names. */
export const HTTP_CONNECTION_MANAGER_FILTER = 'envoy.filters.network.http_connection_manager';
export const ROUTER_FILTER = 'envoy.filters.http.router';
export const HTTP_PROTOCOL_OPTIONS_EXTENSION = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
