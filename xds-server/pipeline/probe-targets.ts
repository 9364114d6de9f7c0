/**
 * Which endpoints Prescient probes itself: every endpoint of every Service, with the Service's
 * first health check when it declares one, otherwise a gRPC health check for gRPC services and a
 * TCP connect for the rest. Probes give the scorer latency, jitter and loss even for clients that
 * report no load.
 */
import { endpointKey, type MeshConfig } from '../../api/config.ts';
import { parseDurationMs } from '../../api/duration.ts';
import type { ProbeTarget } from '../../scorer/telemetry/prober.ts';

export const DEFAULT_PROBE_INTERVAL_MS = 1000;

export function probeTargets(config: MeshConfig, defaultIntervalMs = DEFAULT_PROBE_INTERVAL_MS): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const service of config.services.values()) {
    const check = service.spec.healthChecks?.[0];
    const kind = check?.type ?? (service.spec.protocol === 'grpc' ? 'grpc' : 'tcp');
    const intervalMs = check?.interval ? parseDurationMs(check.interval) : defaultIntervalMs;
    const timeoutMs = check?.timeout ? parseDurationMs(check.timeout) : undefined;
    for (const e of service.spec.endpoints) {
      targets.push({
        service: service.metadata.name,
        endpoint: endpointKey(e),
        kind,
        ...(check?.path ? { path: check.path } : {}),
        intervalMs,
        ...(timeoutMs ? { timeoutMs } : {}),
      });
    }
  }
  return targets;
}
