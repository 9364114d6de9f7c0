/**
 * The mesh the xDS benchmark serves: `clusters` Services sharing `endpoints` endpoints as evenly
 * as possible, each endpoint with its own 10.x.y.z address (so every ClusterLoadAssignment has
 * distinct content), rendered as the YAML documents `prescient serve` reads.
 */
import YAML from 'yaml';
import { API_VERSION, type EndpointSpec } from '../../api/config.ts';

export const ENDPOINT_PORT = 8080;

export function clusterNames(clusters: number): string[] {
  return Array.from({ length: clusters }, (_, c) => `svc-${c}`);
}

/** Endpoint `i` of the whole mesh (0-based): 10.0.0.1, 10.0.0.2, … counting up through 10.255.255.255. */
function address(i: number): string {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Endpoints of every cluster, in cluster order; the first `endpoints % clusters` get one more. */
export function meshEndpoints(clusters: number, endpoints: number): EndpointSpec[][] {
  if (endpoints < clusters) throw new RangeError(`BENCH_XDS_MESH: every cluster needs an endpoint: ${endpoints} endpoints for ${clusters} clusters`);
  if (endpoints > 0xffffff) throw new RangeError(`BENCH_XDS_MESH: at most ${0xffffff} endpoints fit in 10.0.0.0/8, got ${endpoints}`);
  const base = Math.floor(endpoints / clusters);
  const extra = endpoints % clusters;
  let next = 0;
  return Array.from({ length: clusters }, (_, c) =>
    Array.from({ length: base + (c < extra ? 1 : 0) }, () => ({ address: address(next++), port: ENDPOINT_PORT })),
  );
}

export function meshYaml(clusters: number, endpoints: number): string {
  const names = clusterNames(clusters);
  return meshEndpoints(clusters, endpoints)
    .map((eps, c) => YAML.stringify({ apiVersion: API_VERSION, kind: 'Service', metadata: { name: names[c] }, spec: { protocol: 'grpc', endpoints: eps } }))
    .join('---\n');
}
