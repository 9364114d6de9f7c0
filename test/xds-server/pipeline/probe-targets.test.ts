import assert from 'node:assert/strict';
import { DEFAULT_PROBE_INTERVAL_MS, probeTargets } from '../../../xds-server/pipeline/probe-targets.ts';
import { endpoint, meshConfig, service } from '../../support/config-builders.ts';

describe('probeTargets', () => {
  it('probes every endpoint of every Service', () => {
    const mesh = meshConfig(
      service('a', { endpoints: [endpoint('10.0.0.1', 80), endpoint('10.0.0.2', 80)] }),
      service('b', { endpoints: [endpoint('10.0.1.1', 9000)] }),
    );
    assert.deepEqual(
      probeTargets(mesh).map((t) => `${t.service} ${t.endpoint}`),
      ['a 10.0.0.1:80', 'a 10.0.0.2:80', 'b 10.0.1.1:9000'],
    );
  });

  it("uses the Service's first health check: kind, path, interval and timeout", () => {
    const mesh = meshConfig(
      service('web', {
        protocol: 'http',
        endpoints: [endpoint('10.0.0.1', 8080)],
        healthChecks: [{ type: 'http', path: '/ready', interval: '2s', timeout: '250ms' }, { type: 'tcp', interval: '9s' }],
      }),
    );
    assert.deepEqual(probeTargets(mesh), [{ service: 'web', endpoint: '10.0.0.1:8080', kind: 'http', path: '/ready', intervalMs: 2000, timeoutMs: 250 }]);
  });

  it('without a health check, probes gRPC services with gRPC health and the rest with a TCP connect at the default interval', () => {
    const mesh = meshConfig(
      service('rpc', { protocol: 'grpc', endpoints: [endpoint('10.0.0.1', 50051)] }),
      service('web', { protocol: 'http', endpoints: [endpoint('10.0.0.2', 80)] }),
      service('db', { protocol: 'tcp', endpoints: [endpoint('10.0.0.3', 5432)] }),
    );
    assert.deepEqual(probeTargets(mesh), [
      { service: 'rpc', endpoint: '10.0.0.1:50051', kind: 'grpc', intervalMs: DEFAULT_PROBE_INTERVAL_MS },
      { service: 'web', endpoint: '10.0.0.2:80', kind: 'tcp', intervalMs: DEFAULT_PROBE_INTERVAL_MS },
      { service: 'db', endpoint: '10.0.0.3:5432', kind: 'tcp', intervalMs: DEFAULT_PROBE_INTERVAL_MS },
    ]);
  });

  it('takes the default interval from the caller, and a check without an interval uses it too', () => {
    const mesh = meshConfig(
      service('plain', { endpoints: [endpoint('10.0.0.1', 1)] }),
      service('checked', { endpoints: [endpoint('10.0.0.2', 2)], healthChecks: [{ type: 'grpc', path: 'svc.Health' }] }),
    );
    assert.deepEqual(
      probeTargets(mesh, 3000).map((t) => [t.service, t.kind, t.path, t.intervalMs, t.timeoutMs]),
      [
        ['plain', 'grpc', undefined, 3000, undefined],
        ['checked', 'grpc', 'svc.Health', 3000, undefined],
      ],
    );
  });

  it('returns nothing for an empty mesh', () => {
    assert.deepEqual(probeTargets(meshConfig()), []);
  });
});
