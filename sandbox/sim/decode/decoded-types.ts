/**
 * What a simulated client knows about a cluster, read back from the resources translate rendered
 * (never recomputed from config or decisions): the simulator therefore tests exactly what Envoy
 * and gRPC clients are sent.
 */
import type { ClientFlavor } from '../../../xds-server/translate/index.ts';

export type DecodedHealth = 'HEALTHY' | 'DRAINING' | 'UNHEALTHY';

export interface DecodedEndpoint {
  /** "address:port" */
  readonly key: string;
  readonly weight: number;
  readonly health: DecodedHealth;
  /** Locality zone (Envoy) or the endpoint's own locality (gRPC). */
  readonly zone: string;
}

export interface DecodedLocality {
  readonly zone: string;
  readonly subZone: string;
  /** load_balancing_weight of the locality; 0 when absent. */
  readonly weight: number;
  readonly endpoints: readonly DecodedEndpoint[];
}

/** One cluster's assignment grouped by priority (index = priority). */
export interface DecodedAssignment {
  readonly cluster: string;
  readonly priorities: readonly (readonly DecodedLocality[])[];
}

export type DecodedLbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV';

export interface DecodedOutlierDetection {
  readonly consecutive5xx: number;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  readonly successRateMinimumHosts: number;
  readonly successRateRequestVolume: number;
  /** Divided by 1000, as Envoy does (1900 → 1.9). */
  readonly successRateStdevFactor: number;
  readonly enforcingConsecutive5xx: number;
  readonly enforcingSuccessRate: number;
}

export interface DecodedCluster {
  readonly name: string;
  readonly lbPolicy: DecodedLbPolicy;
  readonly ringSize?: { readonly min: number; readonly max: number };
  /** `common_lb_config.locality_weighted_lb_config` set: Envoy honours locality weights. */
  readonly localityWeighted: boolean;
  readonly outlierDetection?: DecodedOutlierDetection;
}

/** A route's traffic split and mirrors for one virtual host. */
export interface DecodedRoute {
  readonly clusters: readonly { readonly name: string; readonly weight: number }[];
  /** Mirror targets with the fraction (0..1) of requests copied to each. */
  readonly mirrors: readonly { readonly cluster: string; readonly fraction: number }[];
}

/** Everything one client flavor was sent. */
export interface DecodedMesh {
  readonly flavor: ClientFlavor;
  readonly clusters: ReadonlyMap<string, DecodedCluster>;
  readonly assignments: ReadonlyMap<string, DecodedAssignment>;
  /** By domain (route host / gRPC target). */
  readonly routes: ReadonlyMap<string, DecodedRoute>;
}
