import assert from 'node:assert/strict';
import type { Decisions } from '../../../api/decisions.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../../xds-server/translate/index.ts';
import { decisions, endpoint, meshConfig, resetDocumentCounter, route, rule, service, weightOverride } from '../../support/config-builders.ts';

type Obj = Record<string, any>;

describe('buildMeshModel', () => {
  beforeEach(() => resetDocumentCounter());

  const mesh = (...extra: Parameters<typeof meshConfig>) =>
    meshConfig(service('greeter', { endpoints: [endpoint('10.0.0.1', 80), endpoint('10.0.0.2', 80, { weight: 5 })] }), ...extra);

  it('applies static < scorer < override, then decided priority and health, in one place', () => {
    const d: Decisions = new Map([
      ...decisions({ greeter: { '10.0.0.1:80': 700, '10.0.0.2:80': 300 } }),
      ['failover', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.2:80', priority: 1 }, { service: 'greeter', endpoint: '10.0.0.1:80', health: 'draining' as const }] }],
    ]);
    const model = buildMeshModel(mesh(weightOverride('cap', { service: 'greeter', endpoint: '10.0.0.1:80', ceiling: 100 })), d, 0);
    const [a, b] = model.clusters.get('greeter')!.endpoints;
    assert.deepEqual([a!.staticWeight, a!.scorerWeight, a!.weight, a!.priority, a!.health], [1, 700, 100, 0, 'draining']);
    assert.deepEqual([b!.staticWeight, b!.scorerWeight, b!.weight, b!.priority, b!.health], [5, 300, 300, 1, 'serving']);
  });

  it('reports a second slice deciding weights for the same service, and keeps the first owner', () => {
    const d: Decisions = new Map([
      ['a-scorer', { weights: decisions({ greeter: { '10.0.0.1:80': 9 } }).get('scorer')!.weights }],
      ['b-other', { weights: decisions({ greeter: { '10.0.0.1:80': 1 } }).get('scorer')!.weights }],
    ]);
    const model = buildMeshModel(mesh(), d, 0);
    assert.equal(model.clusters.get('greeter')!.endpoints[0]!.weight, 9);
    assert.equal(model.conflicts.length, 1);
    assert.match(model.conflicts[0]!.message, /already decided by "a-scorer"/);
  });

  it('is independent of the order producers published in', () => {
    const one = new Map([['x', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.1:80', priority: 2 }] }], ['y', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.1:80', priority: 3 }] }]]);
    const two = new Map([...one].reverse());
    assert.deepEqual(buildMeshModel(mesh(), one, 0).clusters.get('greeter')!.endpoints, buildMeshModel(mesh(), two, 0).clusters.get('greeter')!.endpoints);
  });

  it('gives the earliest expiry of overrides and decisions as nextChangeAt', () => {
    const d: Decisions = new Map([['x', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.1:80', priority: 1, expiresAt: 9_000 }] }]]);
    const config = mesh(weightOverride('soon', { service: 'greeter', pin: 3, expiresAt: new Date(7_000).toISOString() }));
    assert.equal(buildMeshModel(config, d, 1_000).nextChangeAt, 7_000);
    assert.equal(buildMeshModel(config, d, 7_000).nextChangeAt, 9_000);
    assert.equal(buildMeshModel(config, d, 9_000).clusters.get('greeter')!.endpoints[0]!.priority, 0, 'expired decision no longer applies');
  });

  it('renders priorities renumbered without gaps, and mirrors for Envoy only', () => {
    const config = mesh(service('shadow', { endpoints: [endpoint('10.0.1.1', 80)] }), route('front', { hosts: ['front'], rules: [rule(['greeter'])] }));
    const d: Decisions = new Map([
      ['failover', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.2:80', priority: 4 }] }],
      ['mirror', { mirrors: [{ service: 'greeter', target: 'shadow', percent: 12.5 }, { service: 'greeter', target: 'missing', percent: 1 }] }],
    ]);
    const model = buildMeshModel(config, d, 0);
    assert.match(model.conflicts.map((c) => c.message).join('\n'), /"missing", which does not exist/);
    const envoy = translate(model, { group: 'e', flavor: 'envoy', labels: {} });
    const cla = envoy.get(TYPE_URL.endpoint)!.get('greeter')!.message as Obj;
    assert.deepEqual(cla.endpoints.map((l: Obj) => l.priority ?? 0), [0, 1]);
    const rc = envoy.get(TYPE_URL.route)!.get('route/front')!.message as Obj;
    assert.deepEqual(rc.virtual_hosts[0].routes[0].route.request_mirror_policies, [
      { cluster: 'shadow', runtime_fraction: { default_value: { numerator: 125_000, denominator: 'MILLION' } } },
    ]);
    const grpc = translate(model, { group: 'g', flavor: 'grpc', labels: {} });
    const grpcRoute = grpc.get(TYPE_URL.route)!.get('route/front')!.message as Obj;
    assert.equal(grpcRoute.virtual_hosts[0].routes[0].route.request_mirror_policies, undefined, 'gRPC ignores mirrors, so gets none');
  });
});
