/**
 * One ServiceEntry per model cluster (a Service's, or a decided one such as a shadow copy) that
 * every node group sees (no `audience`):
 *
 * - `hosts`: the cluster's Istio host (hosts.ts); `location` MESH_INTERNAL;
 * - `ports`: the Service's `spec.ports`, else the port the cluster derives from, else the one port
 *   every endpoint shares (80 when they differ); protocol from the port or the Service;
 * - `resolution` STATIC with the model's endpoints, or DNS when the Service lists host names
 *   (Envoy then resolves them, as with Prescient's own rendering);
 * - `endpoints`: inline WorkloadEntries, one per serving endpoint of the lowest priority that has
 *   any (Istio has no EDS priorities: standby endpoints take over only when Prescient fails over),
 *   with `weight` = the model's effective weight, `locality`, the endpoint metadata that are valid
 *   labels, and every service port mapped to the endpoint's own port. Draining and unhealthy
 *   endpoints are left out (istiod cannot mark them), so they take no new requests.
 */
import type { Protocol, ServiceDocument, ServicePort } from '../../../api/config.ts';
import type { MeshModel, ModelCluster, ModelEndpoint } from '../../../api/mesh-model.ts';
import { istioHost, istioLocality, labelsOf } from './hosts.ts';
import { MANAGED_BY_LABEL, type IstioNote, type IstioResource, type IstioTranslateOptions } from './types.ts';

const ISTIO_PROTOCOL: Record<Protocol, string> = { grpc: 'GRPC', http: 'HTTP', http2: 'HTTP2', tcp: 'TCP' };

// Istio port names: a DNS label (ValidatePortName).
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface IstioPort {
  readonly number: number;
  readonly name: string;
  readonly protocol: string;
}

function serviceDocumentOf(model: MeshModel, cluster: ModelCluster): ServiceDocument | undefined {
  if (cluster.origin.source === 'config' && cluster.origin.document.kind === 'Service') return cluster.origin.document;
  return model.config.services.get(cluster.service);
}

function portOf(p: ServicePort, fallback: Protocol): IstioPort {
  const protocol = ISTIO_PROTOCOL[p.protocol ?? fallback];
  const name = p.name !== undefined && PORT_NAME.test(p.name) ? p.name : `${protocol.toLowerCase()}-${p.port}`;
  return { number: p.port, name, protocol };
}

/** The ServiceEntry ports of a cluster (see the file comment). */
export function istioPorts(model: MeshModel, cluster: ModelCluster): IstioPort[] {
  const declared = serviceDocumentOf(model, cluster)?.spec.ports ?? [];
  if (declared.length > 0) {
    const seen = new Set<string>();
    return declared.map((p) => portOf(p, cluster.protocol)).filter((p) => !seen.has(p.name) && seen.add(p.name));
  }
  const ports = new Set(cluster.endpoints.map((e) => e.port));
  const number = ports.size === 1 ? [...ports][0]! : 80;
  return [portOf({ port: number }, cluster.protocol)];
}

/** Endpoints Istio should send new requests to: serving ones of the lowest priority that has any. */
export function activeEndpoints(endpoints: readonly ModelEndpoint[]): ModelEndpoint[] {
  const serving = endpoints.filter((e) => e.health === 'serving');
  if (serving.length === 0) return [];
  const top = Math.min(...serving.map((e) => e.priority));
  return serving.filter((e) => e.priority === top);
}

function workloadEntry(e: ModelEndpoint, ports: readonly IstioPort[], address: string, subject: string, notes: IstioNote[]): Record<string, unknown> {
  const { labels, dropped } = labelsOf(e.metadata);
  if (dropped.length) notes.push({ subject, message: `endpoint ${e.key}: metadata ${dropped.join(', ')} are not valid Kubernetes labels; left out of its labels` });
  const locality = istioLocality(e.locality);
  return {
    address,
    ports: Object.fromEntries(ports.map((p) => [p.name, e.port])),
    ...(Object.keys(labels).length && { labels }),
    ...(locality && { locality }),
    weight: e.weight,
  };
}

export function serviceEntry(model: MeshModel, cluster: ModelCluster, o: IstioTranslateOptions, notes: IstioNote[]): IstioResource {
  const subject = `ServiceEntry ${o.namespace}/${cluster.name}`;
  const ports = istioPorts(model, cluster);
  let endpoints: Record<string, unknown>[];
  let resolution: 'STATIC' | 'DNS';
  if (cluster.dnsResolution && cluster.dnsEndpoints) {
    // Envoy resolves host names itself; their weights and health are the model's.
    resolution = 'DNS';
    endpoints = activeEndpoints(cluster.dnsEndpoints).map((e) => workloadEntry(e, ports, e.address, subject, notes));
  } else {
    resolution = 'STATIC';
    endpoints = activeEndpoints(cluster.endpoints).map((e) => workloadEntry(e, ports, e.address, subject, notes));
  }
  const left = cluster.endpoints.length - endpoints.length;
  if (left > 0 && !cluster.dnsResolution) notes.push({ subject, message: `${left} endpoint(s) not serving or on a standby priority are left out` });
  return {
    kind: 'ServiceEntry',
    namespace: o.namespace,
    name: cluster.name,
    labels: { ...MANAGED_BY_LABEL, 'prescient.dev/service': cluster.service },
    spec: {
      hosts: [istioHost(cluster.name, o)],
      ports: ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })),
      location: 'MESH_INTERNAL',
      resolution,
      endpoints,
    },
  };
}
