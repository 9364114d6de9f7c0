/**
 * MirrorRule documents through the real config loader: a table of bad documents with the error
 * code and JSON path each must produce, and good ones that load into MeshConfig.mirrorRules.
 */
import assert from 'node:assert/strict';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { CONFIG_ERROR, formatConfigError, type ConfigErrorCode } from '../../xds-server/config/errors.ts';
import { serviceDoc, yamlOf, type Doc } from '../xds-server/config/builders.ts';
import { mirrorDoc } from './builders.ts';


const SERVICES = [serviceDoc('a'), serviceDoc('b'), serviceDoc('c')];
const S = CONFIG_ERROR.schema;
const T = [{ service: 'b', percent: 5 }];

interface Case {
  name: string;
  docs: Doc[];
  code: ConfigErrorCode;
  path: string;
  /** Index among the MirrorRule documents given (the three Services come first). */
  rule?: number;
}

const CASES: Case[] = [
  { name: 'percent above 100', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 100.5 }])], code: S, path: 'spec.targets[0].percent' },
  { name: 'negative percent', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: -1 }])], code: S, path: 'spec.targets[0].percent' },
  { name: 'percent as text', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: '10%' }])], code: S, path: 'spec.targets[0].percent' },
  { name: 'percent finer than one per million', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 0.00001 }])], code: CONFIG_ERROR.value, path: 'spec.targets[0].percent' },
  { name: 'no targets', docs: [mirrorDoc('m', 'a', [])], code: S, path: 'spec.targets' },
  { name: 'target without percent', docs: [mirrorDoc('m', 'a', [{ service: 'b' }])], code: S, path: 'spec.targets[0].percent' },
  { name: 'misspelt target field', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5, percnt: 5 }])], code: S, path: 'spec.targets[0].percnt' },
  { name: 'runtime key with a space', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5, runtimeKey: 'mirror key' }])], code: S, path: 'spec.targets[0].runtimeKey' },
  { name: 'mirrored service missing', docs: [mirrorDoc('m', 'nope', [{ service: 'b', percent: 5 }])], code: CONFIG_ERROR.reference, path: 'spec.service' },
  { name: 'target missing', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5 }, { service: 'sandbox', percent: 5 }])], code: CONFIG_ERROR.reference, path: 'spec.targets[1].service' },
  { name: 'target is the service itself', docs: [mirrorDoc('m', 'a', [{ service: 'a', percent: 5 }])], code: CONFIG_ERROR.value, path: 'spec.targets[0].service' },
  { name: 'target named twice', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5 }, { service: 'b', percent: 7 }])], code: CONFIG_ERROR.value, path: 'spec.targets[1].service' },
  {
    name: 'two rules mirroring back (a → b → a)',
    docs: [mirrorDoc('ab', 'a', [{ service: 'b', percent: 5 }]), mirrorDoc('ba', 'b', [{ service: 'a', percent: 5 }])],
    code: CONFIG_ERROR.mirrorCycle, path: 'spec.targets[0].service', rule: 1,
  },
  {
    name: 'a three-service cycle (a → b → c → a)',
    docs: [mirrorDoc('ab', 'a', [{ service: 'b', percent: 5 }]), mirrorDoc('bc', 'b', [{ service: 'c', percent: 5 }]), mirrorDoc('ca', 'c', [{ service: 'b', percent: 1 }, { service: 'a', percent: 5 }])],
    code: CONFIG_ERROR.mirrorCycle, path: 'spec.targets[1].service', rule: 2,
  },
  { name: 'route that does not exist', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5 }], { route: 'nope' })], code: CONFIG_ERROR.reference, path: 'spec.route' },
  {
    name: 'route that sends no traffic to the service',
    docs: [{ apiVersion: 'prescient.dev/v1alpha1', kind: 'Route', metadata: { name: 'r' }, spec: { hosts: ['r'], rules: [{ backends: [{ service: 'c' }] }] } }, mirrorDoc('m', 'a', [{ service: 'b', percent: 5 }], { route: 'r' })],
    code: CONFIG_ERROR.reference, path: 'spec.route', rule: 1,
  },
  { name: 'match with both prefix and regex', docs: [mirrorDoc('m', 'a', T, { match: { prefix: '/a', regex: '/a.*' } })], code: S, path: 'spec.match' },
  { name: 'match with an empty selection', docs: [mirrorDoc('m', 'a', T, { match: {} })], code: S, path: 'spec.match' },
  { name: 'match prefix not starting with /', docs: [mirrorDoc('m', 'a', T, { match: { prefix: 'orders' } })], code: S, path: 'spec.match.prefix' },
  { name: 'match regex that is not RE2 (lookahead)', docs: [mirrorDoc('m', 'a', T, { match: { regex: '/(?=orders)' } })], code: CONFIG_ERROR.value, path: 'spec.match.regex' },
  { name: 'match regex longer than 1024', docs: [mirrorDoc('m', 'a', T, { match: { regex: `/${'a'.repeat(1024)}` } })], code: S, path: 'spec.match.regex' },
  { name: 'header regex that is not RE2 (backreference)', docs: [mirrorDoc('m', 'a', T, { match: { headers: [{ name: 'x-a', regex: '(a)\\1' }] } })], code: CONFIG_ERROR.value, path: 'spec.match.headers[0].regex' },
  { name: 'header with two values to compare', docs: [mirrorDoc('m', 'a', T, { match: { headers: [{ name: 'x-a', exact: 'a', prefix: 'b' }] } })], code: S, path: 'spec.match.headers[0]' },
  { name: 'pseudo-header in headers', docs: [mirrorDoc('m', 'a', T, { match: { headers: [{ name: ':method', exact: 'POST' }] } })], code: S, path: 'spec.match.headers[0].name' },
  { name: 'method in lower case', docs: [mirrorDoc('m', 'a', T, { match: { methods: ['post'] } })], code: S, path: 'spec.match.methods[0]' },
  { name: 'method listed twice', docs: [mirrorDoc('m', 'a', T, { match: { methods: ['POST', 'PUT', 'POST'] } })], code: CONFIG_ERROR.duplicate, path: 'spec.match.methods[2]' },
  { name: 'misspelt match field', docs: [mirrorDoc('m', 'a', T, { match: { method: ['POST'] } })], code: S, path: 'spec.match.method' },
  { name: 'two rules with one name', docs: [mirrorDoc('m', 'a', [{ service: 'b', percent: 5 }]), mirrorDoc('m', 'a', [{ service: 'c', percent: 5 }])], code: CONFIG_ERROR.duplicate, path: 'metadata.name', rule: 1 },
];

describe('MirrorRule documents', () => {
  for (const c of CASES) {
    it(`rejects ${c.name} with ${c.code} at ${c.path}`, () => {
      const result = parseConfigText(yamlOf(...SERVICES, ...c.docs), 'mirror.yaml');
      assert.equal(result.ok, false, 'the load must fail as a whole');
      if (result.ok) return;
      const hit = result.errors.find((e) => e.code === c.code && e.path === c.path);
      assert.ok(hit, `expected ${c.code} at "${c.path}", got:\n${result.errors.map(formatConfigError).join('\n')}`);
      assert.equal(hit.documentIndex, SERVICES.length + (c.rule ?? 0));
      assert.ok(hit.message.length > 10);
    });
  }

  it('names the whole cycle in the message', () => {
    const result = parseConfigText(yamlOf(...SERVICES, ...CASES.find((c) => c.name.startsWith('a three-service cycle'))!.docs), 'mirror.yaml');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.errors.map((e) => e.message).join('\n'), /a → b → c → a/);
  });

  it('loads good rules (fan-out, a chain without a cycle, a disabled back edge, 4 decimals)', () => {
    const docs = [
      mirrorDoc('ab', 'a', [{ service: 'b', percent: 12.3456, runtimeKey: 'mirror.a.b', traceSampled: false }, { service: 'c', percent: 100 }]),
      mirrorDoc('bc', 'b', [{ service: 'c', percent: 0 }], { match: { regex: '/orders/[0-9]+', headers: [{ name: 'x-tenant', regex: 'acme|globex' }, { name: 'x-debug', present: true, invert: true }], methods: ['POST', 'PATCH'] } }),
      mirrorDoc('ca', 'c', [{ service: 'a', percent: 5 }], { enabled: false }),
    ];
    const result = parseConfigText(yamlOf(...SERVICES, ...docs), 'mirror.yaml');
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    assert.deepEqual([...result.config.mirrorRules!.keys()], ['ab', 'bc', 'ca']);
    assert.equal(result.config.mirrorRules!.get('ab')!.spec.targets[0]!.percent, 12.3456);
  });
});
