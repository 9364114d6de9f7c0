/**
 * The mesh model (DESIGN §2): the one place where config and decision slices meet. Built once per
 * change by `buildMeshModel` (xds-server/model) and read by every consumer — translate, the
 * weights report, the endpoint selector, DNS and the simulator — so none of them recomputes
 * effective weights, priorities, overrides or expiries. Plain immutable data, no Envoy shapes.
 */
import type {
  HeaderMatchSpec,
  HealthCheckSpec,
  LbPolicy,
  Locality,
  MeshConfig,
  OutlierDetectionSpec,
  Protocol,
  RouteDocument,
  RouteRule,
  ServiceDocument,
} from './config.ts';
import type { EndpointHealth, OutlierReason } from './decisions.ts';

/** Where a model element came from: a config document, or a decision slice (by owner). */
export type ModelOrigin =
  | { readonly source: 'config'; readonly document: ServiceDocument | RouteDocument }
  | { readonly source: 'decision'; readonly owner: string; readonly name: string };

/** One endpoint as it is served: every rule (static < scorer < override, decisions) applied. */
export interface ModelEndpoint {
  /** "address:port" */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly hostname?: string;
  /** The host name this endpoint's address was resolved from (config address `name:port`). */
  readonly resolvedFrom?: string;
  readonly locality?: Locality;
  readonly metadata?: Readonly<Record<string, string>>;
  /** The config weight (1 when unset), before the scorer and overrides. */
  readonly staticWeight: number;
  /** The scorer's weight, when it has one for this endpoint. */
  readonly scorerWeight?: number;
  /** Why the scorer took this endpoint out of the competition, when it did (its outlier state). */
  readonly outlier?: OutlierReason;
  /** Effective weight, an integer in [1, MAX_WEIGHT]; ignored unless `health` is serving. */
  readonly weight: number;
  /** EDS priority: 0 is preferred; higher ones take traffic as lower ones lose health. */
  readonly priority: number;
  readonly health: EndpointHealth;
  /** Position in the Service's `spec.endpoints` (config endpoints only), for error paths. */
  readonly index?: number;
}

/** What a cluster is rendered from. Service clusters carry their document's spec. */
export interface ModelCluster {
  readonly name: string;
  /** Name of the Service it serves or was derived from. */
  readonly service: string;
  readonly origin: ModelOrigin;
  readonly protocol: Protocol;
  readonly lbPolicy: LbPolicy;
  readonly ringHash?: { readonly minimumRingSize?: number; readonly maximumRingSize?: number };
  readonly connectTimeout?: string;
  /**
   * Set when endpoints are written as host names: Envoy resolves them itself with this cluster
   * type; other clients get `endpoints`, where resolved names are already addresses.
   */
  readonly dnsResolution?: 'STRICT_DNS' | 'LOGICAL_DNS';
  /** The config endpoints Envoy's DNS cluster lists (host names unexpanded), when `dnsResolution` is set. */
  readonly dnsEndpoints?: readonly ModelEndpoint[];
  readonly outlierDetection?: OutlierDetectionSpec;
  readonly healthChecks?: readonly HealthCheckSpec[];
  readonly endpoints: readonly ModelEndpoint[];
  /** Only node groups whose labels include all of these see it; absent = every group. */
  readonly audience?: Readonly<Record<string, string>>;
  /** WeightOverride documents in force for the service. */
  readonly overrides: readonly string[];
  readonly modelVersion?: string;
  /** Unix ms the scorer's weights were computed. */
  readonly computedAt?: number;
  /** Unix ms after which the cluster disappears (decided clusters' time-to-live). */
  readonly expiresAt?: number;
}

/** A mirror policy resolved onto a route rule. */
export interface ModelMirror {
  readonly cluster: string;
  readonly percent: number;
  readonly runtimeKey?: string;
  readonly traceSampled?: boolean;
  /** Decision owner that asked for it. */
  readonly owner: string;
}

/**
 * The match of a route split off a rule for mirrors with a selection: the rule's own match and
 * every selection's, all holding (xds-server/model/mirror-selection.ts).
 */
export interface ModelRouteMatch {
  /** At most one of prefix, path and regex (none = every path). */
  readonly prefix?: string;
  readonly path?: string;
  readonly regex?: string;
  /**
   * A path prefix that could not share the path specifier with a regex: matched as a prefix of
   * the `:path` header, which is what a route prefix matches too.
   */
  readonly pathPrefix?: string;
  readonly headers?: readonly HeaderMatchSpec[];
  /** Any one of these HTTP methods (`:method`). */
  readonly methods?: readonly string[];
}

/**
 * One route of a table. A config rule gives one, plus one more before it for each combination of
 * mirror selections that can hold at once (Envoy routes are first-match): those carry `match` and
 * the selected mirrors, the rule's own route the unselected ones. Every route has the rule's action.
 */
export interface ModelRouteRule {
  readonly rule: RouteRule;
  /** Position of `rule` among its table's config rules (`rulePath`). */
  readonly index: number;
  /** Set on a route split off for mirror selections; absent = the rule's own match. */
  readonly match?: ModelRouteMatch;
  readonly mirrors: readonly ModelMirror[];
}

/**
 * A route table: one per Route document, plus an implicit one per Service that no Route claims
 * (so gRPC's `xds:///<service>` resolves without a Route; Envoy clients do not get those).
 */
export interface ModelRouteTable {
  /** RouteConfiguration name. */
  readonly name: string;
  readonly implicit: boolean;
  /** Virtual host domains; for gRPC also the api_listener names. */
  readonly domains: readonly string[];
  readonly rules: readonly ModelRouteRule[];
  readonly document: RouteDocument | ServiceDocument;
  /** Config JSON path of rule i, or of a part of it (`sub`, e.g. `backends[1]`). */
  rulePath(i: number, sub?: string): string;
  /** Config JSON path of domain i. */
  domainPath(i: number): string;
  /** Envoy socket listener to serve this table on, with its config path. */
  readonly listener?: { readonly address: string; readonly port: number; readonly path: string };
}

/** A decision the model could not apply, said plainly for /debug pages and logs. */
export interface ModelConflict {
  readonly owner: string;
  readonly message: string;
}

export interface MeshModel {
  readonly config: MeshConfig;
  /** The instant the model was computed for (Unix ms). */
  readonly now: number;
  /** By cluster name: Service clusters first (config order), then decided ones. */
  readonly clusters: ReadonlyMap<string, ModelCluster>;
  readonly routeTables: readonly ModelRouteTable[];
  /** Earliest instant (Unix ms) after `now` at which the model changes with nothing else changing. */
  readonly nextChangeAt?: number;
  readonly conflicts: readonly ModelConflict[];
  /** Shadow views (api/decisions.ts `ShadowViewDecision`) whose shadow cluster exists, with their owner. */
  readonly shadowViews?: readonly ModelShadowView[];
}

export interface ModelShadowView {
  readonly service: string;
  readonly shadow: string;
  readonly audience: Readonly<Record<string, string>>;
  readonly owner: string;
}

/** Envoy's load_balancing_weight is a uint32 ≥ 1; keep sums far from overflow. */
export const MAX_WEIGHT = 1_000_000;

/** The endpoints of a cluster that take new requests. */
export function servingEndpoints(cluster: ModelCluster): ModelEndpoint[] {
  return cluster.endpoints.filter((e) => e.health === 'serving');
}
