/**
 * The mesh model as Istio config for istiod (docs/istio.md): per cluster every node group sees, a
 * ServiceEntry (weighted endpoints) and a DestinationRule; per Route document, and per mirrored
 * Service without one, a VirtualService. Pure and deterministic: the same model gives the same
 * resources in the same order (clusters in model order, then route tables).
 */
import type { MeshModel } from '../../../api/mesh-model.ts';
import { destinationRule } from './destination-rule.ts';
import { isDnsName } from './hosts.ts';
import { istioPorts, serviceEntry } from './service-entry.ts';
import { DEFAULT_ISTIO_OPTIONS, type IstioConfig, type IstioNote, type IstioResource, type IstioTranslateOptions } from './types.ts';
import { virtualService, type HostedClusters } from './virtual-service.ts';

export * from './types.ts';
export { istioHost } from './hosts.ts';

export function translateIstio(model: MeshModel, options: Partial<IstioTranslateOptions> = {}): IstioConfig {
  const o: IstioTranslateOptions = { ...DEFAULT_ISTIO_OPTIONS, ...options };
  const notes: IstioNote[] = [];
  const entries: IstioResource[] = [];
  const rules: IstioResource[] = [];
  const hosted = new Map<string, { port: number }>();
  for (const cluster of model.clusters.values()) {
    if (cluster.audience) {
      notes.push({ subject: `cluster ${cluster.name}`, message: 'seen only by some node groups (audience); istiod config is mesh-wide, so it is left out' });
      continue;
    }
    if (!isDnsName(cluster.name)) {
      notes.push({ subject: `cluster ${cluster.name}`, message: 'its name is not a DNS-1123 name, so it cannot be an Istio host; left out' });
      continue;
    }
    entries.push(serviceEntry(model, cluster, o, notes));
    rules.push(destinationRule(cluster, o));
    hosted.set(cluster.name, { port: istioPorts(model, cluster)[0]!.number });
  }
  const services: IstioResource[] = [];
  for (const table of model.routeTables) {
    const vs = virtualService(table, model, hosted as HostedClusters, o, notes);
    if (vs) services.push(vs);
  }
  return { resources: [...entries, ...rules, ...services], notes };
}
