import assert from 'node:assert/strict';
import type { Decisions } from '../../../../api/decisions.ts';
import { encodeMcpResource } from '../../../../xds-server/cache/mcp-cache.ts';
import { lookupIstioType } from '../../../../xds-server/istio/protos.ts';
import { buildMeshModel } from '../../../../xds-server/model/build-mesh-model.ts';
import { translateIstio, type IstioResource } from '../../../../xds-server/translate/istio/index.ts';
import { decisions, endpoint, meshConfig, route, rule, service, weightOverride } from '../../../support/config-builders.ts';

const find = (resources: readonly IstioResource[], kind: string, name: string) => {
  const r = resources.find((x) => x.kind === kind && x.name === name);
  assert.ok(r, `${kind} ${name} rendered (have ${resources.map((x) => `${x.kind}/${x.name}`).join(', ')})`);
  return r.spec as any;
};

/** The spec as istiod decodes it: through the real proto and back. */
function roundTrip(r: IstioResource): any {
  const any = lookupIstioType('google.protobuf.Any').decode(encodeMcpResource(r).any) as any;
  const resource = lookupIstioType('istio.mcp.v1alpha1.Resource').decode(any.value) as any;
  const type = lookupIstioType(resource.body.type_url);
  return { name: resource.metadata.name, spec: type.toObject(type.decode(resource.body.value), { enums: String, longs: Number }) };
}

describe('Istio config from the mesh model (translate/istio)', () => {
  const payments = service('payments', {
    protocol: 'http',
    ports: [{ name: 'http', port: 8080 }],
    endpoints: [
      endpoint('10.0.0.1', 9001, { locality: { region: 'eu', zone: 'eu-1a' }, metadata: { version: 'v1', 'bad key!': 'x' } }),
      endpoint('10.0.0.2', 9002, { weight: 3 }),
      endpoint('10.0.0.3', 9003, { priority: 1 }),
    ],
    loadBalancing: { policy: 'LEAST_REQUEST' },
    connectTimeout: '250ms',
    outlierDetection: { consecutive5xx: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
  });

  it('a ServiceEntry per Service: host, ports, STATIC, endpoints with the effective weight, locality and labels; standby priorities left out', () => {
    const config = meshConfig(payments);
    const d: Decisions = decisions({ payments: { '10.0.0.1:9001': 700, '10.0.0.2:9002': 300 } });
    const { resources, notes } = translateIstio(buildMeshModel(config, d, 0));
    const se = find(resources, 'ServiceEntry', 'payments');
    assert.deepEqual(se.hosts, ['payments.prescient.svc.cluster.local']);
    assert.deepEqual(se.ports, [{ number: 8080, name: 'http', protocol: 'HTTP' }]);
    assert.equal(se.resolution, 'STATIC');
    assert.equal(se.location, 'MESH_INTERNAL');
    assert.deepEqual(se.endpoints, [
      { address: '10.0.0.1', ports: { http: 9001 }, labels: { version: 'v1' }, locality: 'eu/eu-1a', weight: 700 },
      { address: '10.0.0.2', ports: { http: 9002 }, weight: 300 },
    ]);
    assert.ok(notes.some((n) => /bad key!/.test(n.message)), 'an invalid label is named in a note');
    assert.ok(notes.some((n) => /standby priority/.test(n.message)));
    const back = roundTrip(resources.find((r) => r.kind === 'ServiceEntry')!);
    assert.equal(back.name, 'prescient/payments');
    assert.deepEqual(back.spec.endpoints.map((e: any) => e.weight), [700, 300], 'weights survive the real proto');
  });

  it('a WeightOverride and a drain change what istiod gets, as they change EDS', () => {
    const config = meshConfig(payments, weightOverride('pin', { service: 'payments', endpoint: '10.0.0.1:9001', pin: 42 }), weightOverride('drain', { service: 'payments', endpoint: '10.0.0.2:9002', drain: true }));
    const se = find(translateIstio(buildMeshModel(config, new Map(), 0)).resources, 'ServiceEntry', 'payments');
    assert.deepEqual(se.endpoints.map((e: any) => [e.address, e.weight]), [['10.0.0.1', 42]]);
  });

  it('every endpoint down on priority 0: the standby endpoints are served', () => {
    const config = meshConfig(payments, weightOverride('drain', { service: 'payments', drain: true }));
    const se = find(translateIstio(buildMeshModel(config, new Map(), 0)).resources, 'ServiceEntry', 'payments');
    // A drain on the whole service drains the standby too: nothing serves.
    assert.deepEqual(se.endpoints, []);
    const standby = find(translateIstio(buildMeshModel(meshConfig(payments), new Map([['failover', { endpoints: [
      { service: 'payments', endpoint: '10.0.0.1:9001', health: 'unhealthy' as const },
      { service: 'payments', endpoint: '10.0.0.2:9002', health: 'unhealthy' as const },
    ] }]]), 0)).resources, 'ServiceEntry', 'payments');
    assert.deepEqual(standby.endpoints.map((e: any) => e.address), ['10.0.0.3']);
  });

  it('a DestinationRule: load balancer, connect timeout, outlier detection', () => {
    const { resources } = translateIstio(buildMeshModel(meshConfig(payments), new Map(), 0));
    const dr = find(resources, 'DestinationRule', 'payments');
    assert.equal(dr.host, 'payments.prescient.svc.cluster.local');
    assert.deepEqual(dr.traffic_policy.load_balancer, { simple: 'LEAST_REQUEST' });
    assert.deepEqual(dr.traffic_policy.connection_pool, { tcp: { connect_timeout: { seconds: 0, nanos: 250_000_000 } } });
    const back = roundTrip(resources.find((r) => r.kind === 'DestinationRule')!).spec;
    assert.deepEqual(back.traffic_policy.outlier_detection, { consecutive_5xx_errors: { value: 5 }, interval: { seconds: 10 }, base_ejection_time: { seconds: 30 }, max_ejection_percent: 50 });
    const ring = find(translateIstio(buildMeshModel(meshConfig(service('r', { loadBalancing: { policy: 'RING_HASH', ringHash: { minimumRingSize: 1024 } } })), new Map(), 0)).resources, 'DestinationRule', 'r');
    assert.deepEqual(ring.traffic_policy.load_balancer, { consistent_hash: { use_source_ip: true, ring_hash: { minimum_ring_size: 1024 } } });
  });

  it('a VirtualService per Route: hosts, match, weighted destinations, timeout, retries', () => {
    const v1 = service('v1', { protocol: 'http', endpoints: [endpoint('10.0.1.1', 8080)] });
    const v2 = service('v2', { protocol: 'http', endpoints: [endpoint('10.0.1.2', 8080)] });
    const shop = route('shop', {
      hosts: ['v1', 'shop.example.com', 'shop.example.com:8443'],
      rules: [
        rule([['v1', 90], ['v2', 10]], { match: { prefix: '/api', headers: [{ name: 'X-Canary', exact: 'yes' }, { name: 'x-skip', present: true, invert: true }] }, timeout: '2s', retries: { attempts: 3, retryOn: ['5xx', 'reset'], perTryTimeout: '500ms' } }),
        rule(['v1']),
      ],
    });
    const { resources } = translateIstio(buildMeshModel(meshConfig(v1, v2, shop), new Map(), 0), { namespace: 'mesh', domain: 'example.internal' });
    const vs = find(resources, 'VirtualService', 'route.shop');
    assert.deepEqual(vs.hosts, ['v1.mesh.example.internal', 'shop.example.com'], 'a Service name maps to its host; a host with a port is left out');
    assert.deepEqual(vs.http[0].match, [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'yes' } }, without_headers: { 'x-skip': { regex: '.*' } } }]);
    assert.deepEqual(vs.http[0].route, [
      { destination: { host: 'v1.mesh.example.internal', port: { number: 8080 } }, weight: 90 },
      { destination: { host: 'v2.mesh.example.internal', port: { number: 8080 } }, weight: 10 },
    ]);
    assert.deepEqual(vs.http[0].retries, { attempts: 3, retry_on: '5xx,reset', per_try_timeout: { seconds: 0, nanos: 500_000_000 } });
    assert.deepEqual(vs.http[1].route, [{ destination: { host: 'v1.mesh.example.internal', port: { number: 8080 } } }], 'one backend: no weight');
    assert.equal(vs.http[1].match, undefined, 'a rule without match catches everything');
    assert.ok(!resources.some((r) => r.kind === 'VirtualService' && r.name === 'service.v2'), 'a Service nothing mirrors gets no VirtualService of its own');
    const back = roundTrip(resources.find((r) => r.name === 'route.shop')!).spec;
    assert.deepEqual(back.http[0].route.map((d: any) => d.weight), [90, 10]);
  });

  it('mirrors: mirror + mirrorPercentage for one, mirrors for several; a Service without a Route gets a mirror-only VirtualService', () => {
    const a = service('a', { protocol: 'http', ports: [{ port: 7000 }] });
    const shadow = service('a-shadow', { protocol: 'http', endpoints: [endpoint('10.0.9.1', 8080)] });
    const canary = service('a-canary', { protocol: 'http', endpoints: [endpoint('10.0.9.2', 8080)] });
    const one = new Map([['mirror', { mirrors: [{ service: 'a', target: 'a-shadow', percent: 12.3456 }] }]]);
    const { resources } = translateIstio(buildMeshModel(meshConfig(a, shadow, canary), one, 0));
    const vs = find(resources, 'VirtualService', 'service.a');
    assert.deepEqual(vs.hosts, ['a.prescient.svc.cluster.local']);
    assert.deepEqual(vs.http[0].route, [{ destination: { host: 'a.prescient.svc.cluster.local', port: { number: 7000 } } }]);
    assert.deepEqual(vs.http[0].mirror, { host: 'a-shadow.prescient.svc.cluster.local', port: { number: 8080 } });
    assert.deepEqual(vs.http[0].mirror_percentage, { value: 12.3456 });
    assert.equal(roundTrip(resources.find((r) => r.name === 'service.a')!).spec.http[0].mirror_percentage.value, 12.3456);
    const two = new Map([['mirror', { mirrors: [{ service: 'a', target: 'a-shadow', percent: 10 }, { service: 'a', target: 'a-canary', percent: 5 }] }]]);
    const both = find(translateIstio(buildMeshModel(meshConfig(a, shadow, canary), two, 0)).resources, 'VirtualService', 'service.a');
    assert.equal(both.http[0].mirror, undefined);
    assert.deepEqual(both.http[0].mirrors.map((m: any) => [m.destination.host, m.percentage.value]), [
      ['a-shadow.prescient.svc.cluster.local', 10],
      ['a-canary.prescient.svc.cluster.local', 5],
    ]);
  });

  it('a mirror selection: a route split off before the rule carries the selection match and the mirror; the rule itself does not mirror', () => {
    const a = service('a', { protocol: 'http', ports: [{ port: 7000 }] });
    const shadow = service('a-shadow', { protocol: 'http', endpoints: [endpoint('10.0.9.1', 8080)] });
    const selected = new Map([['mirror', { mirrors: [{ service: 'a', target: 'a-shadow', percent: 50, match: { prefix: '/orders/', methods: ['POST', 'PUT'], headers: [{ name: 'X-Tenant', exact: 'blue' }] } }] }]]);
    const vs = find(translateIstio(buildMeshModel(meshConfig(a, shadow), selected, 0)).resources, 'VirtualService', 'service.a');
    assert.equal(vs.http.length, 2);
    assert.deepEqual(vs.http[0].match, [{ uri: { prefix: '/orders/' }, method: { regex: 'POST|PUT' }, headers: { 'x-tenant': { exact: 'blue' } } }]);
    assert.deepEqual(vs.http[0].mirror_percentage, { value: 50 });
    assert.equal(vs.http[1].match, undefined);
    assert.equal(vs.http[1].mirror, undefined, 'requests outside the selection are not copied');
  });

  it('decided clusters: a ServiceEntry when every group sees them, none (with a note) under an audience', () => {
    const a = service('a', { protocol: 'http', ports: [{ port: 7000 }] });
    const d = new Map([['sandbox', { clusters: [
      { name: 'a-shadow', protocol: 'http' as const, derivedFrom: 'a', endpoints: [{ address: '10.1.0.1', port: 9000, weight: 5 }] },
      { name: 'a-sandbox', protocol: 'http' as const, audience: { sandbox: 'x' }, endpoints: [{ address: '10.1.0.2', port: 9000 }] },
    ] }]]);
    const { resources, notes } = translateIstio(buildMeshModel(meshConfig(a), d, 0));
    const se = find(resources, 'ServiceEntry', 'a-shadow');
    assert.deepEqual(se.ports, [{ number: 7000, name: 'http-7000', protocol: 'HTTP' }], 'the port of the Service it derives from');
    assert.deepEqual(se.endpoints, [{ address: '10.1.0.1', ports: { 'http-7000': 9000 }, weight: 5 }]);
    assert.ok(!resources.some((r) => r.name === 'a-sandbox'));
    assert.ok(notes.some((n) => n.subject === 'cluster a-sandbox'));
  });

  it('host names: resolution DNS with the names, as Envoy resolves them itself', () => {
    const named = service('ext', { protocol: 'http', endpoints: [endpoint('api.example.com', 443, { weight: 2 })] });
    const se = find(translateIstio(buildMeshModel(meshConfig(named), new Map(), 0)).resources, 'ServiceEntry', 'ext');
    assert.equal(se.resolution, 'DNS');
    assert.deepEqual(se.endpoints, [{ address: 'api.example.com', ports: { 'http-443': 443 }, weight: 2 }]);
  });

  it('is deterministic: the same model gives byte-identical resources', () => {
    const model = buildMeshModel(meshConfig(payments), decisions({ payments: { '10.0.0.1:9001': 5 } }), 0);
    const bytes = (r: IstioResource) => Buffer.from(encodeMcpResource(r).any).toString('hex');
    assert.deepEqual(translateIstio(model).resources.map(bytes), translateIstio(model).resources.map(bytes));
  });
});
