import assert from 'node:assert/strict';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import { endpointKeyFromSubZone } from '../../../api/locality.ts';
import type { MeshConfig } from '../../../api/config.ts';
import { TYPE_URL, type TypeUrl } from '../../../xds-server/envoy/type-urls.ts';
import { EXTENSION_TYPE_URL } from '../../../xds-server/translate/any.ts';
import { translate, type ClientFlavor, type RenderedResource } from '../../../xds-server/translate/index.ts';
import type { Decisions } from '../../../api/decisions.ts';
import {
  decisions,
  endpoint,
  meshConfig,
  resetDocumentCounter,
  richMesh,
  route,
  rule,
  service,
  weightOverride, renderMesh
} from '../../support/config-builders.ts';

type Obj = Record<string, any>;

function render(config: MeshConfig, flavor: ClientFlavor, d: Decisions = NO_DECISIONS, now = 0) {
  const set = renderMesh(config, flavor, d, now);
  const get = (typeUrl: TypeUrl, name: string): RenderedResource => {
    const r = set.get(typeUrl)?.get(name);
    assert.ok(r, `${typeUrl} ${name} rendered; have ${[...(set.get(typeUrl)?.keys() ?? [])].join(', ')}`);
    return r;
  };
  return { set, get, msg: (typeUrl: TypeUrl, name: string) => get(typeUrl, name).message as Obj };
}

/** endpoint address → [locality weight, endpoint weight] of a gRPC assignment. */
function grpcWeights(cla: Obj): Record<string, [number, number]> {
  return Object.fromEntries(
    cla.endpoints.map((l: Obj) => [l.lb_endpoints[0].endpoint.address.socket_address.address, [l.load_balancing_weight.value, l.lb_endpoints[0].load_balancing_weight.value]]),
  );
}

describe('translate', () => {
  beforeEach(() => resetDocumentCounter());

  it('is pure: the same snapshot renders deep-equal sets', () => {
    const config = richMesh();
    for (const flavor of ['envoy', 'grpc'] as const) {
      assert.deepEqual(render(config, flavor).set, render(config, flavor).set);
    }
  });

  describe('clusters', () => {
    it('are EDS over ADS (v3) with LRS to Prescient, for both flavors', () => {
      for (const flavor of ['envoy', 'grpc'] as const) {
        const c = render(richMesh(), flavor).msg(TYPE_URL.cluster, 'greeter');
        assert.equal(c.type, 'EDS');
        assert.deepEqual(c.eds_cluster_config, { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: 'greeter' });
        assert.deepEqual(c.lrs_server, { self: {} });
        assert.deepEqual(c.connect_timeout, { seconds: 0, nanos: 250_000_000 });
        assert.equal(c.lb_policy, 'ROUND_ROBIN');
        assert.deepEqual(c.outlier_detection.consecutive_5xx, { value: 5 });
        assert.deepEqual(c.outlier_detection.base_ejection_time, { seconds: 30, nanos: 0 });
        assert.deepEqual(c.outlier_detection.enforcing_consecutive_gateway_failure, { value: 100 });
      }
    });

    it('carry ring hash settings with the hash function gRPC accepts', () => {
      const c = render(richMesh(), 'grpc').msg(TYPE_URL.cluster, 'sessions');
      assert.equal(c.lb_policy, 'RING_HASH');
      assert.deepEqual(c.ring_hash_lb_config, { hash_function: 'XX_HASH', minimum_ring_size: { value: 1024 }, maximum_ring_size: { value: 8192 } });
    });

    it('give Envoy health checks and HTTP/2 upstreams for gRPC services, and gRPC neither', () => {
      const envoy = render(richMesh(), 'envoy');
      const c = envoy.msg(TYPE_URL.cluster, 'greeter');
      assert.equal(c.health_checks.length, 3);
      assert.deepEqual(c.health_checks[0].grpc_health_check, { service_name: '' });
      assert.deepEqual(c.health_checks[0].interval, { seconds: 5, nanos: 0 });
      assert.deepEqual(c.health_checks[0].no_traffic_interval, c.health_checks[0].interval, 'not Envoy\'s 60 s before the first request');
      assert.deepEqual(c.health_checks[1].http_health_check, { path: '/ready', codec_client_type: 'HTTP2' });
      assert.deepEqual(c.health_checks[2].tcp_health_check, {});
      const options = c.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
      assert.equal(options['@type'], EXTENSION_TYPE_URL.httpProtocolOptions);
      assert.deepEqual(options.explicit_http_config, { http2_protocol_options: {} });
      assert.equal(envoy.msg(TYPE_URL.cluster, 'sessions').typed_extension_protocol_options, undefined, 'plain HTTP stays HTTP/1');

      const grpc = render(richMesh(), 'grpc').msg(TYPE_URL.cluster, 'greeter');
      assert.equal(grpc.health_checks, undefined);
      assert.equal(grpc.typed_extension_protocol_options, undefined);
    });

    it('fall back to round robin for policies proxyless gRPC rejects', () => {
      const config = meshConfig(service('s', { loadBalancing: { policy: 'LEAST_REQUEST' } }));
      assert.equal(render(config, 'grpc').msg(TYPE_URL.cluster, 's').lb_policy, 'ROUND_ROBIN');
      assert.equal(render(config, 'envoy').msg(TYPE_URL.cluster, 's').lb_policy, 'LEAST_REQUEST');
    });
  });

  describe('endpoints for Envoy', () => {
    it('group by locality with per-endpoint weights and locality weight = serving sum', () => {
      const cla = render(richMesh(), 'envoy').msg(TYPE_URL.endpoint, 'greeter');
      assert.equal(cla.cluster_name, 'greeter');
      assert.equal(cla.endpoints.length, 2);
      const [a, b] = cla.endpoints;
      assert.deepEqual(a.locality, { region: 'eu', zone: 'eu-a', sub_zone: '' });
      assert.deepEqual(a.lb_endpoints.map((e: Obj) => e.load_balancing_weight.value), [3, 4], 'static 3, pinned 4');
      assert.deepEqual(a.load_balancing_weight, { value: 7 });
      assert.deepEqual(a.lb_endpoints[0].metadata, { filter_metadata: { 'envoy.lb': { fields: { version: { stringValue: 'v1' } } } } });
      assert.equal(b.lb_endpoints[0].health_status, 'DRAINING');
      assert.equal(b.lb_endpoints[0].endpoint.hostname, 'greeter-3.example.com');
      assert.equal(b.load_balancing_weight, undefined, 'a locality with only draining endpoints carries no weight');
    });
  });

  describe('endpoints for gRPC', () => {
    it('render each serving endpoint in its own weighted locality and omit draining ones', () => {
      const cla = render(richMesh(), 'grpc').msg(TYPE_URL.endpoint, 'greeter');
      assert.deepEqual(grpcWeights(cla), { '10.0.0.1': [3, 3], '10.0.0.2': [4, 4] });
      const subZones = cla.endpoints.map((l: Obj) => l.locality.sub_zone);
      assert.deepEqual(subZones.map(endpointKeyFromSubZone), ['10.0.0.1:50051', '10.0.0.2:50051']);
      assert.deepEqual(
        { region: cla.endpoints[0].locality.region, zone: cla.endpoints[0].locality.zone },
        { region: 'eu', zone: 'eu-a' },
      );
    });

    it('keep locality weight 1 under ring hash, where gRPC multiplies locality and endpoint weights', () => {
      const cla = render(richMesh(), 'grpc').msg(TYPE_URL.endpoint, 'sessions');
      assert.deepEqual(grpcWeights(cla), { '10.0.2.1': [1, 1], '10.0.2.2': [1, 5] });
    });
  });

  describe('weights', () => {
    const config = () =>
      meshConfig(
        service('s', { endpoints: [endpoint('10.0.0.1', 80, { weight: 2 }), endpoint('10.0.0.2', 80, { weight: 2 }), endpoint('10.0.0.3', 80)] }),
        weightOverride('cap', { service: 's', ceiling: 40 }),
        weightOverride('pin', { service: 's', endpoint: '10.0.0.3:80', pin: 7, expiresAt: '1970-01-01T00:01:00Z' }),
      );
    const scored = decisions({ s: { '10.0.0.1:80': 90, '10.0.0.3:80': 20 } });

    it('take the scorer over static weights and let overrides win', () => {
      const cla = render(config(), 'grpc', scored, 0).msg(TYPE_URL.endpoint, 's');
      assert.deepEqual(grpcWeights(cla), { '10.0.0.1': [40, 40], '10.0.0.2': [2, 2], '10.0.0.3': [7, 7] });
    });

    it('ignore overrides once they expire', () => {
      const cla = render(config(), 'grpc', scored, 61_000).msg(TYPE_URL.endpoint, 's');
      assert.equal(grpcWeights(cla)['10.0.0.3'][0], 20);
    });
  });

  describe('listeners', () => {
    it('bind an Envoy socket listener with an HCM that fetches its routes over ADS', () => {
      const { msg, get } = render(richMesh(), 'envoy');
      const l = msg(TYPE_URL.listener, '0.0.0.0_15001');
      assert.deepEqual(l.address, { socket_address: { address: '0.0.0.0', port_value: 15001 } });
      const filter = l.filter_chains[0].filters[0];
      assert.equal(filter.name, 'envoy.filters.network.http_connection_manager');
      assert.equal(filter.typed_config['@type'], EXTENSION_TYPE_URL.httpConnectionManager);
      assert.deepEqual(filter.typed_config.rds, { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: 'route/greeter.mesh' });
      assert.equal(filter.typed_config.http_filters.at(-1).name, 'envoy.filters.http.router');
      assert.equal(get(TYPE_URL.listener, '0.0.0.0_15001').origin.path, 'spec.listener');
    });

    it('give gRPC an api_listener per host, with a typed router filter', () => {
      const { msg } = render(richMesh(), 'grpc');
      for (const host of ['greeter.mesh', 'greeter.mesh:50051']) {
        const hcm = msg(TYPE_URL.listener, host).api_listener.api_listener;
        assert.equal(hcm['@type'], EXTENSION_TYPE_URL.httpConnectionManager);
        assert.equal(hcm.rds.route_config_name, 'route/greeter.mesh');
        assert.deepEqual(hcm.http_filters, [{ name: 'envoy.filters.http.router', typed_config: { '@type': EXTENSION_TYPE_URL.router } }]);
      }
    });

    it('add implicit gRPC listeners and routes for every service no Route claims', () => {
      const config = meshConfig(service('a'), service('b'), route('b', { hosts: ['b'], rules: [rule(['a'])] }));
      const { set, msg } = render(config, 'grpc');
      assert.deepEqual([...set.get(TYPE_URL.listener)!.keys()].sort(), ['a', 'b']);
      assert.deepEqual([...set.get(TYPE_URL.route)!.keys()].sort(), ['route/b', 'service/a']);
      assert.equal(msg(TYPE_URL.listener, 'b').api_listener.api_listener.rds.route_config_name, 'route/b', 'the Route claims host b');
      assert.deepEqual(msg(TYPE_URL.route, 'service/a').virtual_hosts[0], {
        name: 'a',
        domains: ['a'],
        routes: [{ match: { prefix: '' }, route: { cluster: 'a' } }],
      });
      const envoy = render(config, 'envoy').set;
      assert.equal(envoy.get(TYPE_URL.listener)!.size, 0, 'Envoy gets no implicit listeners');
      assert.deepEqual([...envoy.get(TYPE_URL.route)!.keys()], ['route/b']);
    });

    it('record a second Route on the same port as a conflict, keeping the first', () => {
      const config = meshConfig(service('a'), route('r1', { listener: { port: 80 }, rules: [rule(['a'])] }), route('r2', { listener: { port: 80 }, rules: [rule(['a'])] }));
      const l = render(config, 'envoy').get(TYPE_URL.listener, '0.0.0.0_80');
      assert.equal(l.origin.name, 'r1');
      assert.deepEqual(l.conflicts?.map((o) => [o.name, o.documentIndex, o.path]), [['r2', 2, 'spec.listener']]);
    });
  });

  describe('routes', () => {
    it('render matches, canary weighted clusters, timeout and retries', () => {
      for (const flavor of ['envoy', 'grpc'] as const) {
        const rc = render(richMesh(), flavor).msg(TYPE_URL.route, 'route/greeter.mesh');
        const vh = rc.virtual_hosts[0];
        assert.deepEqual(vh.domains, ['greeter.mesh', 'greeter.mesh:50051']);
        const [canary, regex, exact] = vh.routes;
        assert.deepEqual(canary.match, {
          prefix: '/helloworld.Greeter/',
          headers: [
            { name: 'x-canary', string_match: { exact: 'yes' } },
            { name: 'x-debug', present_match: true, invert_match: true },
          ],
        });
        assert.deepEqual(canary.route.weighted_clusters, { clusters: [{ name: 'greeter', weight: { value: 90 } }, { name: 'greeter-canary', weight: { value: 10 } }] });
        assert.deepEqual(canary.route.timeout, { seconds: 90, nanos: 0 });
        assert.deepEqual(canary.route.retry_policy, { retry_on: 'unavailable,cancelled', num_retries: { value: 3 }, per_try_timeout: { seconds: 0, nanos: 250_000_000 } });
        assert.equal(canary.route.request_mirror_policies, undefined);
        assert.deepEqual(regex.match, { safe_regex: { regex: '/helloworld\\..*' }, headers: [{ name: 'x-user', string_match: { safe_regex: { regex: 'a.+' } } }] });
        assert.deepEqual(regex.route, { cluster: 'greeter' });
        assert.deepEqual(exact.match, { path: '/healthz', headers: [{ name: 'x-env', string_match: { prefix: 'prod' } }] });
      }
    });
  });

  describe('origins', () => {
    it('name the document and, through fieldOrigins, the path of each part', () => {
      const { get } = render(richMesh(), 'envoy');
      const cluster = get(TYPE_URL.cluster, 'greeter');
      assert.deepEqual(cluster.origin, { kind: 'Service', name: 'greeter', file: 'mesh.yaml', documentIndex: 0, path: 'spec' });
      assert.equal(cluster.fieldOrigins?.get('outlier_detection.interval'), 'spec.outlierDetection.interval');
      assert.equal(cluster.fieldOrigins?.get('health_checks[1]'), 'spec.healthChecks[1]');

      const cla = get(TYPE_URL.endpoint, 'greeter');
      assert.equal(cla.fieldOrigins?.get('endpoints[1].lb_endpoints[0]'), 'spec.endpoints[2]');

      const rc = get(TYPE_URL.route, 'route/greeter.mesh');
      assert.equal(rc.origin.documentIndex, 3);
      assert.equal(rc.fieldOrigins?.get('virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1]'), 'spec.rules[0].backends[1]');
      assert.equal(rc.fieldOrigins?.get('virtual_hosts[0].routes[0].match.headers[1]'), 'spec.rules[0].match.headers[1]');
      assert.equal(rc.fieldOrigins?.get('virtual_hosts[0].domains[1]'), 'spec.hosts[1]');
    });

    it('point gRPC per-endpoint localities and implicit resources at their service', () => {
      const { get } = render(richMesh(), 'grpc');
      assert.equal(get(TYPE_URL.endpoint, 'greeter').fieldOrigins?.get('endpoints[1]'), 'spec.endpoints[1]');
      const implicit = get(TYPE_URL.route, 'service/sessions');
      assert.deepEqual([implicit.origin.kind, implicit.origin.name, implicit.origin.path], ['Service', 'sessions', 'metadata.name']);
      assert.equal(get(TYPE_URL.listener, 'greeter.mesh:50051').origin.path, 'spec.hosts[1]');
    });
  });
});
