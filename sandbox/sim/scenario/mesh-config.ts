/**
 * The MeshConfig a policy would deploy for a scenario: one Service "svc" with the endpoints present
 * at that time, its lb_policy and static weights as the policy sets them, outlier detection as the
 * scenario says, and the policy's ScoringPolicy. This is what production would load from YAML.
 */
import { API_VERSION, type MeshConfig, type ScoringPolicyDocument, type ServiceDocument } from '../../../api/config.ts';
import { meanServiceMs } from '../endpoint/service-time.ts';
import type { PolicySpec } from '../policies.ts';
import { endpointAddress, endpointCapacityRps, type FullScenario } from './scenario.ts';

export const SERVICE = 'svc';
const ORIGIN = { file: '<simulation>', documentIndex: 0 };

export function meshConfigFor(s: FullScenario, policy: PolicySpec, present: readonly number[]): MeshConfig {
  const capacities = s.endpoints.map((e) => endpointCapacityRps(e, meanServiceMs(e.serviceTime)));
  const smallest = Math.min(...capacities);
  const service: ServiceDocument = {
    apiVersion: API_VERSION,
    kind: 'Service',
    metadata: { name: SERVICE },
    origin: ORIGIN,
    spec: {
      protocol: 'grpc',
      endpoints: present.map((i) => {
        const { address, port } = endpointAddress(i);
        return {
          address,
          port,
          locality: { region: 'sim', zone: s.endpoints[i]!.zone },
          ...(policy.kind === 'static' && { weight: Math.max(1, Math.round((10 * capacities[i]!) / smallest)) }),
        };
      }),
      loadBalancing: { policy: policy.lbPolicy ?? (policy.kind === 'least-request' ? 'LEAST_REQUEST' : 'ROUND_ROBIN') },
      ...(s.outlierDetection && { outlierDetection: s.outlierDetection }),
    },
  };
  const scoringPolicies = new Map<string, ScoringPolicyDocument>();
  if (policy.kind === 'prescient' && policy.scoringPolicy) {
    scoringPolicies.set('sim-policy', {
      apiVersion: API_VERSION,
      kind: 'ScoringPolicy',
      metadata: { name: 'sim-policy' },
      origin: { ...ORIGIN, documentIndex: 1 },
      spec: { services: [SERVICE], ...policy.scoringPolicy },
    });
  }
  return { services: new Map([[SERVICE, service]]), routes: new Map(), weightOverrides: [], scoringPolicies };
}
