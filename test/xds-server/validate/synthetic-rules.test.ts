/**
 * Rule families Envoy's loaded protos barely use, checked on a small proto parsed next to
 * validate.proto, so each family's semantics are pinned down by reflection like Envoy's.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { protoIncludeDirs } from '../../../xds-server/envoy/protos.ts';
import { walkMessage } from '../../../xds-server/validate/message-validator.ts';
import { ROOT } from '../../../xds-server/validate/path.ts';
import { IssueSink } from '../../../xds-server/validate/sink.ts';

const SOURCE = `
syntax = "proto3";
package prescient.test;
import "validate/validate.proto";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";

message Inner { string id = 1 [(validate.rules).string.len = 3]; }
message Off { option (validate.disabled) = true; string id = 1 [(validate.rules).string.min_len = 5]; }
message Sample {
  string code = 1 [(validate.rules).string = {prefix: "a", suffix: "z", contains: "m", not_contains: "x", ignore_empty: true}];
  string fixed = 2 [(validate.rules).string.const = "k"];
  string host = 3 [(validate.rules).string = {hostname: true, ignore_empty: true}];
  string ip = 4 [(validate.rules).string = {ip: true, ignore_empty: true}];
  string addr = 5 [(validate.rules).string = {address: true, ignore_empty: true}];
  int64 big = 6 [(validate.rules).int64 = {gt: 100}];
  sint32 outside = 7 [(validate.rules).sint32 = {lt: 0, gt: 10}];
  float ratio = 8 [(validate.rules).float = {gte: 0, lt: 1}];
  uint32 pick = 9 [(validate.rules).uint32 = {in: [1, 2, 3]}];
  google.protobuf.Any payload = 10 [(validate.rules).any = {in: ["type.googleapis.com/prescient.test.Inner"]}];
  map<string, Inner> items = 11 [(validate.rules).map = {min_pairs: 1, max_pairs: 2, values: {message: {required: true}}}];
  Inner skipped = 12 [(validate.rules).message.skip = true];
  Off off = 13;
  google.protobuf.Duration wait = 14 [(validate.rules).duration = {in: [{seconds: 1}, {seconds: 2}]}];
  oneof choice {
    option (validate.required) = true;
    string left = 15;
    string right = 16;
  }
}
`;

function loadSample(): protobuf.Type {
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_o, target) => {
    if ((protobuf.common as unknown as Record<string, unknown>)[target]) return target;
    const hit = dirs.map((d) => path.join(d, target)).find((p) => fs.existsSync(p));
    return hit ?? target;
  };
  // protobuf.parse does not follow imports: load them first.
  root.loadSync(['validate/validate.proto', 'google/protobuf/any.proto', 'google/protobuf/duration.proto'], { keepCase: true });
  protobuf.parse(SOURCE, root, { keepCase: true });
  root.resolveAll();
  return root.lookupType('prescient.test.Sample');
}

const Sample = loadSample();
/** Unset proto3 scalars are checked at their defaults (PGV), so every ruled scalar is set. */
const VALID = { fixed: 'k', items: { a: { id: 'abc' } }, left: 'l', big: '9007199254740994', outside: 11, pick: 1 };

function issues(patch: Record<string, unknown>): Array<[string, string]> {
  const sink = new IssueSink();
  walkMessage(Sample, { ...VALID, ...patch }, ROOT, sink);
  return sink.issues.map((i) => [i.fieldPath, i.rule]);
}

describe('validate: rule families on a synthetic proto', () => {
  it('accepts a valid message', () => assert.deepEqual(issues({}), []));

  const cases: Array<[string, Record<string, unknown>, Array<[string, string]>]> = [
    ['string prefix/suffix/contains/not_contains', { code: 'bxy' }, [['code', 'string.prefix'], ['code', 'string.suffix'], ['code', 'string.contains'], ['code', 'string.not_contains']]],
    ['string const applies to the unset default', { fixed: undefined }, [['fixed', 'string.const']]],
    ['string hostname', { host: '-bad-.example' }, [['host', 'string.hostname']]],
    ['string ip', { ip: '10.0.0.300' }, [['ip', 'string.ip']]],
    ['string address', { addr: 'not an address' }, [['addr', 'string.address']]],
    ['int64 given as a decimal string', { big: '100' }, [['big', 'int64.gt']]],
    ['exclusive range (gt > lt)', { outside: 5 }, [['outside', 'sint32.gt']]],
    ['float range', { ratio: 1 }, [['ratio', 'float.lt']]],
    ['uint32 in', { pick: 4 }, [['pick', 'uint32.in']]],
    ['any in', { payload: { '@type': 'type.googleapis.com/prescient.test.Off', id: 'x' } }, [['payload', 'any.in']]],
    ['rules inside an Any', { payload: { '@type': 'type.googleapis.com/prescient.test.Inner', id: 'toolong' } }, [['payload.id', 'string.len']]],
    ['map min_pairs', { items: {} }, [['items', 'map.min_pairs']]],
    ['map max_pairs and values', { items: { a: { id: 'abc' }, b: { id: 'ab' }, c: { id: 'abc' } } }, [['items', 'map.max_pairs'], ['items["b"].id', 'string.len']]],
    ['message skip', { skipped: { id: 'toolong' } }, []],
    ['message disabled', { off: { id: 'x' } }, []],
    ['structure still checked under disabled', { off: { nope: 1 } }, [['off.nope', 'field.known']]],
    ['duration in', { wait: { seconds: 3 } }, [['wait', 'duration.in']]],
    ['oneof required', { left: undefined }, [['choice', 'oneof.required']]],
  ];
  for (const [name, patch, expected] of cases) {
    it(name, () => assert.deepEqual(issues(patch), expected));
  }
});
