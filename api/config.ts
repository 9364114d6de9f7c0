/**
 * Mesh configuration model: the typed form of the `prescient.dev/v1alpha1` documents an admin
 * writes (YAML files or Kubernetes custom resources). The JSON Schemas under
 * `xds-server/config/schemas/` are the source of truth for what is accepted; these types mirror
 * them after defaults are applied. Every folder may import this file (it is the shared "api").
 *
 * Durations are strings in the Kubernetes/Go style ("250ms", "1s", "1m30s") in documents and
 * are kept as strings here; `api/duration.ts` parses them.
 */

export const API_VERSION = 'prescient.dev/v1alpha1';

export type Kind = 'Service' | 'Route' | 'WeightOverride' | 'ScoringPolicy' | 'DnsZone' | 'MirrorRule' | 'FailoverPolicy' | 'ShadowNetwork' | 'ScalingPolicy';

/** Where a document came from, so every error can name file, document and JSON path. */
export interface DocumentOrigin {
  /** Path of the YAML file, or a synthetic name such as `<inline>`, or a custom resource's `k8s:<Kind>/<namespace>/<name>` (index 0). */
  file: string;
  /** Zero-based index of the document inside its file. */
  documentIndex: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Document<K extends Kind, S> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: S;
  /** Filled by the loader; not part of the schema. */
  origin: DocumentOrigin;
}

// ---------------------------------------------------------------- Service

export type Protocol = 'grpc' | 'http' | 'http2' | 'tcp';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RING_HASH' | 'RANDOM' | 'MAGLEV';

export interface Locality {
  region?: string;
  zone?: string;
  subZone?: string;
}

export interface EndpointSpec {
  address: string;
  port: number;
  locality?: Locality;
  /** Static weight (≥ 1). The scorer's weights replace it; a WeightOverride beats both. */
  weight?: number;
  /** EDS priority, 0 (default) preferred; failover moves traffic to higher numbers. */
  priority?: number;
  metadata?: Record<string, string>;
  /** Optional DNS name clients outside the mesh can use for this endpoint. */
  hostname?: string;
  /**
   * Set by endpoint discovery only (documents cannot say it): the endpoint is terminating but still
   * serving (Kubernetes `serving && terminating`), so it is served with health DRAINING.
   */
  draining?: boolean;
}

/**
 * Where a Service takes its endpoints from instead of `spec.endpoints`: the EndpointSlices of one
 * Kubernetes Service (`service`), or of every Service whose slices match `selector`.
 */
export interface KubernetesDiscoverySpec {
  namespace: string;
  service?: string;
  selector?: { matchLabels: Record<string, string> };
  /** The slice port to use, by name or number; default the Service's first `spec.ports` name, else the slice's only port. */
  port?: string | number;
}

export interface DiscoverySpec {
  kubernetes: KubernetesDiscoverySpec;
}

export interface OutlierDetectionSpec {
  consecutive5xx?: number;
  consecutiveGatewayFailure?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
}

export interface HealthCheckSpec {
  type: 'grpc' | 'http' | 'tcp';
  /** HTTP path (type http) or gRPC service name (type grpc). */
  path?: string;
  interval?: string;
  timeout?: string;
  unhealthyThreshold?: number;
  healthyThreshold?: number;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: Protocol;
}

export interface ServiceSpec {
  protocol: Protocol;
  ports?: ServicePort[];
  /** Static endpoints; empty (filled at run time) when `discovery` is set. */
  endpoints: EndpointSpec[];
  /** Endpoints discovered at run time instead of listed; exactly one of the two is given. */
  discovery?: DiscoverySpec;
  loadBalancing?: { policy: LbPolicy; ringHash?: { minimumRingSize?: number; maximumRingSize?: number } };
  connectTimeout?: string;
  /**
   * How Envoy resolves endpoints written as host names (cluster type STRICT_DNS by default, or
   * LOGICAL_DNS). Proxyless gRPC gets the addresses Prescient resolves (the `resolvedNames` slice).
   */
  dnsResolution?: 'STRICT_DNS' | 'LOGICAL_DNS';
  outlierDetection?: OutlierDetectionSpec;
  healthChecks?: HealthCheckSpec[];
  /** Placement template: a shadow copy of this Service fed by mirrored traffic (mirror/shadow-networks.ts). */
  shadowNetwork?: ServiceShadowTemplate;
}

/**
 * Which requests feed a shadow: all (`full`), `percent` of them (`sampled`), or those matching
 * any of `events` (`event`; default the state-changing methods POST, PUT, PATCH and DELETE).
 */
export interface ShadowFidelity {
  mode: 'full' | 'sampled' | 'event';
  percent?: number;
  events?: MirrorMatchSpec[];
}

/** A Service's `spec.shadowNetwork`: the same shadow the ShadowNetwork kind declares, plus event fidelity and graph scope. */
export interface ServiceShadowTemplate {
  /** Default true. */
  enabled?: boolean;
  /** Default 0.25 (for `prescient shadow render`). */
  replicaFactor?: number;
  /** Default full. */
  fidelity?: ShadowFidelity;
  /**
   * `service` (default): only this Service is shadowed. `graph`: the Services it calls are too
   * (`calls`, through Routes that claim those names, transitively through their own templates),
   * and clients in a shadow node group reach only shadows.
   */
  scope?: 'service' | 'graph';
  /** Services this one calls (the call graph for `scope: graph`). */
  calls?: string[];
  /** Where the shadow workloads listen: the endpoints of the cluster `<service>-shadow`. */
  endpoints: { address: string; port: number; weight?: number }[];
}

export type ServiceDocument = Document<'Service', ServiceSpec>;

// ---------------------------------------------------------------- Route

export interface HeaderMatchSpec {
  name: string;
  exact?: string;
  prefix?: string;
  regex?: string;
  present?: boolean;
  invert?: boolean;
}

export interface RouteMatchSpec {
  prefix?: string;
  path?: string;
  regex?: string;
  headers?: HeaderMatchSpec[];
}

export interface WeightedBackend {
  /** Name of a Service document. */
  service: string;
  weight: number;
}

export interface RetrySpec {
  attempts: number;
  /** Envoy retry_on / gRPC retry conditions, e.g. ["unavailable", "5xx"]. */
  retryOn: string[];
  perTryTimeout?: string;
}

export interface RouteRule {
  match?: RouteMatchSpec;
  backends: WeightedBackend[];
  timeout?: string;
  retries?: RetrySpec;
}

export interface RouteSpec {
  /** Authorities this route answers (virtual host domains); for gRPC, also the xds:/// targets. */
  hosts: string[];
  /** Envoy listener this route is served on; gRPC clients use hosts instead. */
  listener?: { address?: string; port: number };
  rules: RouteRule[];
}

export type RouteDocument = Document<'Route', RouteSpec>;

// ---------------------------------------------------------------- WeightOverride

export interface WeightOverrideSpec {
  service: string;
  /** "address:port"; omitted = every endpoint of the service. */
  endpoint?: string;
  /** Exactly this weight. */
  pin?: number;
  floor?: number;
  ceiling?: number;
  /** Take the endpoint(s) out of rotation (health status DRAINING). */
  drain?: boolean;
  reason?: string;
  /** RFC 3339; the override is ignored after this instant. */
  expiresAt?: string;
}

export type WeightOverrideDocument = Document<'WeightOverride', WeightOverrideSpec>;

// ---------------------------------------------------------------- ScoringPolicy (owned by scorer/)

export interface ScoringPolicySpec {
  /** Services this policy applies to; omitted = every service without a more specific policy. */
  services?: string[];
  /** Relative weights of the score components; normalised by the scorer. */
  weights?: {
    performance?: number;
    forecast?: number;
    errors?: number;
    headroom?: number;
    cost?: number;
  };
  thresholds?: { maxLatencyMs?: number; maxErrorRate?: number };
  exploration?: { base?: number; max?: number };
  /**
   * `evidence`: standard errors a request-path latency difference must exceed before the shares of
   * a service scored on load reports move (scorer/score/evidence.ts); 0 moves on any difference.
   */
  damping?: { maxStepFraction?: number; hysteresis?: number; evidence?: number };
  /** Minimum share of traffic every available endpoint keeps, as a fraction (e.g. 0.02). */
  minShare?: number;
  /** Scoring interval. */
  interval?: string;
  /** Forecast horizon in steps of the feature resolution. */
  horizonSteps?: number;
  /** Fraction of an endpoint's traffic an error costs in score (explicit error penalty). */
  errorPenalty?: number;
  /**
   * Latency differences below about this many milliseconds count as noise when comparing
   * endpoints (added to every latency before taking ratios).
   */
  latencyToleranceMs?: number;
}

export type ScoringPolicyDocument = Document<'ScoringPolicy', ScoringPolicySpec>;

// ---------------------------------------------------------------- MirrorRule (owned by mirror/)

/** One place a copy of the traffic goes (Envoy `request_mirror_policies`). */
export interface MirrorTargetSpec {
  /** A Service document: its cluster receives the copies, with Envoy's `-shadow` host suffix. */
  service: string;
  /** Share of the selected traffic copied, in [0, 100], to 4 decimals (Envoy's per-million resolution). */
  percent: number;
  /** Envoy runtime key operators can set to change the share without Prescient (0–1,000,000 per million). */
  runtimeKey?: string;
  /** Whether the copy is trace-sampled (Envoy `trace_sampled`); Envoy's default follows the original. */
  traceSampled?: boolean;
}

/**
 * Which requests a MirrorRule copies: every condition given must hold (at most one of prefix, path
 * and regex; every header match; any of the methods). Absent: every request its route rules carry.
 */
export interface MirrorMatchSpec {
  prefix?: string;
  path?: string;
  /** RE2, matched against the whole path without the query string (as a route's regex). */
  regex?: string;
  headers?: HeaderMatchSpec[];
  /** HTTP methods (the `:method` header), upper case; any one of them matches. */
  methods?: string[];
}

export interface MirrorRuleSpec {
  /** The Service whose traffic is copied: every route rule that sends traffic to it mirrors. */
  service: string;
  /** Only this Route's rules (that send traffic to `service`) mirror; default every Route's. */
  route?: string;
  /** Only requests matching this are copied (rendered as a more specific route before each rule). */
  match?: MirrorMatchSpec;
  targets: MirrorTargetSpec[];
  /** `false` keeps the rule in config without rendering it. Default true. */
  enabled?: boolean;
}

export type MirrorRuleDocument = Document<'MirrorRule', MirrorRuleSpec>;

// ---------------------------------------------------------------- DnsZone (served by xds-server/dns)

/**
 * A zone on an authoritative DNS server Prescient keeps pointed at healthy, well-scored endpoints
 * (RFC 2136 updates signed with TSIG). Defaults are applied in xds-server/dns/zone-config.ts.
 */
export interface DnsZoneSpec {
  server: { address: string; port?: number; timeout?: string; attempts?: number };
  zone: string;
  /** Where the key comes from (a BIND key file or an environment variable), never the key itself. */
  tsigKey: { name?: string; algorithm?: 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512' | 'hmac-sha224' | 'hmac-sha1'; file?: string; env?: string };
  ttl?: string;
  hysteresis?: string;
  maxUpdatesPerMinute?: number;
  thresholds?: { scoreDrop?: number; maxErrorRate?: number; maxLatencyMs?: number; recoveryMargin?: number };
  srvWeightTolerance?: number;
  publish: Array<{
    service: string;
    name: string;
    addresses?: boolean;
    srv?: { service?: string; protocol?: '_tcp' | '_udp' };
    maxRecords?: number;
    minRecords?: number;
  }>;
}

export type DnsZoneDocument = Document<'DnsZone', DnsZoneSpec>;

// ---------------------------------------------------------------- FailoverPolicy (owned by mirror/)

/**
 * Fail a Service over from its primary endpoints (EDS priority 0) to its standby endpoints
 * (priority ≥ 1) when probes say the primary is down, and back only after verification.
 */
export interface FailoverPolicySpec {
  service: string;
  /** Probe period of each primary endpoint (TCP connect). Default 250ms. */
  probeInterval?: string;
  /** Default 1s. */
  probeTimeout?: string;
  /** Bad observations in a row before failing over. Default 2. */
  failAfter?: number;
  /** Below this share of healthy primary endpoints an observation is bad. Default 50. */
  minHealthyPercent?: number;
  /** The primary's latency SLO: slower probes count as bad. */
  maxLatencyMs?: number;
  /**
   * With the scorer on: a primary endpoint whose recent error rate (from LRS, the ingest API or
   * Prometheus, at most 5 s old) is above this counts as unhealthy even if it accepts connections.
   */
  maxErrorRate?: number;
  /** Least time on the standby before failing back. Default 30s. */
  dwell?: string;
  /** The primary must be good without a break this long before failback. Default 10s. */
  verifyWindow?: string;
  /** And for at least this many probes. Default 5. */
  healthyProbes?: number;
  /** A failover this soon after a failback doubles the dwell. Default 5m. */
  flapWindow?: string;
  /** Upper bound of the doubled dwell. Default 10m. */
  maxDwell?: string;
  /** POSTed a JSON description of every transition (remediation hook). */
  webhook?: string;
}

export type FailoverPolicyDocument = Document<'FailoverPolicy', FailoverPolicySpec>;

// ---------------------------------------------------------------- ShadowNetwork (owned by mirror/)

/** A scaled-down shadow copy of a Service, fed by mirroring its traffic (mirror/shadow-networks.ts). */
export interface ShadowNetworkSpec {
  service: string;
  /** Default true. */
  enabled?: boolean;
  /** Shadow replicas (and requests/limits) as a fraction of the primary's, for `prescient shadow render`. Default 0.25. */
  replicaFactor?: number;
  /** Which requests are copied: all (`full`, default), `percent` of them (`sampled`) or those matching `events` (`event`). */
  fidelity?: ShadowFidelity;
  /** Where the shadow workloads listen: the endpoints of the cluster `<service>-shadow`. */
  endpoints: { address: string; port: number; weight?: number }[];
}

export type ShadowNetworkDocument = Document<'ShadowNetwork', ShadowNetworkSpec>;

// ---------------------------------------------------------------- ScalingPolicy (owned by mirror/)

/** Predictive scaling of a Service's workload (mirror/scaling-decider.ts, xds-server/app/scaling-module.ts). */
export interface ScalingPolicySpec {
  service: string;
  /** cpu: mean utilisation 0..1; memory: mean `custom:memory`; network: summed `custom:network`; rps: summed; latency: mean ms. */
  metric: 'cpu' | 'memory' | 'network' | 'rps' | 'latency';
  scaleOutAbove: number;
  /** Default half of scaleOutAbove. */
  scaleInBelow?: number;
  /** How long a threshold must hold. Default 1m. */
  duration?: string;
  /** Least time between actions. Default 5m. */
  cooldown?: string;
  /** Time a new replica needs to serve: scale-outs on forecast look this far ahead. Default 30s. */
  startupTime?: string;
  /** Evaluation period. Default 10s. */
  interval?: string;
  /** Default 1. */
  minReplicas?: number;
  maxReplicas: number;
  /** Replicas added or removed per action. Default 1. */
  step?: number;
  /** `forecastOnly` reports what it would do and calls no actuator. Default act. */
  mode?: 'act' | 'forecastOnly';
  /** Default dry run (log, admin API, audit). `kubernetes` writes `target`'s scale subresource. */
  actuator?: { type: 'dryRun' | 'webhook' | 'kubernetes'; url?: string; target?: ScaleTargetRef };
}

/** A scalable Kubernetes object: a Deployment, StatefulSet, or any resource with a scale subresource. */
export interface ScaleTargetRef {
  /** e.g. `apps/v1`. */
  apiVersion: string;
  /** e.g. `Deployment`, `StatefulSet`. */
  kind: string;
  /** Default: the namespace Prescient runs in. */
  namespace?: string;
  name: string;
}

export type ScalingPolicyDocument = Document<'ScalingPolicy', ScalingPolicySpec>;

// ---------------------------------------------------------------- the whole config

export type AnyDocument = ServiceDocument | RouteDocument | WeightOverrideDocument | ScoringPolicyDocument | DnsZoneDocument | MirrorRuleDocument | FailoverPolicyDocument | ShadowNetworkDocument | ScalingPolicyDocument;

/** The validated, defaulted configuration: immutable once built. Keys are `metadata.name`. */
export interface MeshConfig {
  readonly services: ReadonlyMap<string, ServiceDocument>;
  readonly routes: ReadonlyMap<string, RouteDocument>;
  readonly weightOverrides: readonly WeightOverrideDocument[];
  readonly scoringPolicies: ReadonlyMap<string, ScoringPolicyDocument>;
  /** Absent in configs built by hand before DnsZone existed: no zones. */
  readonly dnsZones?: ReadonlyMap<string, DnsZoneDocument>;
  /** Absent in configs built by hand before MirrorRule existed: no rules. */
  readonly mirrorRules?: ReadonlyMap<string, MirrorRuleDocument>;
  /** Absent in configs built by hand: none. */
  readonly failoverPolicies?: ReadonlyMap<string, FailoverPolicyDocument>;
  /** Absent in configs built by hand: none. */
  readonly shadowNetworks?: ReadonlyMap<string, ShadowNetworkDocument>;
  /** Absent in configs built by hand: none. */
  readonly scalingPolicies?: ReadonlyMap<string, ScalingPolicyDocument>;
}

export function endpointKey(e: { address: string; port: number }): string {
  return `${e.address}:${e.port}`;
}
