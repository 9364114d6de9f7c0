import assert from 'node:assert/strict';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import { lookupType } from '../../../xds-server/envoy/protos.ts';
import { messageName, TYPE_URL, type TypeUrl } from '../../../xds-server/envoy/type-urls.ts';
import { translate, type ClientFlavor, type RenderedResource } from '../../../xds-server/translate/index.ts';
import { validateResource, validateResources, type IssueCode } from '../../../xds-server/validate/index.ts';
import { resetDocumentCounter, richMesh, renderMesh } from '../../support/config-builders.ts';

type Obj = Record<string, any>;

function rendered(flavor: ClientFlavor) {
  return renderMesh(richMesh(), flavor);
}

/** A rendered resource of the rich mesh, deep-copied and broken by `breakIt`. */
function broken(flavor: ClientFlavor, typeUrl: TypeUrl, name: string, breakIt: (m: Obj) => void): RenderedResource {
  const r = rendered(flavor).get(typeUrl)!.get(name)!;
  const message = structuredClone(r.message) as Obj;
  breakIt(message);
  return { ...r, message };
}

interface Row {
  family: string;
  flavor?: ClientFlavor;
  typeUrl: TypeUrl;
  name: string;
  breakIt: (m: Obj) => void;
  fieldPath: string;
  rule: string;
  code?: IssueCode;
  /** Expected config path the issue is traced back to. */
  configPath?: string;
}

const C = TYPE_URL.cluster;
const E = TYPE_URL.endpoint;
const L = TYPE_URL.listener;
const R = TYPE_URL.route;
const route0 = (m: Obj) => m.virtual_hosts[0].routes[0];
const lbe0 = (m: Obj) => m.endpoints[0].lb_endpoints[0];
const hcm = (m: Obj) => m.filter_chains[0].filters[0].typed_config;

const ROWS: Row[] = [
  { family: 'string min_len', typeUrl: C, name: 'greeter', breakIt: (m) => (m.name = ''), fieldPath: 'name', rule: 'string.min_len' },
  { family: 'string max_bytes', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (m.virtual_hosts[0].request_headers_to_add = [{ header: { key: 'x'.repeat(16385), value: 'v' } }]), fieldPath: 'virtual_hosts[0].request_headers_to_add[0].header.key', rule: 'string.max_bytes' },
  { family: 'string well_known_regex HTTP_HEADER_NAME', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (route0(m).match.headers[0].name = 'x-\nbad'), fieldPath: 'virtual_hosts[0].routes[0].match.headers[0].name', rule: 'string.well_known_regex', configPath: 'spec.rules[0].match.headers[0]' },
  { family: 'string well_known_regex HTTP_HEADER_VALUE', typeUrl: C, name: 'greeter', breakIt: (m) => (m.health_checks[1].http_health_check.path = '/ready\r\n'), fieldPath: 'health_checks[1].http_health_check.path', rule: 'string.well_known_regex', configPath: 'spec.healthChecks[1]' },
  { family: 'string pattern', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (route0(m).match = { path_separated_prefix: '/api/' }), fieldPath: 'virtual_hosts[0].routes[0].match.path_separated_prefix', rule: 'string.pattern' },
  { family: 'string in (inside an Any)', typeUrl: L, name: '0.0.0.0_15001', breakIt: (m) => (hcm(m).scheme_header_transformation = { scheme_to_overwrite: 'ftp' }), fieldPath: 'filter_chains[0].filters[0].typed_config.scheme_header_transformation.scheme_to_overwrite', rule: 'string.in', configPath: 'spec.listener' },
  { family: 'string min_len (inside a gRPC api_listener Any)', flavor: 'grpc', typeUrl: L, name: 'greeter.mesh', breakIt: (m) => (m.api_listener.api_listener.stat_prefix = ''), fieldPath: 'api_listener.api_listener.stat_prefix', rule: 'string.min_len', configPath: 'spec.hosts[0]' },
  { family: 'uint32 gte (UInt32Value wrapper)', typeUrl: E, name: 'greeter', breakIt: (m) => (lbe0(m).load_balancing_weight = { value: 0 }), fieldPath: 'endpoints[0].lb_endpoints[0].load_balancing_weight', rule: 'uint32.gte', configPath: 'spec.endpoints[0]' },
  { family: 'uint32 gte (gRPC locality weight)', flavor: 'grpc', typeUrl: E, name: 'greeter', breakIt: (m) => (m.endpoints[1].load_balancing_weight = { value: 0 }), fieldPath: 'endpoints[1].load_balancing_weight', rule: 'uint32.gte', configPath: 'spec.endpoints[1]' },
  { family: 'uint32 lte (plain scalar)', typeUrl: E, name: 'greeter', breakIt: (m) => (lbe0(m).endpoint.address.socket_address.port_value = 70000), fieldPath: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value', rule: 'uint32.lte' },
  { family: 'uint32 gt with lte (inside an Any)', typeUrl: L, name: '0.0.0.0_15001', breakIt: (m) => (hcm(m).max_request_headers_kb = { value: 0 }), fieldPath: 'filter_chains[0].filters[0].typed_config.max_request_headers_kb', rule: 'uint32.gt' },
  { family: 'uint64 lte (UInt64Value wrapper)', typeUrl: C, name: 'sessions', breakIt: (m) => (m.ring_hash_lb_config.minimum_ring_size = { value: 9_000_000 }), fieldPath: 'ring_hash_lb_config.minimum_ring_size', rule: 'uint64.lte', configPath: 'spec.loadBalancing.ringHash' },
  { family: 'double lte (DoubleValue wrapper)', typeUrl: C, name: 'greeter', breakIt: (m) => (m.preconnect_policy = { per_upstream_preconnect_ratio: { value: 5 } }), fieldPath: 'preconnect_policy.per_upstream_preconnect_ratio', rule: 'double.lte' },
  { family: 'enum defined_only', typeUrl: C, name: 'greeter', breakIt: (m) => (m.lb_policy = 99), fieldPath: 'lb_policy', rule: 'enum.defined_only' },
  { family: 'enum not_in', typeUrl: C, name: 'greeter', breakIt: (m) => (m.health_checks[1].http_health_check.method = 'CONNECT'), fieldPath: 'health_checks[1].http_health_check.method', rule: 'enum.not_in' },
  { family: 'enum unknown name', typeUrl: C, name: 'greeter', breakIt: (m) => (m.lb_policy = 'FASTEST'), fieldPath: 'lb_policy', rule: 'type.enum', code: 'PROTO_WRONG_TYPE' },
  { family: 'bool const', typeUrl: L, name: '0.0.0.0_15001', breakIt: (m) => (m.listener_filters = [{ name: 'envoy.filters.listener.tls_inspector', filter_disabled: { any_match: false } }]), fieldPath: 'listener_filters[0].filter_disabled.any_match', rule: 'bool.const' },
  { family: 'message required', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => delete route0(m).match, fieldPath: 'virtual_hosts[0].routes[0].match', rule: 'message.required', configPath: 'spec.rules[0].match' },
  { family: 'oneof required', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => delete route0(m).route, fieldPath: 'virtual_hosts[0].routes[0].action', rule: 'oneof.required' },
  { family: 'oneof conflict', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (route0(m).route.cluster = 'greeter'), fieldPath: 'virtual_hosts[0].routes[0].route.cluster_specifier', rule: 'oneof.single', code: 'PROTO_ONEOF_CONFLICT' },
  { family: 'repeated min_items', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (m.virtual_hosts[0].domains = []), fieldPath: 'virtual_hosts[0].domains', rule: 'repeated.min_items' },
  { family: 'repeated max_items', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (m.virtual_hosts[0].request_headers_to_add = Array.from({ length: 1001 }, (_, i) => ({ header: { key: `x-${i}`, value: 'v' } }))), fieldPath: 'virtual_hosts[0].request_headers_to_add', rule: 'repeated.max_items' },
  { family: 'repeated unique', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (route0(m).route.internal_redirect_policy = { response_headers_to_copy: ['x-a', 'x-a'] }), fieldPath: 'virtual_hosts[0].routes[0].route.internal_redirect_policy.response_headers_to_copy[1]', rule: 'repeated.unique' },
  { family: 'repeated items', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (m.virtual_hosts[0].request_headers_to_remove = ['x-ok', '']), fieldPath: 'virtual_hosts[0].request_headers_to_remove[1]', rule: 'repeated.items.string.min_len' },
  { family: 'map keys', typeUrl: E, name: 'greeter', breakIt: (m) => (lbe0(m).metadata = { filter_metadata: { '': { fields: {} } } }), fieldPath: 'endpoints[0].lb_endpoints[0].metadata.filter_metadata[""]', rule: 'map.keys.string.min_len' },
  { family: 'duration gt', typeUrl: C, name: 'greeter', breakIt: (m) => (m.connect_timeout = { seconds: 0, nanos: 0 }), fieldPath: 'connect_timeout', rule: 'duration.gt', configPath: 'spec.connectTimeout' },
  { family: 'duration gt (non-zero limit)', typeUrl: C, name: 'greeter', breakIt: (m) => (m.dns_refresh_rate = { nanos: 500_000 }), fieldPath: 'dns_refresh_rate', rule: 'duration.gt' },
  { family: 'duration required', typeUrl: C, name: 'greeter', breakIt: (m) => delete m.health_checks[0].interval, fieldPath: 'health_checks[0].interval', rule: 'duration.required', configPath: 'spec.healthChecks[0]' },
  { family: 'duration range', typeUrl: R, name: 'route/greeter.mesh', breakIt: (m) => (route0(m).route.timeout = { seconds: 1, nanos: 2_000_000_000 }), fieldPath: 'virtual_hosts[0].routes[0].route.timeout', rule: 'duration.range', configPath: 'spec.rules[0].timeout' },
  { family: 'any required', typeUrl: C, name: 'greeter', breakIt: (m) => (m.load_balancing_policy = { policies: [{ typed_extension_config: { name: 'envoy.load_balancing_policies.round_robin' } }] }), fieldPath: 'load_balancing_policy.policies[0].typed_extension_config.typed_config', rule: 'any.required' },
  { family: 'any: unknown packed type', typeUrl: L, name: '0.0.0.0_15001', breakIt: (m) => (m.filter_chains[0].filters[0].typed_config = { '@type': 'type.googleapis.com/envoy.Nope' }), fieldPath: 'filter_chains[0].filters[0].typed_config.@type', rule: 'type.any', code: 'PROTO_UNKNOWN_TYPE' },
  { family: 'any: rules of an Any inside an Any', flavor: 'grpc', typeUrl: L, name: 'greeter.mesh', breakIt: (m) => (m.api_listener.api_listener.http_filters[0].typed_config.strict_check_headers = ['x-envoy-max-retries', 'x-bogus']), fieldPath: 'api_listener.api_listener.http_filters[0].typed_config.strict_check_headers[1]', rule: 'repeated.items.string.in' },
  { family: 'unknown field', typeUrl: C, name: 'greeter', breakIt: (m) => (m.connectTimeout = '1s'), fieldPath: 'connectTimeout', rule: 'field.known', code: 'PROTO_UNKNOWN_FIELD' },
  { family: 'wrong scalar type', typeUrl: E, name: 'greeter', breakIt: (m) => (lbe0(m).endpoint.address.socket_address.port_value = '80'), fieldPath: 'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value', rule: 'type.uint32', code: 'PROTO_WRONG_TYPE' },
];

describe('validate: Envoy proto rules', () => {
  beforeEach(() => resetDocumentCounter());

  for (const flavor of ['envoy', 'grpc'] as const) {
    it(`passes and encodes every resource translate renders for a rich mesh (${flavor})`, () => {
      const set = rendered(flavor);
      assert.deepEqual(validateResources(set), []);
      let count = 0;
      for (const [typeUrl, resources] of set) {
        const type = lookupType(messageName(typeUrl));
        for (const r of resources.values()) {
          const bytes = type.encode(type.fromObject(r.message)).finish();
          const back = type.toObject(type.decode(bytes), { enums: String, longs: Number }) as Obj;
          assert.equal(back.name ?? back.cluster_name, r.name);
          count++;
        }
      }
      assert.ok(count >= 8, `rendered ${count} resources`);
    });
  }

  it('keeps packed Any payloads intact through encoding', () => {
    const l = rendered('grpc').get(TYPE_URL.listener)!.get('greeter.mesh')!;
    const type = lookupType('envoy.config.listener.v3.Listener');
    const decoded = type.toObject(type.decode(type.encode(type.fromObject(l.message)).finish()), { enums: String }) as Obj;
    const any = decoded.api_listener.api_listener;
    const hcmType = lookupType(any.type_url);
    const hcm = hcmType.toObject(hcmType.decode(any.value)) as Obj;
    assert.equal(hcm.rds.route_config_name, 'route/greeter.mesh');
  });

  it(`has a bad-resource table covering ${ROWS.length} rule families`, () => {
    assert.ok(ROWS.length >= 20);
  });

  for (const row of ROWS) {
    it(`reports ${row.family} at ${row.fieldPath}`, () => {
      const resource = broken(row.flavor ?? 'envoy', row.typeUrl, row.name, row.breakIt);
      const issues = validateResource(resource);
      const hit = issues.find((i) => i.fieldPath === row.fieldPath && i.rule === row.rule);
      assert.ok(hit, `expected ${row.rule} at ${row.fieldPath}; got ${JSON.stringify(issues.map((i) => [i.fieldPath, i.rule, i.message]))}`);
      assert.equal(hit.code, row.code ?? 'PROTO_RULE');
      assert.equal(hit.resourceName, row.name);
      assert.equal(hit.origin.file, 'mesh.yaml');
      if (row.configPath) assert.equal(hit.origin.path, row.configPath);
    });
  }
});
