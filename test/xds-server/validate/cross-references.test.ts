import assert from 'node:assert/strict';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import type { MeshConfig } from '../../../api/config.ts';
import { envoyRoot } from '../../../xds-server/envoy/protos.ts';
import { TYPE_URL, type TypeUrl } from '../../../xds-server/envoy/type-urls.ts';
import { translate, type ClientFlavor, type RenderedResource, type RenderedSet } from '../../../xds-server/translate/index.ts';
import { formatIssue, validateResources } from '../../../xds-server/validate/index.ts';
import { walkMessage } from '../../../xds-server/validate/message-validator.ts';
import { UNSUPPORTED_RULES } from '../../../xds-server/validate/constraint.ts';
import { IssueSink } from '../../../xds-server/validate/sink.ts';
import protobuf from 'protobufjs';
import { meshConfig, resetDocumentCounter, route, rule, service, renderMesh } from '../../support/config-builders.ts';

function render(config: MeshConfig, flavor: ClientFlavor = 'envoy'): RenderedSet {
  return renderMesh(config, flavor);
}

function without(set: RenderedSet, typeUrl: TypeUrl, name: string): RenderedSet {
  const copy = new Map(set);
  const resources = new Map(set.get(typeUrl));
  resources.delete(name);
  copy.set(typeUrl, resources);
  return copy;
}

describe('validate: cross references', () => {
  beforeEach(() => resetDocumentCounter());

  it('names the Route document and backend path of a cluster that does not exist', () => {
    const config = meshConfig(service('a'), route('r', { listener: { port: 80 }, rules: [rule(['a']), rule([['a', 50], ['missing', 50]])] }));
    const issues = validateResources(render(config));
    assert.equal(issues.length, 1);
    const [issue] = issues;
    assert.equal(issue.code, 'REF_UNKNOWN_CLUSTER');
    assert.equal(issue.fieldPath, 'virtual_hosts[0].routes[1].route.weighted_clusters.clusters[1].name');
    assert.deepEqual(issue.origin, { kind: 'Route', name: 'r', file: 'mesh.yaml', documentIndex: 1, path: 'spec.rules[1].backends[1]' });
    const line = formatIssue(issue);
    for (const part of ['mesh.yaml', 'document 1', 'Route r', 'spec.rules[1].backends[1]', 'REF_UNKNOWN_CLUSTER', '"missing"']) {
      assert.ok(line.includes(part), `${line} mentions ${part}`);
    }
  });

  it('refuses weighted clusters whose weights sum to zero', () => {
    const config = meshConfig(service('a'), service('b'), route('r', { rules: [rule([['a', 0], ['b', 0]])] }));
    const [issue] = validateResources(render(config));
    assert.equal(issue.code, 'REF_ZERO_TOTAL_WEIGHT');
    assert.equal(issue.origin.path, 'spec.rules[0]');
  });

  it('requires an assignment for every EDS cluster', () => {
    const set = without(render(meshConfig(service('a'))), TYPE_URL.endpoint, 'a');
    const [issue] = validateResources(set);
    assert.equal(issue.code, 'REF_MISSING_ASSIGNMENT');
    assert.equal(issue.resourceName, 'a');
    assert.deepEqual([issue.origin.kind, issue.origin.name], ['Service', 'a']);
  });

  it('requires the route configuration a listener asks for, for both flavors', () => {
    const config = meshConfig(service('a'), route('r', { hosts: ['r.mesh'], listener: { port: 80 }, rules: [rule(['a'])] }));
    const cases: Array<[ClientFlavor, string, string, string]> = [
      ['envoy', '0.0.0.0_80', 'filter_chains[0].filters[0].typed_config.rds.route_config_name', 'spec.listener'],
      ['grpc', 'r.mesh', 'api_listener.api_listener.rds.route_config_name', 'spec.hosts[0]'],
    ];
    for (const [flavor, listener, fieldPath, configPath] of cases) {
      const issues = validateResources(without(render(config, flavor), TYPE_URL.route, 'route/r'));
      assert.deepEqual(
        issues.map((i) => [i.code, i.resourceName, i.fieldPath, i.origin.path]),
        [['REF_UNKNOWN_ROUTE_CONFIG', listener, fieldPath, configPath]],
      );
    }
  });

  it('reports each document that rendered an already-used name', () => {
    const config = meshConfig(service('a'), route('r1', { listener: { port: 80 }, rules: [rule(['a'])] }), route('r2', { listener: { port: 80 }, rules: [rule(['a'])] }));
    const issues = validateResources(render(config));
    assert.equal(issues.length, 1);
    assert.equal(issues[0].code, 'REF_DUPLICATE_NAME');
    assert.deepEqual([issues[0].origin.name, issues[0].origin.documentIndex, issues[0].origin.path], ['r2', 2, 'spec.listener']);
    assert.match(issues[0].message, /Route r1/);
  });

  it('reports a resource served under a name its message does not carry', () => {
    const set = render(meshConfig(service('a')));
    const cluster = set.get(TYPE_URL.cluster)!.get('a')!;
    const renamed: RenderedResource = { ...cluster, message: { ...cluster.message, name: 'b' } };
    const copy = new Map(set).set(TYPE_URL.cluster, new Map([['a', renamed]]));
    assert.deepEqual(validateResources(copy).map((i) => [i.code, i.fieldPath]), [['REF_NAME_MISMATCH', 'name']]);
  });
});

describe('validate: rule coverage', () => {
  it('understands every validate rule in the loaded Envoy protos', () => {
    const types: protobuf.Type[] = [];
    const collect = (ns: protobuf.NamespaceBase) => {
      for (const n of ns.nestedArray) {
        if (n instanceof protobuf.Type) types.push(n);
        if (n instanceof protobuf.Namespace) collect(n);
      }
    };
    collect(envoyRoot());
    for (const t of types) walkMessage(t, {}, undefined, new IssueSink());
    assert.ok(types.length > 300, `${types.length} types`);
    assert.deepEqual([...UNSUPPORTED_RULES], []);
  });
});
