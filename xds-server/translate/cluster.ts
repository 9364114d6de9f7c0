/**
 * CDS: one EDS cluster per model cluster (Services and decided clusters), fed over ADS, reporting load back to Prescient over LRS
 * (`lrs_server.self`). Envoy additionally gets active health checks and HTTP/2 upstreams for
 * gRPC and h2 services; proxyless gRPC ignores both and speaks HTTP/2 anyway.
 */
import type { HealthCheckSpec, LbPolicy, OutlierDetectionSpec } from '../../api/config.ts';
import type { ModelCluster } from '../../api/mesh-model.ts';
import { toProtoDuration } from '../../api/duration.ts';
import type { Cluster } from '../envoy/generated/envoy/config/cluster/v3/Cluster.ts';
import type { OutlierDetection } from '../envoy/generated/envoy/config/cluster/v3/OutlierDetection.ts';
import type { HealthCheck } from '../envoy/generated/envoy/config/core/v3/HealthCheck.ts';
import { TYPE_URL } from '../envoy/type-urls.ts';
import { EXTENSION_TYPE_URL, packAny } from './any.ts';
import { adsConfigSource } from './config-source.ts';
import { assignmentName, HTTP_PROTOCOL_OPTIONS_EXTENSION } from '../model/names.ts';
import { dnsLoadAssignment } from './endpoint.ts';
import { originOfModel, type FieldOriginMap } from './origin.ts';
import { renderedResource, type ResourceRenderer, type TranslateContext } from './renderer.ts';
import type { ClientFlavor, RenderedResource } from './types.ts';

/** Policies proxyless gRPC accepts in `lb_policy`; it NACKs a cluster with any other. */
const GRPC_LB_POLICIES: ReadonlySet<LbPolicy> = new Set(['ROUND_ROBIN', 'RING_HASH']);

/** Health-check defaults follow Envoy's documentation examples. */
const HEALTH_CHECK_DEFAULTS = { interval: '10s', timeout: '1s', unhealthyThreshold: 3, healthyThreshold: 2, httpPath: '/healthz' };

export function lbPolicyFor(cluster: ModelCluster, flavor: ClientFlavor): LbPolicy {
  const policy = cluster.lbPolicy;
  return flavor === 'grpc' && !GRPC_LB_POLICIES.has(policy) ? 'ROUND_ROBIN' : policy;
}

/**
 * Envoy's documented defaults for success-rate ejection, written out: grpc-js 1.14 lets an unset
 * `success_rate_minimum_hosts` override its own default with `undefined` and then crashes its
 * outlier-detection timer on an empty sample. Explicit values keep Envoy's behaviour unchanged.
 */
const SUCCESS_RATE_DEFAULTS = {
  success_rate_minimum_hosts: { value: 5 },
  success_rate_request_volume: { value: 100 },
  success_rate_stdev_factor: { value: 1900 },
};

function outlierDetection(spec: OutlierDetectionSpec, origins: FieldOriginMap): OutlierDetection {
  const out: OutlierDetection = { ...SUCCESS_RATE_DEFAULTS };
  const from = (field: string, key: keyof OutlierDetectionSpec) => origins.set(`outlier_detection.${field}`, `spec.outlierDetection.${key}`);
  if (spec.consecutive5xx !== undefined) {
    out.consecutive_5xx = { value: spec.consecutive5xx };
    from('consecutive_5xx', 'consecutive5xx');
  }
  if (spec.consecutiveGatewayFailure !== undefined) {
    out.consecutive_gateway_failure = { value: spec.consecutiveGatewayFailure };
    // Envoy counts gateway failures but ejects on them only when enforcement is raised from 0.
    out.enforcing_consecutive_gateway_failure = { value: 100 };
    from('consecutive_gateway_failure', 'consecutiveGatewayFailure');
  }
  if (spec.interval !== undefined) {
    out.interval = toProtoDuration(spec.interval);
    from('interval', 'interval');
  }
  if (spec.baseEjectionTime !== undefined) {
    out.base_ejection_time = toProtoDuration(spec.baseEjectionTime);
    from('base_ejection_time', 'baseEjectionTime');
  }
  if (spec.maxEjectionPercent !== undefined) {
    out.max_ejection_percent = { value: spec.maxEjectionPercent };
    from('max_ejection_percent', 'maxEjectionPercent');
  }
  return out;
}

function healthCheck(spec: HealthCheckSpec, http2: boolean): HealthCheck {
  const d = HEALTH_CHECK_DEFAULTS;
  const check: HealthCheck = {
    interval: toProtoDuration(spec.interval ?? d.interval),
    // Envoy checks a cluster that has had no traffic yet only every 60 s by default: the
    // configured interval holds from the start instead.
    no_traffic_interval: toProtoDuration(spec.interval ?? d.interval),
    timeout: toProtoDuration(spec.timeout ?? d.timeout),
    unhealthy_threshold: { value: spec.unhealthyThreshold ?? d.unhealthyThreshold },
    healthy_threshold: { value: spec.healthyThreshold ?? d.healthyThreshold },
  };
  switch (spec.type) {
    case 'grpc':
      return { ...check, grpc_health_check: { service_name: spec.path ?? '' } };
    case 'http':
      return { ...check, http_health_check: { path: spec.path ?? d.httpPath, codec_client_type: http2 ? 'HTTP2' : 'HTTP1' } };
    case 'tcp':
      return { ...check, tcp_health_check: {} };
  }
}

function renderCluster(c: ModelCluster, flavor: ClientFlavor): RenderedResource {
  const name = c.name;
  const origins: FieldOriginMap = new Map();
  const policy = lbPolicyFor(c, flavor);
  // Endpoints written as host names: Envoy resolves them itself (following the records' TTL);
  // proxyless gRPC gets the addresses Prescient resolved, over EDS like any other cluster.
  const dns = flavor === 'envoy' && c.dnsResolution !== undefined && c.dnsEndpoints !== undefined;
  const cluster: Cluster = dns
    ? { name, type: c.dnsResolution, load_assignment: dnsLoadAssignment(name, c.dnsEndpoints!), respect_dns_ttl: true, lb_policy: policy, lrs_server: { self: {} } }
    : {
        name,
        type: 'EDS',
        eds_cluster_config: { eds_config: adsConfigSource(), service_name: assignmentName(name) },
        lb_policy: policy,
        lrs_server: { self: {} },
      };
  const doc = c.origin.source === 'config' ? c.origin.document : undefined;
  if (dns) {
    origins.set('type', 'spec.dnsResolution');
    origins.set('load_assignment', 'spec.endpoints');
  }
  if (doc?.kind === 'Service' && doc.spec.loadBalancing) origins.set('lb_policy', 'spec.loadBalancing.policy');
  if (policy === 'RING_HASH') {
    const ring = c.ringHash;
    cluster.ring_hash_lb_config = {
      // gRPC rejects any other hash function.
      hash_function: 'XX_HASH',
      ...(ring?.minimumRingSize !== undefined && { minimum_ring_size: { value: ring.minimumRingSize } }),
      ...(ring?.maximumRingSize !== undefined && { maximum_ring_size: { value: ring.maximumRingSize } }),
    };
    if (ring) origins.set('ring_hash_lb_config', 'spec.loadBalancing.ringHash');
  }
  if (c.connectTimeout !== undefined) {
    cluster.connect_timeout = toProtoDuration(c.connectTimeout);
    origins.set('connect_timeout', 'spec.connectTimeout');
  }
  if (c.outlierDetection) {
    cluster.outlier_detection = outlierDetection(c.outlierDetection, origins);
    origins.set('outlier_detection', 'spec.outlierDetection');
  }
  if (flavor === 'envoy') {
    const http2 = c.protocol === 'grpc' || c.protocol === 'http2';
    if (c.healthChecks?.length) {
      cluster.health_checks = c.healthChecks.map((hc) => healthCheck(hc, http2));
      c.healthChecks.forEach((_, i) => origins.set(`health_checks[${i}]`, `spec.healthChecks[${i}]`));
    }
    if (http2) {
      cluster.typed_extension_protocol_options = {
        [HTTP_PROTOCOL_OPTIONS_EXTENSION]: packAny(EXTENSION_TYPE_URL.httpProtocolOptions, {
          explicit_http_config: { http2_protocol_options: {} },
        }),
      };
      origins.set('typed_extension_protocol_options', 'spec.protocol');
    }
  }
  return renderedResource(TYPE_URL.cluster, name, cluster, originOfModel(c.origin), origins);
}

export const clusterRenderer: ResourceRenderer = {
  typeUrl: TYPE_URL.cluster,
  *render(ctx: TranslateContext): Iterable<RenderedResource> {
    for (const c of ctx.clusters) yield renderCluster(c, ctx.flavor);
  },
};
