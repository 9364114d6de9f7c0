/**
 * Reads a RenderedSet (translate's output, protobufjs fromObject form with proto field names) back
 * into the plain structures the simulated clients run on. Only fields the clients act on are read;
 * defaults are Envoy's documented ones.
 */
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import type { ClientFlavor, RenderedSet } from '../../../xds-server/translate/index.ts';
import type {
  DecodedAssignment,
  DecodedCluster,
  DecodedEndpoint,
  DecodedHealth,
  DecodedLbPolicy,
  DecodedLocality,
  DecodedMesh,
  DecodedOutlierDetection,
  DecodedRoute,
} from './decoded-types.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const wrapped = (v: unknown, dflt: number): number => {
  const value = obj(v).value;
  return typeof value === 'number' ? value : dflt;
};

/** google.protobuf.Duration in fromObject form ({seconds, nanos}) → ms. */
function durationMs(v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const d = obj(v);
  return Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6;
}

function health(v: unknown): DecodedHealth {
  if (v === 'DRAINING') return 'DRAINING';
  if (v === 'UNHEALTHY' || v === 'TIMEOUT') return 'UNHEALTHY';
  return 'HEALTHY';
}

export function decodeAssignment(message: Obj): DecodedAssignment {
  const byPriority: DecodedLocality[][] = [];
  for (const l of arr(message.endpoints)) {
    const loc = obj(l);
    const locality = obj(loc.locality);
    const zone = String(locality.zone ?? '');
    const endpoints: DecodedEndpoint[] = arr(loc.lb_endpoints).map((e) => {
      const lb = obj(e);
      const sock = obj(obj(obj(lb.endpoint).address).socket_address);
      return { key: `${String(sock.address)}:${Number(sock.port_value)}`, weight: wrapped(lb.load_balancing_weight, 1), health: health(lb.health_status), zone };
    });
    const priority = Number(loc.priority ?? 0);
    (byPriority[priority] ??= []).push({ zone, subZone: String(locality.sub_zone ?? ''), weight: wrapped(loc.load_balancing_weight, 0), endpoints });
  }
  for (let i = 0; i < byPriority.length; i++) byPriority[i] ??= [];
  return { cluster: String(message.cluster_name), priorities: byPriority };
}

export function decodeCluster(message: Obj): DecodedCluster {
  const policy = String(message.lb_policy ?? 'ROUND_ROBIN') as DecodedLbPolicy;
  const ring = obj(message.ring_hash_lb_config);
  const od = message.outlier_detection === undefined ? undefined : obj(message.outlier_detection);
  const outlier: DecodedOutlierDetection | undefined = od && {
    consecutive5xx: wrapped(od.consecutive_5xx, 5),
    intervalMs: durationMs(od.interval, 10_000),
    baseEjectionTimeMs: durationMs(od.base_ejection_time, 30_000),
    maxEjectionTimeMs: durationMs(od.max_ejection_time, 300_000),
    maxEjectionPercent: wrapped(od.max_ejection_percent, 10),
    successRateMinimumHosts: wrapped(od.success_rate_minimum_hosts, 5),
    successRateRequestVolume: wrapped(od.success_rate_request_volume, 100),
    successRateStdevFactor: wrapped(od.success_rate_stdev_factor, 1900) / 1000,
    enforcingConsecutive5xx: wrapped(od.enforcing_consecutive_5xx, 100),
    enforcingSuccessRate: wrapped(od.enforcing_success_rate, 100),
  };
  return {
    name: String(message.name),
    lbPolicy: policy,
    localityWeighted: obj(message.common_lb_config).locality_weighted_lb_config !== undefined,
    ...(policy === 'RING_HASH' && { ringSize: { min: Number(ring.minimum_ring_size ?? 1024), max: Number(ring.maximum_ring_size ?? 8 * 1024 * 1024) } }),
    ...(outlier && { outlierDetection: outlier }),
  };
}

const DENOMINATORS: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 };

function decodeRouteConfig(message: Obj, into: Map<string, DecodedRoute>): void {
  for (const vh of arr(message.virtual_hosts)) {
    const host = obj(vh);
    // The simulated callers send every request to the first route (no header matching).
    const first = obj(arr(host.routes)[0]);
    const action = obj(first.route);
    const clusters =
      typeof action.cluster === 'string'
        ? [{ name: action.cluster, weight: 1 }]
        : arr(obj(action.weighted_clusters).clusters).map((c) => ({ name: String(obj(c).name), weight: wrapped(obj(c).weight, 0) }));
    const mirrors = arr(action.request_mirror_policies).map((m) => {
      const frac = obj(obj(obj(m).runtime_fraction).default_value);
      const denominator = DENOMINATORS[String(frac.denominator ?? 'HUNDRED')] ?? 100;
      return { cluster: String(obj(m).cluster), fraction: Number(frac.numerator ?? 0) / denominator };
    });
    for (const d of arr(host.domains)) into.set(String(d), { clusters, mirrors });
  }
}

export function decodeMesh(set: RenderedSet, flavor: ClientFlavor): DecodedMesh {
  const clusters = new Map<string, DecodedCluster>();
  for (const r of set.get(TYPE_URL.cluster)?.values() ?? []) clusters.set(r.name, decodeCluster(r.message));
  const assignments = new Map<string, DecodedAssignment>();
  for (const r of set.get(TYPE_URL.endpoint)?.values() ?? []) assignments.set(r.name, decodeAssignment(r.message));
  const routes = new Map<string, DecodedRoute>();
  for (const r of set.get(TYPE_URL.route)?.values() ?? []) decodeRouteConfig(r.message, routes);
  return { flavor, clusters, assignments, routes };
}
