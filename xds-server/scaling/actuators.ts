/**
 * Where scaling decisions go. Dry run records them only (log, `/debug/scaling`, audit); the
 * webhook POSTs each decision as JSON and counts a non-2xx answer as a failure (the replicas the
 * module believes in then stay); the Kubernetes actuator (xds-server/kube/kube-scale-actuator.ts)
 * writes the target's scale subresource.
 */
import type { ScalingDecision } from '../../mirror/scaling-decider.ts';

export interface ScaleRequest extends ScalingDecision {
  readonly service: string;
  readonly policy: string;
  readonly at: number;
}

export interface Actuator {
  readonly name: string;
  apply(request: ScaleRequest): Promise<void>;
  /** The replicas the target has now, where the actuator can read them (Kubernetes); decisions start from it. */
  readReplicas?(): Promise<number>;
}

export const dryRunActuator: Actuator = { name: 'dryRun', apply: async () => undefined };

export function webhookActuator(url: string, timeoutMs = 5000): Actuator {
  return {
    name: 'webhook',
    async apply(request) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`webhook ${url} answered ${res.status}`);
    },
  };
}
