import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { lookupType } from '../../../xds-server/envoy/protos.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { decodeDiscoveryRequest } from '../../../xds-server/transport/discovery-messages.ts';

const DiscoveryRequest = lookupType('envoy.service.discovery.v3.DiscoveryRequest');
const encode = (msg: object): Uint8Array => DiscoveryRequest.encode(DiscoveryRequest.fromObject(msg)).finish();

describe('decodeDiscoveryRequest', () => {
  it('decodes every field Prescient reads', () => {
    const req = decodeDiscoveryRequest(encode({
      version_info: 'v1',
      node: { id: 'n', cluster: 'c', user_agent_name: 'envoy', metadata: { fields: { k: { stringValue: 'x' } } } },
      resource_names: ['a', 'b'],
      type_url: TYPE_URL.endpoint,
      response_nonce: '7',
      error_detail: { code: 3, message: 'bad' },
    }));
    assert.equal(req.version_info, 'v1');
    assert.deepEqual(req.node, { id: 'n', cluster: 'c', metadata: { k: 'x' }, user_agent_name: 'envoy' });
    assert.deepEqual(req.resource_names, ['a', 'b']);
    assert.equal(req.type_url, TYPE_URL.endpoint);
    assert.equal(req.response_nonce, '7');
    assert.deepEqual(req.error_detail, { code: 3, message: 'bad' });
  });

  it('defaults absent fields like protobuf does', () => {
    const req = decodeDiscoveryRequest(encode({}));
    assert.deepEqual({ ...req, resource_names: req.resource_names, resource_names_wire: [...req.resource_names_wire] }, {
      version_info: '', node: undefined, type_url: '', response_nonce: '', error_detail: undefined, resource_names: [], resource_names_wire: [],
    });
  });

  it('gives equal names equal wire bytes whatever else the request carries, and different names different bytes', () => {
    const a = decodeDiscoveryRequest(encode({ resource_names: ['x', 'y'], response_nonce: '1', version_info: 'v1' }));
    const b = decodeDiscoveryRequest(encode({ resource_names: ['x', 'y'], response_nonce: '22', version_info: 'v2' }));
    const c = decodeDiscoveryRequest(encode({ resource_names: ['y', 'x'], response_nonce: '1' }));
    assert.ok(Buffer.from(a.resource_names_wire).equals(b.resource_names_wire));
    assert.ok(!Buffer.from(a.resource_names_wire).equals(c.resource_names_wire));
  });

  it('reads names interleaved with other fields, in order', () => {
    const w = protobuf.Writer.create();
    w.uint32((3 << 3) | 2).string('first');
    w.uint32((4 << 3) | 2).string(TYPE_URL.cluster);
    w.uint32((3 << 3) | 2).string('second');
    w.uint32((99 << 3) | 0).uint32(5); // an unknown field is skipped
    const req = decodeDiscoveryRequest(w.finish());
    assert.deepEqual(req.resource_names, ['first', 'second']);
    assert.equal(req.type_url, TYPE_URL.cluster);
  });

  it('refuses a known field with the wrong wire type', () => {
    const w = protobuf.Writer.create().uint32((4 << 3) | 0).uint32(1);
    assert.throws(() => decodeDiscoveryRequest(w.finish()), /field 4 has wire type 0/);
  });
});
