/**
 * The policies the benchmark compares. Each one is what a real deployment would configure:
 * - round-robin: Envoy ROUND_ROBIN, equal weights;
 * - least-request: Envoy LEAST_REQUEST (P2C on active requests, per client);
 * - peak-ewma: Linkerd/Finagle peak EWMA (τ = 10 s), per client and per request;
 * - static: ROUND_ROBIN with weights proportional to each endpoint's capacity (what an operator
 *   would write knowing the hardware);
 * - prescient: ROUND_ROBIN with the production scorer's weights (default ScoringPolicy unless a
 *   spec is given);
 * - prescient-least-request: the same weights with the Service's lb_policy LEAST_REQUEST, so each
 *   Envoy client also weighs them by its own requests in flight (weight / (active + 1)) between
 *   pushes and while the control plane is stalled.
 * Baselines get only the signals they would really have: their own clients' requests.
 */
import type { ScoringPolicySpec } from '../../api/config.ts';

export type PolicyKind = 'round-robin' | 'least-request' | 'peak-ewma' | 'static' | 'prescient';

export interface PolicySpec {
  readonly name: string;
  readonly kind: PolicyKind;
  /** For `prescient`: the ScoringPolicy spec (absent = the default policy). */
  readonly scoringPolicy?: ScoringPolicySpec;
  /** The Service's lb_policy (default: LEAST_REQUEST for least-request, else ROUND_ROBIN). */
  readonly lbPolicy?: 'ROUND_ROBIN' | 'LEAST_REQUEST';
}

export const DEFAULT_POLICIES: readonly PolicySpec[] = [
  { name: 'round-robin', kind: 'round-robin' },
  { name: 'least-request', kind: 'least-request' },
  { name: 'peak-ewma', kind: 'peak-ewma' },
  { name: 'static', kind: 'static' },
  { name: 'prescient', kind: 'prescient' },
  { name: 'prescient-least-request', kind: 'prescient', lbPolicy: 'LEAST_REQUEST' },
];

export function policyByName(name: string): PolicySpec {
  const p = DEFAULT_POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`SIM_UNKNOWN_POLICY: "${name}" (known: ${DEFAULT_POLICIES.map((x) => x.name).join(', ')})`);
  return p;
}
