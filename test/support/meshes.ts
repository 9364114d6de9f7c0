/** Mesh configurations shared by end-to-end tests. */
import type { BackendServer } from './backend-servers.ts';
import type { DocSpec } from './prescient-harness.ts';

/** A gRPC Service over real backends on 127.0.0.1, with static weights (default 1). */
export function backendService(name: string, endpoints: { server: BackendServer; weight?: number }[], extra: object = {}): DocSpec {
  return {
    kind: 'Service',
    name,
    spec: {
      protocol: 'grpc',
      endpoints: endpoints.map(({ server, weight }) => ({ address: '127.0.0.1', port: server.port, weight: weight ?? 1 })),
      ...extra,
    },
  };
}

/** One scored gRPC service over `servers`, probed every 250 ms and scored every 500 ms; `policy`: more ScoringPolicy fields. */
export function scoredMesh(servers: BackendServer[], policy: object = {}): DocSpec[] {
  return [
    backendService(
      'scored',
      servers.map((server) => ({ server })),
      {
        healthChecks: [{ type: 'grpc', interval: '250ms', timeout: '1s' }],
        // Runs grpc-js's outlier detection every second during the test (see translate/cluster.ts).
        outlierDetection: { consecutive5xx: 5, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      },
    ),
    { kind: 'ScoringPolicy', name: 'scored', spec: { services: ['scored'], interval: '500ms', ...policy } },
  ];
}
