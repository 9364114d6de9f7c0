/** Mesh configurations shared by end-to-end tests. */
import type { BackendServer } from './backend-servers.ts';
import type { DocSpec } from './prescient-harness.ts';

/** One scored gRPC service over `servers`, probed every 250 ms and scored every 500 ms. */
export function scoredMesh(servers: BackendServer[]): DocSpec[] {
  return [
    {
      kind: 'Service',
      name: 'scored',
      spec: {
        protocol: 'grpc',
        healthChecks: [{ type: 'grpc', interval: '250ms', timeout: '1s' }],
        // Runs grpc-js's outlier detection every second during the test (see translate/cluster.ts).
        outlierDetection: { consecutive5xx: 5, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        endpoints: servers.map((s) => ({ address: '127.0.0.1', port: s.port })),
      },
    },
    { kind: 'ScoringPolicy', name: 'scored', spec: { services: ['scored'], interval: '500ms' } },
  ];
}
