/**
 * buildMeshModel: config + decision slices + now → the mesh model (api/mesh-model.ts). Pure: the
 * same inputs always give the same model, and no clock, randomness or I/O is used, so the
 * simulator and the tests can replay any instant.
 *
 * Merge rules: slices are read in owner order (sorted names), so the result does not depend on
 * the order producers published in. Weights for a service come from one slice only; a second
 * slice's weights for it are reported as a conflict. Endpoint decisions apply in owner order
 * (later priority wins; the most cautious health wins). Time-bound things (WeightOverride
 * `expiresAt`, decisions' `expiresAt`) are dropped at their instant, and the earliest such
 * instant after `now` is `nextChangeAt`, for the root's one timer.
 */
import type { MeshConfig } from '../../api/config.ts';
import type { Decisions, EndpointDecision, ServiceWeights } from '../../api/decisions.ts';
import type { MeshModel, ModelCluster, ModelConflict, ModelShadowView } from '../../api/mesh-model.ts';
import { addDecidedClusters, type OwnedCluster } from './decided-clusters.ts';
import { activeOverrides, serviceEndpoints } from './endpoint-state.ts';
import { clusterName } from './names.ts';
import { expandResolved, isHostName, resolvedNameKey } from './resolved-endpoints.ts';
import { buildRouteTables, type OwnedMirror } from './route-tables.ts';

/** Tracks the earliest instant after `now`. */
class NextChange {
  at: number | undefined;
  constructor(private readonly now: number) {}
  see(at: number | undefined): void {
    if (at !== undefined && at > this.now && (this.at === undefined || at < this.at)) this.at = at;
  }
}

/** Live (unexpired) items of every slice, with their owner, in owner order. */
function collect(decisions: Decisions, now: number, next: NextChange) {
  const weights = new Map<string, { owner: string; weights: ServiceWeights }>();
  const endpoints = new Map<string, EndpointDecision[]>();
  const clusters: OwnedCluster[] = [];
  const mirrors: OwnedMirror[] = [];
  const shadowViews: ModelShadowView[] = [];
  const resolvedNames = new Map<string, readonly string[]>();
  const conflicts: ModelConflict[] = [];
  const live = (expiresAt: number | undefined) => {
    next.see(expiresAt);
    return expiresAt === undefined || expiresAt > now;
  };
  for (const owner of [...decisions.keys()].sort()) {
    const slice = decisions.get(owner)!;
    for (const [service, w] of slice.weights ?? []) {
      const held = weights.get(service);
      if (held) conflicts.push({ owner, message: `weights for "${service}" are already decided by "${held.owner}"; these are ignored` });
      else weights.set(service, { owner, weights: w });
    }
    for (const e of slice.endpoints ?? []) {
      if (!live(e.expiresAt)) continue;
      const list = endpoints.get(e.service);
      if (list) list.push(e);
      else endpoints.set(e.service, [e]);
    }
    for (const c of slice.clusters ?? []) if (live(c.expiresAt)) clusters.push({ ...c, owner });
    for (const m of slice.mirrors ?? []) if (live(m.expiresAt)) mirrors.push({ ...m, owner });
    for (const v of slice.shadowViews ?? []) shadowViews.push({ ...v, owner });
    for (const [name, addresses] of slice.resolvedNames ?? []) if (!resolvedNames.has(resolvedNameKey(name))) resolvedNames.set(resolvedNameKey(name), addresses);
  }
  return { weights, endpoints, clusters, mirrors, shadowViews, resolvedNames, conflicts };
}

export function buildMeshModel(config: MeshConfig, decisions: Decisions, now: number): MeshModel {
  const next = new NextChange(now);
  for (const o of config.weightOverrides) next.see(o.spec.expiresAt ? Date.parse(o.spec.expiresAt) : undefined);
  const decided = collect(decisions, now, next);

  const clusters = new Map<string, ModelCluster>();
  for (const doc of config.services.values()) {
    const service = doc.metadata.name;
    const spec = doc.spec;
    const scored = decided.weights.get(service)?.weights;
    const overrides = activeOverrides(config, service, now);
    const configured = serviceEndpoints(doc, overrides, scored, decided.endpoints.get(service) ?? []);
    const named = configured.some((e) => isHostName(e.address));
    clusters.set(clusterName(service), {
      name: clusterName(service),
      service,
      origin: { source: 'config', document: doc },
      protocol: spec.protocol,
      lbPolicy: spec.loadBalancing?.policy ?? 'ROUND_ROBIN',
      ...(spec.loadBalancing?.ringHash && { ringHash: spec.loadBalancing.ringHash }),
      ...(spec.connectTimeout !== undefined && { connectTimeout: spec.connectTimeout }),
      ...(spec.outlierDetection && { outlierDetection: spec.outlierDetection }),
      ...(spec.healthChecks && { healthChecks: spec.healthChecks }),
      endpoints: named ? expandResolved(configured, decided.resolvedNames) : configured,
      ...(named && { dnsResolution: spec.dnsResolution ?? 'STRICT_DNS', dnsEndpoints: configured }),
      overrides: config.weightOverrides.filter((o) => o.spec.service === service).map((o) => o.metadata.name),
      ...(scored?.modelVersion !== undefined && { modelVersion: scored.modelVersion }),
      ...(scored && { computedAt: scored.computedAt }),
    });
  }
  addDecidedClusters(decided.clusters, clusters, decided.conflicts);
  for (const m of decided.mirrors) {
    if (!clusters.has(m.target)) decided.conflicts.push({ owner: m.owner, message: `mirror of "${m.service}" names cluster "${m.target}", which does not exist; not rendered` });
  }
  const mirrors = decided.mirrors.filter((m) => clusters.has(m.target));
  const routeTables = buildRouteTables(config, mirrors, decided.conflicts);
  const shadowViews = decided.shadowViews.filter((v) => {
    if (clusters.has(v.shadow) && clusters.has(v.service)) return true;
    decided.conflicts.push({ owner: v.owner, message: `shadow view of "${v.service}" names cluster "${v.shadow}", which does not exist; not rendered` });
    return false;
  });

  return {
    config,
    now,
    clusters,
    routeTables,
    ...(shadowViews.length && { shadowViews }),
    ...(next.at !== undefined && { nextChangeAt: next.at }),
    conflicts: decided.conflicts,
  };
}
