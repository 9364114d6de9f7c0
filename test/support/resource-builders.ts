/** Tiny builders of rendered xDS resources and sets, for cache and transport tests. */
import { TYPE_URL, type TypeUrl } from '../../xds-server/envoy/type-urls.ts';
import type { RenderedResource, RenderedSet } from '../../xds-server/translate/types.ts';

function rendered(typeUrl: TypeUrl, name: string, message: Record<string, unknown>): RenderedResource {
  return { typeUrl, name, message, origin: { kind: 'Test', name, file: 'test', documentIndex: 0, path: 'spec' } };
}

/** An EDS cluster fed over ADS; `connectTimeoutS` varies content without renaming. */
export function cluster(name: string, connectTimeoutS = 1): RenderedResource {
  return rendered(TYPE_URL.cluster, name, {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    connect_timeout: { seconds: connectTimeoutS },
  });
}

export interface TestEndpoint {
  address: string;
  port: number;
  weight?: number;
}

export function clusterLoadAssignment(name: string, endpoints: TestEndpoint[] = [{ address: '127.0.0.1', port: 8080 }]): RenderedResource {
  return rendered(TYPE_URL.endpoint, name, {
    cluster_name: name,
    endpoints: [
      {
        locality: { region: 'r', zone: 'z' },
        load_balancing_weight: { value: 1 },
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
          load_balancing_weight: { value: e.weight ?? 1 },
        })),
      },
    ],
  });
}

/** An API listener (the gRPC form) whose HTTP connection manager takes its routes over RDS. */
export function listener(name: string, routeConfigName: string): RenderedResource {
  return rendered(TYPE_URL.listener, name, {
    name,
    api_listener: {
      api_listener: {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        rds: { route_config_name: routeConfigName, config_source: { ads: {}, resource_api_version: 'V3' } },
        http_filters: [{ name: 'router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      },
    },
  });
}

/** A route configuration with one virtual host sending everything to `clusterName`. */
export function routeConfiguration(name: string, clusterName: string, domain = '*'): RenderedResource {
  return rendered(TYPE_URL.route, name, {
    name,
    virtual_hosts: [{ name: `${name}-vh`, domains: [domain], routes: [{ match: { prefix: '' }, route: { cluster: clusterName } }] }],
  });
}

export function renderedSet(...resources: RenderedResource[]): RenderedSet {
  const set = new Map<TypeUrl, Map<string, RenderedResource>>();
  for (const r of resources) {
    let byName = set.get(r.typeUrl);
    if (!byName) set.set(r.typeUrl, (byName = new Map()));
    byName.set(r.name, r);
  }
  return set;
}

/** A complete service: cluster, endpoints, listener and route, all named after it. */
export function service(name: string, opts: { connectTimeoutS?: number; endpoints?: TestEndpoint[]; routeTo?: string } = {}): RenderedResource[] {
  return [
    cluster(name, opts.connectTimeoutS),
    clusterLoadAssignment(name, opts.endpoints),
    listener(name, name),
    routeConfiguration(name, opts.routeTo ?? name),
  ];
}
