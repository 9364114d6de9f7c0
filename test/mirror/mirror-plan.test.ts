/**
 * From MirrorRule documents to Envoy's `request_mirror_policies`: the plan (decisions and the load
 * per target), the model resolving it onto every route rule that sends traffic to the mirrored
 * service, and translate rendering it field by field; the rendered set passes Envoy's own proto
 * rules and cross references (validate stage).
 */
import assert from 'node:assert/strict';
import type { Decisions } from '../../api/decisions.ts';
import { mirrorCycles, mirrorPlan } from '../../mirror/mirror-rules.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { formatConfigError } from '../../xds-server/config/errors.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../xds-server/translate/index.ts';
import { validateResources } from '../../xds-server/validate/index.ts';
import { routeDoc, serviceDoc, yamlOf, type Doc } from '../xds-server/config/builders.ts';
import { mirrorDoc } from './builders.ts';

type Obj = Record<string, any>;

function load(...docs: Doc[]) {
  const result = parseConfigText(yamlOf(...docs), 'mesh.yaml');
  assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
  return result.config;
}

const base = [
  serviceDoc('greeter'),
  serviceDoc('sandbox', { endpoints: [{ address: '127.0.0.1', port: 60001 }] }),
  serviceDoc('capture', { protocol: 'http2', endpoints: [{ address: '127.0.0.1', port: 60002 }] }),
  serviceDoc('other'),
  routeDoc('front', { hosts: ['front'], listener: { port: 10000 }, rules: [{ match: { prefix: '/api' }, backends: [{ service: 'greeter', weight: 3 }, { service: 'other', weight: 1 }] }, { backends: [{ service: 'other' }] }] }),
];

describe('mirror plan and rendering', () => {
  it('turns rules into decisions and sums the load per target', () => {
    const config = load(...base,
      mirrorDoc('g', 'greeter', [{ service: 'sandbox', percent: 10 }, { service: 'capture', percent: 25, runtimeKey: 'mirror.greeter.capture', traceSampled: true }]),
      mirrorDoc('o', 'other', [{ service: 'capture', percent: 0.0001 }]),
      mirrorDoc('off', 'other', [{ service: 'sandbox', percent: 50 }], { enabled: false }));
    const plan = mirrorPlan(config);
    assert.deepEqual(plan.decisions, [
      { service: 'greeter', target: 'sandbox', percent: 10 },
      { service: 'greeter', target: 'capture', percent: 25, runtimeKey: 'mirror.greeter.capture', traceSampled: true },
      { service: 'other', target: 'capture', percent: 0.0001 },
    ]);
    assert.deepEqual(plan.targets.map((t) => [t.target, t.totalPercent, t.sources.map((s) => s.rule)]), [
      ['capture', 25.0001, ['g', 'o']],
      ['sandbox', 10, ['g']],
    ]);
    assert.deepEqual(plan.rules.map((r) => [r.name, r.enabled]), [['g', true], ['o', true], ['off', false]]);
  });

  it('renders request_mirror_policies field by field on the rules routing to the service, for Envoy only', () => {
    const config = load(...base, mirrorDoc('g', 'greeter', [{ service: 'sandbox', percent: 12.3456 }, { service: 'capture', percent: 25, runtimeKey: 'mirror.greeter.capture', traceSampled: false }]));
    const decisions: Decisions = new Map([['mirror', { mirrors: mirrorPlan(config).decisions }]]);
    const model = buildMeshModel(config, decisions, 0);
    assert.deepEqual(model.conflicts, []);
    const envoy = translate(model, { group: 'e', flavor: 'envoy', labels: {} });
    assert.deepEqual(validateResources(envoy), [], 'Envoy proto rules and cross references hold');
    const routes = (envoy.get(TYPE_URL.route)!.get('route/front')!.message as Obj).virtual_hosts[0].routes;
    assert.deepEqual(routes[0].route.request_mirror_policies, [
      { cluster: 'sandbox', runtime_fraction: { default_value: { numerator: 123_456, denominator: 'MILLION' } } },
      { cluster: 'capture', runtime_fraction: { default_value: { numerator: 250_000, denominator: 'MILLION' }, runtime_key: 'mirror.greeter.capture' }, trace_sampled: { value: false } },
    ]);
    assert.equal(routes[1].route.request_mirror_policies, undefined, 'the rule routing only to "other" does not mirror');
    assert.ok(envoy.get(TYPE_URL.cluster)!.has('sandbox') && envoy.get(TYPE_URL.cluster)!.has('capture'), 'targets are clusters Envoy has');

    const grpc = translate(model, { group: 'g', flavor: 'grpc', labels: {} });
    assert.deepEqual(validateResources(grpc), []);
    for (const [name, r] of grpc.get(TYPE_URL.route)!) {
      for (const vh of (r.message as Obj).virtual_hosts) for (const rt of vh.routes) assert.equal(rt.route?.request_mirror_policies, undefined, `${name}: gRPC gets no mirror policies`);
    }
  });

  it('with route set, mirrors only that Route\'s rules', () => {
    const back = routeDoc('back', { hosts: ['back'], listener: { port: 10001 }, rules: [{ backends: [{ service: 'greeter' }] }] });
    const config = load(...base, back, mirrorDoc('g', 'greeter', [{ service: 'sandbox', percent: 5 }], { route: 'back' }));
    const decisions = mirrorPlan(config).decisions;
    assert.deepEqual(decisions, [{ service: 'greeter', route: 'back', target: 'sandbox', percent: 5 }]);
    const envoy = translate(buildMeshModel(config, new Map([['mirror', { mirrors: decisions }]]), 0), { group: 'e', flavor: 'envoy', labels: {} });
    const policies = (name: string) => (envoy.get(TYPE_URL.route)!.get(name)!.message as Obj).virtual_hosts[0].routes[0].route.request_mirror_policies;
    assert.equal(policies('route/front'), undefined, 'front routes to greeter too, but is not selected');
    assert.deepEqual(policies('route/back'), [{ cluster: 'sandbox', runtime_fraction: { default_value: { numerator: 50_000, denominator: 'MILLION' } } }]);
  });

  it('finds cycles deterministically and ignores disabled rules', () => {
    const config = load(...base, mirrorDoc('a', 'greeter', [{ service: 'sandbox', percent: 1 }]), mirrorDoc('b', 'sandbox', [{ service: 'greeter', percent: 1 }], { enabled: false }));
    assert.deepEqual(mirrorCycles([...config.mirrorRules!.values()]), []);
    const on = [...config.mirrorRules!.values()].map((d) => ({ ...d, spec: { ...d.spec, enabled: true } }));
    assert.deepEqual(mirrorCycles(on).map((c) => c.path), [['greeter', 'sandbox', 'greeter']]);
    assert.deepEqual(mirrorCycles([...on].reverse()).map((c) => c.path), [['greeter', 'sandbox', 'greeter']], 'independent of document order');
  });
});
