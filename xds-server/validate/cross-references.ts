/**
 * References between the resources of one set (DESIGN §4.3): routes and mirrors name clusters
 * that exist, weighted clusters carry traffic, EDS clusters have assignments, listeners name
 * route configurations that exist, and every name is served once and matches its message.
 */
import { TYPE_URL, type TypeUrl } from '../envoy/type-urls.ts';
import { EXTENSION_TYPE_URL } from '../translate/any.ts';
import type { RenderedResource, RenderedSet } from '../translate/types.ts';
import type { IssueCode } from './codes.ts';
import { toIssue, type ValidationIssue } from './issue.ts';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== undefined) : [];
}

/** The field holding a resource's own name. */
const NAME_FIELD: Record<TypeUrl, string> = {
  [TYPE_URL.cluster]: 'name',
  [TYPE_URL.endpoint]: 'cluster_name',
  [TYPE_URL.listener]: 'name',
  [TYPE_URL.route]: 'name',
};

class Collector {
  readonly issues: ValidationIssue[] = [];
  add(r: RenderedResource, code: IssueCode, fieldPath: string, rule: string, message: string): void {
    this.issues.push(toIssue(r, { code, fieldPath, rule, message }));
  }
}

function checkNames(set: RenderedSet, out: Collector): void {
  for (const [typeUrl, resources] of set) {
    for (const [name, r] of resources) {
      const field = NAME_FIELD[typeUrl];
      if (r.message[field] !== name) {
        out.add(r, 'REF_NAME_MISMATCH', field, 'ref.name', `is ${JSON.stringify(r.message[field])} but the resource is served as "${name}"`);
      }
      for (const other of r.conflicts ?? []) {
        out.issues.push({
          code: 'REF_DUPLICATE_NAME',
          typeUrl,
          resourceName: name,
          fieldPath: field,
          rule: 'ref.unique_name',
          message: `"${name}" is already rendered from ${r.origin.kind} ${r.origin.name} (${r.origin.file} document ${r.origin.documentIndex}, ${r.origin.path}); rename or merge one of them`,
          origin: other,
        });
      }
    }
  }
}

function checkRoutes(set: RenderedSet, out: Collector): void {
  const clusters = set.get(TYPE_URL.cluster) ?? new Map();
  const need = (r: RenderedResource, cluster: unknown, path: string) => {
    if (typeof cluster === 'string' && !clusters.has(cluster)) {
      out.add(r, 'REF_UNKNOWN_CLUSTER', path, 'ref.cluster', `names cluster "${cluster}", which is not rendered; check the service name`);
    }
  };
  for (const r of set.get(TYPE_URL.route)?.values() ?? []) {
    arr(r.message.virtual_hosts).forEach((vh, v) => {
      arr(vh.routes).forEach((route, i) => {
        const action = obj(route.route);
        if (!action) return;
        const at = `virtual_hosts[${v}].routes[${i}].route`;
        need(r, action.cluster, `${at}.cluster`);
        const weighted = obj(action.weighted_clusters);
        if (weighted) {
          const entries = arr(weighted.clusters);
          entries.forEach((c, k) => need(r, c.name, `${at}.weighted_clusters.clusters[${k}].name`));
          const total = entries.reduce((sum, c) => sum + Number(obj(c.weight)?.value ?? 0), 0);
          if (total <= 0) out.add(r, 'REF_ZERO_TOTAL_WEIGHT', `${at}.weighted_clusters`, 'ref.total_weight', 'weights sum to 0; give at least one backend a positive weight');
        }
        arr(action.request_mirror_policies).forEach((m, k) => need(r, m.cluster, `${at}.request_mirror_policies[${k}].cluster`));
      });
    });
  }
}

function checkAssignments(set: RenderedSet, out: Collector): void {
  const assignments = set.get(TYPE_URL.endpoint) ?? new Map();
  for (const r of set.get(TYPE_URL.cluster)?.values() ?? []) {
    if (r.message.type !== 'EDS' && r.message.type !== 3) continue;
    const eds = obj(r.message.eds_cluster_config);
    const serviceName = typeof eds?.service_name === 'string' && eds.service_name ? eds.service_name : r.name;
    if (!assignments.has(serviceName)) {
      out.add(r, 'REF_MISSING_ASSIGNMENT', 'eds_cluster_config.service_name', 'ref.assignment', `no ClusterLoadAssignment "${serviceName}" is rendered; the cluster would never finish warming`);
    }
  }
}

/** HTTP connection managers of a listener in Any form, with their proto paths. */
function connectionManagers(listener: Obj): Array<[Obj, string]> {
  const found: Array<[Obj, string]> = [];
  const consider = (any: unknown, path: string) => {
    const a = obj(any);
    if (a && a['@type'] === EXTENSION_TYPE_URL.httpConnectionManager) found.push([a, path]);
  };
  consider(obj(listener.api_listener)?.api_listener, 'api_listener.api_listener');
  arr(listener.filter_chains).forEach((fc, i) =>
    arr(fc.filters).forEach((f, j) => consider(f.typed_config, `filter_chains[${i}].filters[${j}].typed_config`)),
  );
  return found;
}

function checkListeners(set: RenderedSet, out: Collector): void {
  const routeConfigs = set.get(TYPE_URL.route) ?? new Map();
  for (const r of set.get(TYPE_URL.listener)?.values() ?? []) {
    for (const [hcm, path] of connectionManagers(r.message)) {
      const name = obj(hcm.rds)?.route_config_name;
      if (typeof name === 'string' && !routeConfigs.has(name)) {
        out.add(r, 'REF_UNKNOWN_ROUTE_CONFIG', `${path}.rds.route_config_name`, 'ref.route_config', `names RouteConfiguration "${name}", which is not rendered`);
      }
    }
  }
}

export function checkCrossReferences(set: RenderedSet): ValidationIssue[] {
  const out = new Collector();
  checkNames(set, out);
  checkRoutes(set, out);
  checkAssignments(set, out);
  checkListeners(set, out);
  return out.issues;
}
