import assert from 'node:assert/strict';
import { NodeGroupResolver, type NodeIdentity } from '../../../xds-server/cache/node-groups.ts';

const node = (over: Partial<NodeIdentity> = {}): NodeIdentity => ({ id: 'n', cluster: '', metadata: {}, user_agent_name: 'envoy', ...over });

describe('NodeGroupResolver', () => {
  it('groups by detected flavor by default', () => {
    const r = new NodeGroupResolver();
    assert.deepEqual(r.resolve(node()), { group: 'envoy', flavor: 'envoy', labels: {} });
    assert.deepEqual(r.resolve(node({ user_agent_name: 'gRPC Node.js' })), { group: 'grpc', flavor: 'grpc', labels: {} });
    assert.deepEqual(r.resolve(node({ user_agent_name: 'grpc-java', metadata: { PRESCIENT_CLIENT: 'envoy' } })), { group: 'envoy', flavor: 'envoy', labels: {} });
  });

  it('applies the first selector whose criteria all match', () => {
    const r = new NodeGroupResolver([
      { group: 'payments', flavor: 'envoy', nodeId: 'payments-.*', metadata: { tier: 'gold' } },
      { group: 'edge', flavor: 'envoy', cluster: 'gateway' },
      { group: 'checkout' , metadata: { app: 'checkout' } },
    ]);
    assert.deepEqual(r.resolve(node({ id: 'payments-7', metadata: { tier: 'gold' } })), { group: 'payments', flavor: 'envoy', labels: {} });
    assert.deepEqual(r.resolve(node({ id: 'payments-7' })), { group: 'envoy', flavor: 'envoy', labels: {} }, 'metadata did not match');
    assert.deepEqual(r.resolve(node({ id: 'xpayments-7', metadata: { tier: 'gold' } })), { group: 'envoy', flavor: 'envoy', labels: {} }, 'the id pattern is anchored');
    assert.deepEqual(r.resolve(node({ cluster: 'gateway' })), { group: 'edge', flavor: 'envoy', labels: {} });
    assert.deepEqual(r.resolve(node({ metadata: { app: 'checkout' }, user_agent_name: 'grpc-go' })), { group: 'checkout:grpc', flavor: 'grpc', labels: {} });
    assert.deepEqual(r.resolve(node({ metadata: { app: 'checkout' } })), { group: 'checkout:envoy', flavor: 'envoy', labels: {} });
  });

  it('rejects a selector with an invalid pattern, naming it', () => {
    assert.throws(() => new NodeGroupResolver([{ group: 'x', nodeId: '(' }]), /XDS_NODE_GROUP_SELECTOR: selector 0 \(x\)/);
  });

  it('matches node ids with RE2 semantics: a client-chosen id cannot make a selector backtrack', () => {
    const r = new NodeGroupResolver([{ group: 'a', flavor: 'envoy', nodeId: '(a+)+' }]);
    const started = performance.now();
    assert.deepEqual(r.resolve(node({ id: `${'a'.repeat(9_999)}!` })), { group: 'envoy', flavor: 'envoy', labels: {} });
    assert.ok(performance.now() - started < 50, 'matching took over 50 ms');
    assert.deepEqual(r.resolve(node({ id: 'aaa' })), { group: 'a', flavor: 'envoy', labels: {} });
    assert.throws(() => new NodeGroupResolver([{ group: 'y', nodeId: '(a)\\1' }]), /XDS_NODE_GROUP_SELECTOR: selector 0 \(y\)/, 'backreferences are not RE2');
  });
});
