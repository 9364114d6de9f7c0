/**
 * The scenario format (JSON or YAML; see sandbox/README.md): one service's endpoints with their
 * capacity, the callers, the offered load, the faults and the control plane's delays. Times are in
 * seconds in files. `withDefaults` fills every optional field, so the simulator reads one shape.
 */
import { DEFAULT_LOAD_REPORT_INTERVAL_MS } from '../../../scorer/loop/compute-tick.ts';
import type { FaultSpec } from '../endpoint/faults.ts';
import type { ServiceTimeSpec } from '../endpoint/service-time.ts';
import type { LoadSpec } from '../load/load-profile.ts';

export interface EndpointScenario {
  /** Default "zone-a". */
  readonly zone?: string;
  /** Requests served at once (default 8). */
  readonly servers?: number;
  /** Requests waiting at most (default 64). */
  readonly queueLimit?: number;
  /** Service time divided by this (default 1; 3 = three times faster). */
  readonly speed?: number;
  readonly serviceTime?: ServiceTimeSpec;
  /** Cost of running it (default 1 per hour). */
  readonly costPerHour?: number;
  /** Joins the service at this second (a cold replica); default present from the start. */
  readonly joinS?: number;
}

export interface ControlPlaneScenario {
  /** The prober's interval (production default 1 s). */
  readonly probeIntervalS?: number;
  /** LRS load_reporting_interval (default: what Prescient asks for, 1 s). */
  readonly lrsIntervalS?: number;
  /** From the scorer's decision to the push leaving the server (debounce + build + encode). */
  readonly pushDelayMs?: number;
  /** From the push to the client applying it (network + xDS apply), per client with jitter. */
  readonly applyDelayMs?: number;
  /** Periods the control plane pushes nothing (decisions made meanwhile go out at the end). */
  readonly stalls?: readonly { readonly atS: number; readonly forS: number }[];
  /** Clients send ORCA utilisation in their load reports (LRS load_metric_stats cpu_utilization). */
  readonly orca?: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly durationS: number;
  /** A request slower than this is not good (goodput). Default 500 ms. */
  readonly sloMs?: number;
  readonly endpoints: readonly EndpointScenario[];
  readonly clients?: { readonly count?: number; readonly flavor?: 'envoy' | 'grpc' };
  readonly load: LoadSpec;
  readonly faults?: readonly FaultSpec[];
  readonly controlPlane?: ControlPlaneScenario;
  /** Envoy outlier detection on the cluster (Service spec.outlierDetection); default none. */
  readonly outlierDetection?: { readonly consecutive5xx?: number; readonly interval?: string; readonly baseEjectionTime?: string; readonly maxEjectionPercent?: number };
  /** Network round trip added to every request (default 1 ms). */
  readonly networkMs?: number;
}

export type FullEndpoint = Required<Omit<EndpointScenario, 'joinS'>> & { readonly joinS: number };

export interface FullScenario extends Scenario {
  readonly sloMs: number;
  readonly endpoints: readonly FullEndpoint[];
  readonly clients: { readonly count: number; readonly flavor: 'envoy' | 'grpc' };
  readonly faults: readonly FaultSpec[];
  readonly controlPlane: Required<ControlPlaneScenario>;
  readonly networkMs: number;
}

export const DEFAULT_SERVICE_TIME: ServiceTimeSpec = { dist: 'lognormal', medianMs: 20, sigma: 0.5 };

export function withDefaults(s: Scenario): FullScenario {
  if (!s.name || !(s.durationS > 0) || !s.endpoints?.length || !s.load) {
    throw new Error(`SIM_SCENARIO_INVALID: scenario ${JSON.stringify(s.name)} needs name, durationS > 0, endpoints and load`);
  }
  const cp = s.controlPlane ?? {};
  return {
    ...s,
    sloMs: s.sloMs ?? 500,
    endpoints: s.endpoints.map((e) => ({
      zone: e.zone ?? 'zone-a',
      servers: e.servers ?? 8,
      queueLimit: e.queueLimit ?? 64,
      speed: e.speed ?? 1,
      serviceTime: e.serviceTime ?? DEFAULT_SERVICE_TIME,
      costPerHour: e.costPerHour ?? 1,
      joinS: e.joinS ?? 0,
    })),
    clients: { count: s.clients?.count ?? 4, flavor: s.clients?.flavor ?? 'envoy' },
    faults: s.faults ?? [],
    controlPlane: {
      probeIntervalS: cp.probeIntervalS ?? 1,
      lrsIntervalS: cp.lrsIntervalS ?? DEFAULT_LOAD_REPORT_INTERVAL_MS / 1000,
      pushDelayMs: cp.pushDelayMs ?? 100,
      applyDelayMs: cp.applyDelayMs ?? 200,
      stalls: cp.stalls ?? [],
      orca: cp.orca ?? false,
    },
    networkMs: s.networkMs ?? 1,
  };
}

/** Endpoint i's address:port. */
export function endpointAddress(i: number): { address: string; port: number; key: string } {
  const address = `10.${Math.floor(i / 250)}.${(i % 250) + 1}.1`;
  return { address, port: 8080, key: `${address}:8080` };
}

/** Requests per second the endpoint can serve at full utilisation (servers / mean service time). */
export function endpointCapacityRps(e: FullEndpoint, meanServiceMs: number): number {
  return (e.servers * e.speed * 1000) / meanServiceMs;
}
