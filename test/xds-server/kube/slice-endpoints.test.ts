import assert from 'node:assert/strict';
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { conditionOf, endpointsFromSlices, portSelector, slicePort } from '../../../xds-server/kube/slice-endpoints.ts';

type Ep = NonNullable<V1EndpointSlice['endpoints']>[number];

function slice(name: string, endpoints: Ep[], options: Partial<V1EndpointSlice> = {}): V1EndpointSlice {
  return {
    addressType: 'IPv4',
    metadata: { name, labels: { 'kubernetes.io/service-name': 'api' } },
    ports: [{ name: 'grpc', port: 50051, protocol: 'TCP' }],
    endpoints,
    ...options,
  };
}

const ready = (address: string, extra: Partial<Ep> = {}): Ep => ({ addresses: [address], conditions: { ready: true, serving: true, terminating: false }, ...extra });
const byName = portSelector('grpc', undefined);

describe('EndpointSlice → endpoints', () => {
  it('reads conditions the way the EndpointSlice API defines them (unset ready = ready, unset serving = ready)', () => {
    assert.equal(conditionOf(undefined), 'serving');
    assert.equal(conditionOf({}), 'serving');
    assert.equal(conditionOf({ ready: true }), 'serving');
    assert.equal(conditionOf({ ready: false }), 'excluded');
    assert.equal(conditionOf({ ready: false, serving: true, terminating: false }), 'excluded');
    assert.equal(conditionOf({ ready: false, serving: true, terminating: true }), 'draining');
    assert.equal(conditionOf({ ready: false, serving: false, terminating: true }), 'excluded');
    // serving unset falls back to ready: a terminating endpoint that says nothing more is not serving
    assert.equal(conditionOf({ ready: false, terminating: true }), 'excluded');
    assert.equal(conditionOf({ terminating: true }), 'draining');
  });

  it('serves ready endpoints, drains terminating ones that still serve, leaves out the rest', () => {
    const r = endpointsFromSlices(
      [
        slice('api-a', [
          ready('10.0.0.1', { zone: 'z1', nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'api-1' } }),
          ready('10.0.0.2', { conditions: { ready: false, serving: true, terminating: true }, zone: 'z2' }),
          ready('10.0.0.3', { conditions: { ready: false, serving: false, terminating: true } }),
          ready('10.0.0.4', { conditions: { ready: false, serving: false, terminating: false } }),
        ]),
      ],
      byName,
    );
    assert.deepEqual(r.endpoints, [
      { address: '10.0.0.1', port: 50051, locality: { zone: 'z1' }, metadata: { node: 'node-1', pod: 'api-1' } },
      { address: '10.0.0.2', port: 50051, locality: { zone: 'z2' }, draining: true },
    ]);
    assert.deepEqual([r.serving, r.draining, r.excluded], [1, 1, 2]);
    assert.deepEqual(r.problems, []);
  });

  it('takes the port by name or by number, per slice', () => {
    const a = slice('api-a', [ready('10.0.0.1')], { ports: [{ name: 'grpc', port: 50051 }, { name: 'metrics', port: 9090 }] });
    const b = slice('api-b', [ready('10.0.0.2')], { ports: [{ name: 'grpc', port: 50052 }, { name: 'metrics', port: 9090 }] });
    assert.deepEqual(endpointsFromSlices([a, b], byName).endpoints.map((e) => `${e.address}:${e.port}`), ['10.0.0.1:50051', '10.0.0.2:50052']);
    assert.deepEqual(endpointsFromSlices([a, b], portSelector(9090, undefined)).endpoints.map((e) => `${e.address}:${e.port}`), ['10.0.0.1:9090', '10.0.0.2:9090']);
    // the Service document's first port name is the default
    assert.deepEqual(endpointsFromSlices([a], portSelector(undefined, 'metrics')).endpoints.map((e) => e.port), [9090]);
  });

  it('says why a slice contributes nothing: a missing port, an ambiguous default, a UDP-only port, an FQDN slice', () => {
    const two = slice('api-a', [ready('10.0.0.1')], { ports: [{ name: 'grpc', port: 50051 }, { name: 'metrics', port: 9090 }] });
    assert.match(String(slicePort(two, portSelector(undefined, undefined))), /has 2 TCP ports \(grpc, metrics\); set discovery\.kubernetes\.port/);
    assert.match(String(slicePort(two, portSelector('http', undefined))), /no TCP port named "http"/);
    const udp = slice('dns', [ready('10.0.0.9')], { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
    assert.match(String(slicePort(udp, portSelector('dns', undefined))), /no TCP port named "dns"/);
    const r = endpointsFromSlices([two, slice('api-f', [ready('api.example.com')], { addressType: 'FQDN' })], portSelector('http', undefined));
    assert.deepEqual(r.endpoints, []);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[1]!, /api-f has addressType FQDN/);
    // one unnamed port: the default takes it
    const single = slice('api-s', [ready('10.0.0.5')], { ports: [{ port: 8080 }] });
    assert.equal(slicePort(single, portSelector(undefined, undefined)), 8080);
  });

  it('merges dual-stack slices and keeps an address listed twice once, in its best state', () => {
    const v4 = slice('api-v4', [ready('10.0.0.1'), ready('10.0.0.2', { conditions: { ready: false, serving: true, terminating: true } })]);
    const v6 = slice('api-v6', [ready('fd00::1')], { addressType: 'IPv6' });
    // while the controller moves endpoints between slices, one may be listed in two
    const overlap = slice('api-v4-2', [ready('10.0.0.2'), ready('10.0.0.1', { conditions: { ready: false, serving: true, terminating: true } })]);
    const r = endpointsFromSlices([v4, v6, overlap], byName);
    assert.deepEqual(r.endpoints, [
      { address: '10.0.0.1', port: 50051 },
      { address: '10.0.0.2', port: 50051 },
      { address: 'fd00::1', port: 50051 },
    ]);
    assert.deepEqual([r.serving, r.draining], [3, 0]);
  });

  it('gives the same endpoints whatever order the slices and their endpoints come in', () => {
    const a = slice('a', [ready('10.0.0.3'), ready('10.0.0.1')]);
    const b = slice('b', [ready('10.0.0.2')]);
    assert.deepEqual(endpointsFromSlices([a, b], byName), endpointsFromSlices([b, a], byName));
    assert.deepEqual(endpointsFromSlices([a, b], byName).endpoints.map((e) => e.address), ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('uses the first address of an endpoint (the API says they are fungible) and skips one with none', () => {
    const r = endpointsFromSlices([slice('a', [{ addresses: ['10.0.0.7', '10.0.0.8'] }, { addresses: [] }])], byName);
    assert.deepEqual(r.endpoints, [{ address: '10.0.0.7', port: 50051 }]);
    assert.equal(r.excluded, 1);
  });
});
