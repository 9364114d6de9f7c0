/**
 * MirrorRule selections (`spec.match`: path prefix/exact/regex, headers, methods) through the
 * loader, the model and translate: Envoy gets a more specific route before each rule that carries
 * the selected mirrors (same action otherwise), the rule's own route keeps the unselected ones;
 * checked field by field and against Envoy's proto rules and cross references. gRPC gets no split
 * routes (it cannot mirror).
 */
import assert from 'node:assert/strict';
import { mirrorPlan } from '../../mirror/mirror-rules.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { formatConfigError } from '../../xds-server/config/errors.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../xds-server/translate/index.ts';
import { validateResources } from '../../xds-server/validate/index.ts';
import { routeDoc, serviceDoc, yamlOf, type Doc } from '../xds-server/config/builders.ts';
import { mirrorDoc } from './builders.ts';

type Obj = Record<string, any>;

function model(...docs: Doc[]) {
  const result = parseConfigText(yamlOf(...docs), 'mesh.yaml');
  assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
  return buildMeshModel(result.config, new Map([['mirror', { mirrors: mirrorPlan(result.config).decisions }]]), 0);
}

function routesOf(m: ReturnType<typeof model>, flavor: 'envoy' | 'grpc', name = 'route/front'): Obj[] {
  const set = translate(m, { group: flavor, flavor, labels: {} });
  assert.deepEqual(validateResources(set), [], `${flavor}: Envoy proto rules and cross references hold`);
  return (set.get(TYPE_URL.route)!.get(name)!.message as Obj).virtual_hosts[0].routes;
}

const policy = (cluster: string, numerator: number) => ({ cluster, runtime_fraction: { default_value: { numerator, denominator: 'MILLION' } } });
const method = (m: string) => ({ name: ':method', string_match: { exact: m } });

const base = [
  serviceDoc('orders'),
  serviceDoc('sandbox', { endpoints: [{ address: '127.0.0.1', port: 60001 }] }),
  serviceDoc('capture', { endpoints: [{ address: '127.0.0.1', port: 60002 }] }),
  serviceDoc('other'),
  routeDoc('front', { hosts: ['front'], listener: { port: 10000 }, rules: [
    { match: { prefix: '/api', headers: [{ name: 'x-env', exact: 'prod' }] }, backends: [{ service: 'orders', weight: 3 }, { service: 'other', weight: 1 }], timeout: '2s' },
    { backends: [{ service: 'other' }] },
  ] }),
];

describe('mirror selections rendered as split routes', () => {
  it('a selected mirror gets a route of its own before the rule, with the combined match and the same action', () => {
    const m = model(...base,
      mirrorDoc('all', 'orders', [{ service: 'capture', percent: 5 }]),
      mirrorDoc('writes', 'orders', [{ service: 'sandbox', percent: 100 }], { match: { prefix: '/api/orders/', methods: ['POST', 'PUT'], headers: [{ name: 'x-tenant', prefix: 'acme' }] } }));
    assert.deepEqual(m.conflicts, []);
    const routes = routesOf(m, 'envoy');
    assert.equal(routes.length, 3);
    assert.deepEqual(routes[0].match, {
      prefix: '/api/orders/',
      headers: [
        { name: 'x-env', string_match: { exact: 'prod' } },
        { name: 'x-tenant', string_match: { prefix: 'acme' } },
        { name: ':method', string_match: { safe_regex: { regex: 'POST|PUT' } } },
      ],
    });
    assert.deepEqual(routes[0].route.request_mirror_policies, [policy('capture', 50_000), policy('sandbox', 1_000_000)]);
    const { request_mirror_policies: _a, ...splitAction } = routes[0].route;
    const { request_mirror_policies: _b, ...ownAction } = routes[1].route;
    assert.deepEqual(splitAction, ownAction, 'same weighted clusters and timeout');
    assert.deepEqual(routes[1].match, { prefix: '/api', headers: [{ name: 'x-env', string_match: { exact: 'prod' } }] });
    assert.deepEqual(routes[1].route.request_mirror_policies, [policy('capture', 50_000)], 'the rule keeps the unselected mirror only');
    assert.equal(routes[2].route.request_mirror_policies, undefined);

    const grpc = routesOf(m, 'grpc');
    assert.equal(grpc.length, 2, 'gRPC gets the rules only');
    assert.ok(grpc.every((r) => r.route.request_mirror_policies === undefined));
  });

  it('two selections: one route for both, one for each, then the rule (largest combination first)', () => {
    const m = model(...base,
      mirrorDoc('posts', 'orders', [{ service: 'sandbox', percent: 10 }], { match: { methods: ['POST'] } }),
      mirrorDoc('tenant', 'orders', [{ service: 'capture', percent: 20 }], { match: { path: '/api/orders' } }));
    const routes = routesOf(m, 'envoy');
    assert.equal(routes.length, 5);
    assert.deepEqual(routes.slice(0, 4).map((r) => [r.match.path ?? r.match.prefix, r.match.headers.map((h: Obj) => h.name).join(','), r.route.request_mirror_policies?.map((p: Obj) => p.cluster).join(',')]), [
      ['/api/orders', 'x-env,:method', 'sandbox,capture'],
      ['/api', 'x-env,:method', 'sandbox'],
      ['/api/orders', 'x-env', 'capture'],
      ['/api', 'x-env', undefined],
    ]);
    assert.deepEqual(routes[0].match.headers[1], method('POST'));
  });

  it('a regex selection beside a prefix rule: regex as path specifier, the prefix on :path', () => {
    const m = model(...base, mirrorDoc('ids', 'orders', [{ service: 'sandbox', percent: 1.5 }], { match: { regex: '/api/orders/[0-9]+' } }));
    const routes = routesOf(m, 'envoy');
    assert.deepEqual(routes[0].match, { safe_regex: { regex: '/api/orders/[0-9]+' }, headers: [{ name: 'x-env', string_match: { exact: 'prod' } }, { name: ':path', string_match: { prefix: '/api' } }] });
    assert.deepEqual(routes[0].route.request_mirror_policies, [policy('sandbox', 15_000)]);
  });

  it('a selection no request of a rule can match adds no route there; one that cannot be combined is reported', () => {
    const regexRoute = routeDoc('front', { hosts: ['front'], listener: { port: 10000 }, rules: [{ match: { regex: '/v[12]/.*' }, backends: [{ service: 'orders' }] }, { match: { prefix: '/static' }, backends: [{ service: 'orders' }] }] });
    const m = model(...base.slice(0, 4), regexRoute,
      mirrorDoc('ids', 'orders', [{ service: 'sandbox', percent: 10 }], { match: { regex: '/v1/[0-9]+' } }));
    const routes = routesOf(m, 'envoy');
    assert.equal(routes.length, 3, 'rule 0 cannot be combined; rule 1 gets the selection beside its prefix');
    assert.deepEqual(routes.map((r) => r.route.request_mirror_policies?.length ?? 0), [0, 1, 0]);
    assert.deepEqual(routes[1].match, { safe_regex: { regex: '/v1/[0-9]+' }, headers: [{ name: ':path', string_match: { prefix: '/static' } }] });
    assert.equal(m.conflicts.length, 1);
    assert.match(m.conflicts[0]!.message, /sandbox.*not rendered.*Route "front".*cannot be combined/);

    const disjoint = model(...base, mirrorDoc('elsewhere', 'orders', [{ service: 'sandbox', percent: 10 }], { match: { prefix: '/static' } }));
    assert.equal(routesOf(disjoint, 'envoy').length, 2, 'no request under /api starts with /static: nothing split');
    assert.equal(disjoint.conflicts.length, 1, 'and the model says the selection copies nothing');
    assert.match(disjoint.conflicts[0]!.message, /mirror of "orders" to "sandbox": its selection matches no request .*copies nothing/);
  });

  it('the implicit table of a Service (gRPC only) never carries split routes', () => {
    const m = model(serviceDoc('orders'), serviceDoc('sandbox', { endpoints: [{ address: '127.0.0.1', port: 60001 }] }), mirrorDoc('w', 'orders', [{ service: 'sandbox', percent: 10 }], { match: { methods: ['POST'] } }));
    assert.equal(m.routeTables.find((t) => t.name === 'service/orders')!.rules.length, 2, 'the model has the split');
    assert.equal(routesOf(m, 'grpc', 'service/orders').length, 1);
  });
});

describe('prescient mirror list: a rule\'s selection in one line', () => {
  it('shows methods, path and headers, or every request', async () => {
    const { describeSelection } = await import('../../xds-server/app/cli/mirror-command.ts');
    assert.equal(describeSelection(undefined), 'every request');
    assert.equal(describeSelection({ prefix: '/orders/', methods: ['POST', 'PUT'], headers: [{ name: 'x-tenant', exact: 'acme' }, { name: 'x-debug', present: true, invert: true }] }), 'POST|PUT /orders/* x-tenant=acme !x-debug');
    assert.equal(describeSelection({ regex: '/o/[0-9]+' }), '~/o/[0-9]+');
  });
});
