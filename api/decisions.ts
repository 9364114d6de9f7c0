/**
 * Decide-stage outputs: plain data that decide-stage modules (the scorer now; mirror, failover,
 * scaffolding and the sandbox later) produce and the model stage merges with config (DESIGN §2).
 * No Envoy shapes here.
 *
 * Decisions are a record of independently owned slices: each producer owns exactly one slice,
 * named after it, and replaces only that slice (through a `SlicePublisher`), so a second producer
 * never overwrites the first. The model (xds-server/model) is the one place that merges them.
 */
import type { LbPolicy, Locality, MirrorMatchSpec, Protocol } from './config.ts';

/**
 * Weights the scorer computed for one service's endpoints, keyed by `endpointKey` ("address:port").
 * Weights are positive integers (Envoy's `load_balancing_weight` is a uint32 ≥ 1); an endpoint the
 * scorer filtered out entirely is absent from the map. Endpoints missing from the map keep their
 * static weight.
 */
export interface ServiceWeights {
  readonly service: string;
  readonly weights: ReadonlyMap<string, number>;
  /** Version of the model that produced these weights (for CSDS/debug and Redis). */
  readonly modelVersion?: string;
  /** Unix ms when computed. */
  readonly computedAt: number;
  /**
   * The scorer's outlier state: endpoints it took out of the competition this interval, and why.
   * They keep the minimum weight (so recovery can be seen); absent when none was.
   */
  readonly outliers?: ReadonlyMap<string, OutlierReason>;
}

/** Why the scorer took an endpoint out: no fresh health evidence, or over a latency / error threshold. */
export type OutlierReason = 'unavailable' | 'latency_threshold' | 'error_threshold';

/** Health an endpoint is served with: `draining` finishes existing requests, `unhealthy` gets none. */
export type EndpointHealth = 'serving' | 'draining' | 'unhealthy';

/**
 * A producer's word on one endpoint of a service (failover priorities, health it has evidence of).
 * Fields left out keep what config (or an earlier rule) says. `expiresAt` (Unix ms) bounds it in
 * time: the model ignores it afterwards and reports the instant in `nextChangeAt`.
 */
export interface EndpointDecision {
  readonly service: string;
  /** "address:port" */
  readonly endpoint: string;
  readonly priority?: number;
  readonly health?: EndpointHealth;
  /**
   * Pins the endpoint's weight over the scorer's (an operator's undo of a weight shift);
   * WeightOverride documents still apply after it and keep the last word.
   */
  readonly weight?: number;
  readonly expiresAt?: number;
}

/** One endpoint of a decided cluster. */
export interface DecidedEndpoint {
  readonly address: string;
  readonly port: number;
  readonly weight?: number;
  readonly priority?: number;
  readonly locality?: Locality;
}

/**
 * A cluster no Service document declares: a shadow copy, a scaffolded cluster, a sandbox's
 * cluster. `audience` limits it to node groups carrying every one of these labels (a sandbox's
 * sidecars, the callers a scaffold is for); absent = every group. `expiresAt` (Unix ms) is its
 * time-to-live.
 */
export interface ClusterDecision {
  readonly name: string;
  readonly protocol: Protocol;
  readonly lbPolicy?: LbPolicy;
  readonly endpoints: readonly DecidedEndpoint[];
  /** The Service this cluster was derived from, if any (for error messages and reports). */
  readonly derivedFrom?: string;
  readonly audience?: Readonly<Record<string, string>>;
  readonly expiresAt?: number;
}

/**
 * Copy a share of the traffic that route rules send to `service` to the cluster `target`
 * (Envoy `request_mirror_policies`). `percent` in [0, 100] at millionth-of-a-percent resolution;
 * `runtimeKey` lets operators change it in Envoy's runtime.
 */
export interface MirrorDecision {
  readonly service: string;
  readonly target: string;
  readonly percent: number;
  readonly runtimeKey?: string;
  readonly traceSampled?: boolean;
  readonly expiresAt?: number;
  /** Only the rules of this Route document mirror; absent = every rule that routes to `service`. */
  readonly route?: string;
  /** Only requests matching this are copied; absent = every request those rules carry. */
  readonly match?: MirrorMatchSpec;
  /**
   * Decisions of one owner with the same `anyOf` and target are alternatives of one mirror: a
   * request matching several of their selections is copied once (a shadow's event matchers).
   */
  readonly anyOf?: string;
}

/**
 * Node groups whose labels include all of `audience` (the shadow workloads' own proxies and gRPC
 * clients) see cluster `service` with the endpoints of cluster `shadow`, so a shadow's calls reach
 * only shadows; in such a group every other Service's cluster has no endpoints.
 */
export interface ShadowViewDecision {
  readonly service: string;
  readonly shadow: string;
  readonly audience: Readonly<Record<string, string>>;
}

/** Everything one producer decided. Every part is optional; absent = no opinion. */
export interface DecisionSlice {
  /** Per service name. */
  readonly weights?: ReadonlyMap<string, ServiceWeights>;
  readonly endpoints?: readonly EndpointDecision[];
  readonly clusters?: readonly ClusterDecision[];
  readonly mirrors?: readonly MirrorDecision[];
  readonly shadowViews?: readonly ShadowViewDecision[];
  /**
   * What host names of endpoints resolve to: name (lower case, no trailing dot) → IP addresses.
   * The model lists one endpoint per address for clients that accept only IPs (proxyless gRPC).
   */
  readonly resolvedNames?: ReadonlyMap<string, readonly string[]>;
}

/** The scorer's slice: weights only, always present. */
export interface WeightsSlice extends DecisionSlice {
  readonly weights: ReadonlyMap<string, ServiceWeights>;
}

/** All current slices, keyed by their owner (a module name such as "scorer"). */
export type Decisions = ReadonlyMap<string, DecisionSlice>;

export const NO_DECISIONS: Decisions = new Map();

/** Owner of the scorer's weights slice. */
export const SCORER_SLICE = 'scorer';

/**
 * The narrow interface a producer publishes through: it replaces (or clears) its own slice and
 * nothing else. Obtained from the root, one per owner.
 */
export interface SlicePublisher {
  readonly owner: string;
  publish(slice: DecisionSlice): void;
  clear(): void;
}
