/**
 * Shadow settings in a Service's placement template (`spec.shadowNetwork`): bad documents with
 * their error codes and paths; the same shadow cluster and mirror the ShadowNetwork kind derives;
 * `event` fidelity rendered as split routes carrying the shadow mirror only for matching requests
 * (a request matching two event matchers is copied once); `scope: graph` following `calls`
 * through Routes and the callees' own templates, with shadow views: a node group labelled
 * `prescient.dev/shadow=true` sees each graph Service with its shadow's endpoints and every other
 * Service with none, and routes without mirror policies, while other groups see the primaries.
 */
import assert from 'node:assert/strict';
import { API_VERSION } from '../../api/config.ts';
import { mirrorPlan } from '../../mirror/mirror-rules.ts';
import { SHADOW_AUDIENCE, shadowPlan } from '../../mirror/shadow-networks.ts';
import { CONFIG_ERROR, formatConfigError, type ConfigErrorCode } from '../../xds-server/config/errors.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../xds-server/translate/index.ts';
import { validateResources } from '../../xds-server/validate/index.ts';
import { routeDoc, serviceDoc, yamlOf, type Doc } from '../xds-server/config/builders.ts';

type Obj = Record<string, any>;

const EP = [{ address: '10.9.0.1', port: 8080 }];
const withShadow = (name: string, shadowNetwork: Doc, extra: Doc = {}) => serviceDoc(name, { protocol: 'http', ...extra, shadowNetwork: { endpoints: EP, ...shadowNetwork } });
const shadowDoc = (service: string, spec: Doc = {}): Doc => ({ apiVersion: API_VERSION, kind: 'ShadowNetwork', metadata: { name: service }, spec: { service, endpoints: EP, ...spec } });
const front = routeDoc('front', { hosts: ['front'], listener: { port: 10000 }, rules: [{ backends: [{ service: 'orders' }] }] });

function load(...docs: Doc[]) {
  const r = parseConfigText(yamlOf(...docs), 'mesh.yaml');
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatConfigError).join('\n'));
  return r.config;
}

function modelOf(config: ReturnType<typeof load>) {
  const shadow = shadowPlan(config);
  const slice = { mirrors: [...mirrorPlan(config).decisions, ...shadow.mirrors], clusters: shadow.clusters, ...(shadow.shadowViews && { shadowViews: shadow.shadowViews }) };
  return buildMeshModel(config, new Map([['mirror', slice]]), 0);
}

const S = CONFIG_ERROR.schema;
const V = CONFIG_ERROR.value;

describe('Service shadow template (spec.shadowNetwork)', () => {
  const CASES: [string, Doc[], ConfigErrorCode, string, number][] = [
    ['no shadow endpoints', [serviceDoc('orders', { shadowNetwork: {} })], S, 'spec.shadowNetwork.endpoints', 0],
    ['sampled without percent', [withShadow('orders', { fidelity: { mode: 'sampled' } })], S, 'spec.shadowNetwork.fidelity', 0],
    ['an unknown scope', [withShadow('orders', { scope: 'mesh' })], S, 'spec.shadowNetwork.scope', 0],
    ['percent with mode full', [withShadow('orders', { fidelity: { mode: 'full', percent: 5 } })], V, 'spec.shadowNetwork.fidelity.percent', 0],
    ['events with mode sampled', [withShadow('orders', { fidelity: { mode: 'sampled', percent: 5, events: [{ methods: ['POST'] }] } })], V, 'spec.shadowNetwork.fidelity.events', 0],
    ['an event regex that is not RE2', [withShadow('orders', { fidelity: { mode: 'event', events: [{ regex: '/(?!health)' }] } })], V, 'spec.shadowNetwork.fidelity.events[0].regex', 0],
    ['an event method in lower case', [withShadow('orders', { fidelity: { mode: 'event', events: [{ methods: ['post'] }] } })], S, 'spec.shadowNetwork.fidelity.events[0].methods[0]', 0],
    ['calls without scope graph', [withShadow('orders', { calls: ['stock'] }), withShadow('stock', {})], V, 'spec.shadowNetwork.calls', 0],
    ['calls naming neither a Service nor a Route host', [withShadow('orders', { scope: 'graph', calls: ['nope'] })], CONFIG_ERROR.reference, 'spec.shadowNetwork.calls[0]', 0],
    ['calls naming the Service itself', [withShadow('orders', { scope: 'graph', calls: ['orders'] })], V, 'spec.shadowNetwork.calls[0]', 0],
    ['a graph reaching a Service without shadow endpoints', [withShadow('orders', { scope: 'graph', calls: ['stock'] }), serviceDoc('stock')], CONFIG_ERROR.reference, 'spec.shadowNetwork.scope', 0],
    ['a template and a ShadowNetwork for one Service', [withShadow('orders', {}), shadowDoc('orders')], CONFIG_ERROR.conflict, 'spec.service', 1],
  ];
  for (const [name, docs, code, path, index] of CASES) {
    it(`rejects ${name} with ${code} at ${path}`, () => {
      const r = parseConfigText(yamlOf(...docs), 'mesh.yaml');
      assert.equal(r.ok, false);
      if (r.ok) return;
      const hit = r.errors.find((e) => e.code === code && e.path === path);
      assert.ok(hit, `expected ${code} at ${path}, got:\n${r.errors.map(formatConfigError).join('\n')}`);
      assert.equal(hit.documentIndex, index);
    });
  }

  it('derives the same shadow cluster and mirror as the ShadowNetwork kind (full and sampled)', () => {
    for (const fidelity of [undefined, { mode: 'sampled', percent: 12.5 }]) {
      const f = fidelity ? { fidelity } : {};
      const fromTemplate = shadowPlan(load(withShadow('orders', f), front));
      const fromKind = shadowPlan(load(serviceDoc('orders', { protocol: 'http' }), front, shadowDoc('orders', f)));
      assert.deepEqual(fromTemplate.clusters, fromKind.clusters);
      assert.deepEqual(fromTemplate.mirrors, fromKind.mirrors);
      assert.deepEqual(fromTemplate.mirrors, [{ service: 'orders', target: 'orders-shadow', percent: fidelity ? 12.5 : 100 }]);
      assert.deepEqual(fromTemplate.shadows.map((s) => [s.source, s.cluster, s.fidelity, s.scope]), [['Service', 'orders-shadow', fidelity ? 'sampled' : 'full', 'service']]);
    }
    assert.deepEqual(shadowPlan(load(withShadow('orders', { enabled: false }), front)).clusters, [], 'enabled: false renders nothing');
  });

  it('event fidelity: state-changing methods by default, copied through a split route, once per request', () => {
    const m = modelOf(load(withShadow('orders', { fidelity: { mode: 'event' } }), front));
    const envoy = translate(m, { group: 'e', flavor: 'envoy', labels: {} });
    assert.deepEqual(validateResources(envoy), []);
    const routes = (envoy.get(TYPE_URL.route)!.get('route/front')!.message as Obj).virtual_hosts[0].routes;
    assert.equal(routes.length, 2);
    assert.deepEqual(routes[0].match, { prefix: '', headers: [{ name: ':method', string_match: { safe_regex: { regex: 'POST|PUT|PATCH|DELETE' } } }] });
    assert.deepEqual(routes[0].route.request_mirror_policies, [{ cluster: 'orders-shadow', runtime_fraction: { default_value: { numerator: 1_000_000, denominator: 'MILLION' } } }]);
    assert.equal(routes[1].route.request_mirror_policies, undefined, 'reads are not copied');

    const two = modelOf(load(withShadow('orders', { fidelity: { mode: 'event', events: [{ prefix: '/orders', methods: ['POST'] }, { headers: [{ name: 'x-event', present: true }] }] } }), front));
    const split = (translate(two, { group: 'e', flavor: 'envoy', labels: {} }).get(TYPE_URL.route)!.get('route/front')!.message as Obj).virtual_hosts[0].routes;
    assert.equal(split.length, 4, 'both matchers, each alone, then the rule');
    assert.deepEqual(split.map((r: Obj) => r.route.request_mirror_policies?.length ?? 0), [1, 1, 1, 0], 'a request matching both matchers is copied once');
  });

  describe('scope: graph', () => {
    // orders calls "stock-api" (a Route over stock-a and stock-b); stock-a calls pricing.
    const graphDocs = () => [
      withShadow('orders', { scope: 'graph', calls: ['stock-api'] }, { endpoints: [{ address: '10.0.0.1', port: 80 }] }),
      withShadow('stock-a', { enabled: false, calls: ['pricing'], scope: 'graph', endpoints: [{ address: '10.9.1.1', port: 80 }] }, { endpoints: [{ address: '10.0.1.1', port: 80 }] }),
      withShadow('stock-b', { enabled: false, endpoints: [{ address: '10.9.2.1', port: 80 }] }, { endpoints: [{ address: '10.0.2.1', port: 80 }] }),
      withShadow('pricing', { enabled: false, endpoints: [{ address: '10.9.3.1', port: 80 }] }, { endpoints: [{ address: '10.0.3.1', port: 80 }] }),
      serviceDoc('billing', { protocol: 'http', endpoints: [{ address: '10.0.4.1', port: 80 }] }),
      front,
      routeDoc('stock', { hosts: ['stock-api'], rules: [{ backends: [{ service: 'stock-a', weight: 9 }, { service: 'stock-b', weight: 1 }] }] }),
    ];

    it('follows calls through Routes and the callees\' templates; only the root is fed by mirroring', () => {
      const plan = shadowPlan(load(...graphDocs()));
      assert.deepEqual(plan.shadows.find((s) => s.service === 'orders')!.graph, ['orders', 'stock-a', 'stock-b', 'pricing']);
      assert.deepEqual(plan.clusters.map((c) => [c.name, c.endpoints[0]!.address]), [['orders-shadow', '10.9.0.1'], ['stock-a-shadow', '10.9.1.1'], ['stock-b-shadow', '10.9.2.1'], ['pricing-shadow', '10.9.3.1']]);
      assert.deepEqual(plan.mirrors, [{ service: 'orders', target: 'orders-shadow', percent: 100 }]);
      assert.deepEqual(plan.shadowViews!.map((v) => [v.service, v.shadow, v.audience]), ['orders', 'stock-a', 'stock-b', 'pricing'].map((s) => [s, `${s}-shadow`, SHADOW_AUDIENCE]));
    });

    it('a shadow node group sees graph Services with their shadows\' endpoints and every other Service with none', () => {
      const m = modelOf(load(...graphDocs()));
      assert.deepEqual(m.conflicts, []);
      const eds = (labels: Record<string, string>, flavor: 'envoy' | 'grpc') => {
        const set = translate(m, { group: 'x', flavor, labels });
        assert.deepEqual(validateResources(set), []);
        const out: Record<string, string[]> = {};
        for (const [name, r] of set.get(TYPE_URL.endpoint)!) out[name] = ((r.message as Obj).endpoints ?? []).flatMap((l: Obj) => l.lb_endpoints.map((e: Obj) => e.endpoint.address.socket_address.address));
        return out;
      };
      for (const flavor of ['envoy', 'grpc'] as const) {
        const shadowSide = eds({ ...SHADOW_AUDIENCE, team: 'x' }, flavor);
        assert.deepEqual(shadowSide['stock-a'], ['10.9.1.1'], `${flavor}: stock-a is its shadow`);
        assert.deepEqual(shadowSide['pricing'], ['10.9.3.1']);
        assert.deepEqual(shadowSide['orders'], ['10.9.0.1']);
        assert.deepEqual(shadowSide['billing'], [], `${flavor}: a Service outside the graph has no endpoints for shadows`);
        assert.deepEqual(shadowSide['stock-a-shadow'], ['10.9.1.1'], 'the shadow clusters themselves are unchanged');
        const primarySide = eds({}, flavor);
        assert.deepEqual([primarySide['stock-a'], primarySide['billing']], [['10.0.1.1'], ['10.0.4.1']], `${flavor}: other groups see the primaries`);
      }
      const frontRoute = (labels: Record<string, string>) => (translate(m, { group: 'x', flavor: 'envoy', labels }).get(TYPE_URL.route)!.get('route/front')!.message as Obj).virtual_hosts[0].routes[0].route;
      assert.deepEqual(frontRoute({}).request_mirror_policies.map((p: Obj) => p.cluster), ['orders-shadow'], 'primaries\' proxies copy orders\' traffic to its shadow');
      assert.equal(frontRoute(SHADOW_AUDIENCE).request_mirror_policies, undefined, 'shadows do not mirror (no copies of copies)');
    });
  });
});
