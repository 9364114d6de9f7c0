import assert from 'node:assert/strict';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { CONFIG_ERROR, formatConfigError, type ConfigErrorCode } from '../../../xds-server/config/errors.ts';
import { overrideDoc, routeDoc, serviceDoc, withValue, yamlOf, type Doc } from './builders.ts';

interface Case {
  name: string;
  /** Documents besides the default greeter Service (included unless `alone`). */
  docs: Doc[];
  alone?: boolean;
  code: ConfigErrorCode;
  path: string;
  /** Which document the error is about, counting the greeter Service first unless `alone`. */
  documentIndex?: number;
}

const svc = serviceDoc();
const S = CONFIG_ERROR.schema;

const CASES: Case[] = [
  { name: 'port 0', docs: [withValue(svc, ['spec', 'endpoints', 0, 'port'], 0)], alone: true, code: S, path: 'spec.endpoints[0].port' },
  { name: 'port above 65535', docs: [withValue(svc, ['spec', 'endpoints', 1, 'port'], 65536)], alone: true, code: S, path: 'spec.endpoints[1].port' },
  { name: 'port as a string', docs: [withValue(svc, ['spec', 'endpoints', 0, 'port'], '80')], alone: true, code: S, path: 'spec.endpoints[0].port' },
  { name: 'name not DNS-1123', docs: [serviceDoc('Greeter_1')], alone: true, code: S, path: 'metadata.name' },
  { name: 'name missing', docs: [withValue(svc, ['metadata', 'name'], undefined)], alone: true, code: S, path: 'metadata.name' },
  { name: 'spec missing', docs: [withValue(svc, ['spec'], undefined)], alone: true, code: S, path: 'spec' },
  { name: 'no endpoints', docs: [withValue(svc, ['spec', 'endpoints'], [])], alone: true, code: S, path: 'spec.endpoints' },
  { name: 'address not an address', docs: [withValue(svc, ['spec', 'endpoints', 0, 'address'], 'not an address!')], alone: true, code: S, path: 'spec.endpoints[0].address' },
  { name: 'misspelt field', docs: [withValue(svc, ['spec', 'endpoints', 0, 'wieght'], 3)], alone: true, code: S, path: 'spec.endpoints[0].wieght' },
  { name: 'weight 0', docs: [withValue(svc, ['spec', 'endpoints', 1, 'weight'], 0)], alone: true, code: S, path: 'spec.endpoints[1].weight' },
  { name: 'weight above 1000000', docs: [withValue(svc, ['spec', 'endpoints', 1, 'weight'], 1_000_001)], alone: true, code: S, path: 'spec.endpoints[1].weight' },
  { name: 'fractional weight', docs: [withValue(svc, ['spec', 'endpoints', 0, 'weight'], 1.5)], alone: true, code: S, path: 'spec.endpoints[0].weight' },
  { name: 'duration in words', docs: [serviceDoc('greeter', { connectTimeout: '5 seconds' })], alone: true, code: S, path: 'spec.connectTimeout' },
  { name: 'unknown protocol', docs: [serviceDoc('greeter', { protocol: 'smtp' })], alone: true, code: S, path: 'spec.protocol' },
  { name: 'unknown LB policy', docs: [serviceDoc('greeter', { loadBalancing: { policy: 'FASTEST' } })], alone: true, code: S, path: 'spec.loadBalancing.policy' },
  { name: 'endpoint listed twice', docs: [withValue(svc, ['spec', 'endpoints', 1, 'port'], 50051)], alone: true, code: CONFIG_ERROR.duplicate, path: 'spec.endpoints[1]' },
  {
    name: 'ring sizes inverted',
    docs: [serviceDoc('greeter', { loadBalancing: { policy: 'RING_HASH', ringHash: { minimumRingSize: 4096, maximumRingSize: 1024 } } })],
    alone: true, code: CONFIG_ERROR.value, path: 'spec.loadBalancing.ringHash.minimumRingSize',
  },
  { name: 'kubectl apiVersion', docs: [withValue(svc, ['apiVersion'], 'v1')], alone: true, code: CONFIG_ERROR.apiVersion, path: 'apiVersion' },
  { name: 'unknown kind', docs: [withValue(svc, ['kind'], 'Gateway')], alone: true, code: CONFIG_ERROR.unknownKind, path: 'kind' },
  { name: 'document is a list', docs: [[1, 2] as unknown as Doc], alone: true, code: S, path: '' },
  { name: 'no hosts', docs: [routeDoc('greeter', { hosts: [] })], code: S, path: 'spec.hosts', documentIndex: 1 },
  { name: 'host with a space', docs: [routeDoc('greeter', { hosts: ['my host'] })], code: S, path: 'spec.hosts[0]', documentIndex: 1 },
  { name: 'no backends', docs: [routeDoc('greeter', { rules: [{ backends: [] }] })], code: S, path: 'spec.rules[0].backends', documentIndex: 1 },
  {
    name: 'header match with two matchers',
    docs: [routeDoc('greeter', { rules: [{ match: { headers: [{ name: 'x-user', exact: 'a', prefix: 'b' }] }, backends: [{ service: 'greeter' }] }] })],
    code: S, path: 'spec.rules[0].match.headers[0]', documentIndex: 1,
  },
  {
    name: 'header match with no matcher',
    docs: [routeDoc('greeter', { rules: [{ match: { headers: [{ name: 'x-user' }] }, backends: [{ service: 'greeter' }] }] })],
    code: S, path: 'spec.rules[0].match.headers[0]', documentIndex: 1,
  },
  {
    name: 'header name in capitals',
    docs: [routeDoc('greeter', { rules: [{ match: { headers: [{ name: 'X-User', present: true }] }, backends: [{ service: 'greeter' }] }] })],
    code: S, path: 'spec.rules[0].match.headers[0].name', documentIndex: 1,
  },
  {
    name: 'prefix and path together',
    docs: [routeDoc('greeter', { rules: [{ match: { prefix: '/a', path: '/a/b' }, backends: [{ service: 'greeter' }] }] })],
    code: S, path: 'spec.rules[0].match', documentIndex: 1,
  },
  {
    name: 'prefix without a slash',
    docs: [routeDoc('greeter', { rules: [{ match: { prefix: 'api' }, backends: [{ service: 'greeter' }] }] })],
    code: S, path: 'spec.rules[0].match.prefix', documentIndex: 1,
  },
  {
    name: 'regex that does not compile',
    docs: [routeDoc('greeter', { rules: [{ match: { regex: '/(a' }, backends: [{ service: 'greeter' }] }] })],
    code: CONFIG_ERROR.value, path: 'spec.rules[0].match.regex', documentIndex: 1,
  },
  {
    name: 'retries without attempts',
    docs: [routeDoc('greeter', { rules: [{ backends: [{ service: 'greeter' }], retries: { retryOn: ['5xx'] } }] })],
    code: S, path: 'spec.rules[0].retries.attempts', documentIndex: 1,
  },
  {
    name: 'unknown retry condition',
    docs: [routeDoc('greeter', { rules: [{ backends: [{ service: 'greeter' }], retries: { attempts: 2, retryOn: ['sometimes'] } }] })],
    code: S, path: 'spec.rules[0].retries.retryOn[0]', documentIndex: 1,
  },
  {
    name: 'timeout without a unit',
    docs: [routeDoc('greeter', { rules: [{ backends: [{ service: 'greeter' }], timeout: '30' }] })],
    code: S, path: 'spec.rules[0].timeout', documentIndex: 1,
  },
  { name: 'listener on a host name', docs: [routeDoc('greeter', { listener: { address: 'localhost', port: 8080 } })], code: S, path: 'spec.listener.address', documentIndex: 1 },
  {
    name: 'backend names a missing Service',
    docs: [routeDoc('greeter', { rules: [{ backends: [{ service: 'greeter' }, { service: 'nope', weight: 2 }] }] })],
    code: CONFIG_ERROR.reference, path: 'spec.rules[0].backends[1].service', documentIndex: 1,
  },
  {
    name: 'two Routes on one listener port',
    docs: [routeDoc('a', { listener: { port: 8080 } }), routeDoc('b', { listener: { port: 8080 } })],
    code: CONFIG_ERROR.conflict, path: 'spec.listener.port', documentIndex: 2,
  },
  {
    name: 'two Routes claiming one host',
    docs: [routeDoc('a', { hosts: ['api.demo'] }), routeDoc('b', { hosts: ['other', 'API.demo'] })],
    code: CONFIG_ERROR.conflict, path: 'spec.hosts[1]', documentIndex: 2,
  },
  { name: 'two Services with one name', docs: [serviceDoc()], code: CONFIG_ERROR.duplicate, path: 'metadata.name', documentIndex: 1 },
  { name: 'override pins and clamps', docs: [overrideDoc('cap', { pin: 5, floor: 2 })], code: S, path: 'spec', documentIndex: 1 },
  { name: 'override that does nothing', docs: [overrideDoc('cap', { ceiling: undefined, reason: 'x' })], code: S, path: 'spec', documentIndex: 1 },
  { name: 'override pin 0', docs: [overrideDoc('cap', { ceiling: undefined, pin: 0 })], code: S, path: 'spec.pin', documentIndex: 1 },
  { name: 'override floor above ceiling', docs: [overrideDoc('cap', { floor: 20 })], code: CONFIG_ERROR.value, path: 'spec.floor', documentIndex: 1 },
  { name: 'override of a missing Service', docs: [overrideDoc('cap', { service: 'nope' })], code: CONFIG_ERROR.reference, path: 'spec.service', documentIndex: 1 },
  { name: 'override of a missing endpoint', docs: [overrideDoc('cap', { endpoint: '127.0.0.1:9' })], code: CONFIG_ERROR.reference, path: 'spec.endpoint', documentIndex: 1 },
  { name: 'override expiry not RFC 3339', docs: [overrideDoc('cap', { expiresAt: 'tomorrow' })], code: S, path: 'spec.expiresAt', documentIndex: 1 },
  {
    name: 'scoring interval of zero',
    docs: [{ apiVersion: 'prescient.dev/v1alpha1', kind: 'ScoringPolicy', metadata: { name: 'fast' }, spec: { interval: '0s' } }],
    code: CONFIG_ERROR.value, path: 'spec.interval', documentIndex: 1,
  },
];

describe('config loader: bad documents', () => {
  it('has a table of at least 20 cases', () => {
    assert.ok(CASES.length >= 20);
  });

  for (const c of CASES) {
    it(`rejects ${c.name} with ${c.code} at ${c.path || '(document)'}`, () => {
      const docs = c.alone ? c.docs : [svc, ...c.docs];
      const result = parseConfigText(yamlOf(...docs), 'bad.yaml');
      assert.equal(result.ok, false, 'the load must fail as a whole');
      if (result.ok) return;
      const hit = result.errors.find((e) => e.code === c.code && e.path === c.path);
      assert.ok(hit, `expected ${c.code} at "${c.path}", got:\n${result.errors.map(formatConfigError).join('\n')}`);
      assert.equal(hit.documentIndex, c.documentIndex ?? 0);
      assert.equal(hit.file, 'bad.yaml');
      assert.ok(hit.line !== undefined && hit.line >= 1, 'errors carry a line from the YAML node');
      assert.ok(hit.message.length > 10);
    });
  }
});
