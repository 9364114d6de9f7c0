/**
 * A simulated caller's load balancer: fed the decoded resources for its flavor, asked for a host
 * per request, told every outcome. Implementations: Envoy (envoy-client.ts) and proxyless gRPC
 * (grpc-client.ts).
 */
import type { DecodedMesh } from '../decode/decoded-types.ts';
import type { SimHost } from './sim-host.ts';

/** The client-side algorithm a policy may impose instead of the cluster's lb_policy. */
export type ClientAlgorithm = 'cluster' | 'PEAK_EWMA';

export interface SimClient {
  readonly name: string;
  /** A new xDS update (EDS/CDS) for the client's cluster. */
  apply(mesh: DecodedMesh): void;
  /** The host for a request (undefined when the cluster has no host at all). */
  pick(hashKey: number): SimHost | undefined;
  /** Outcome of a request sent to `host`: `refused` = connection refused (no response). */
  onResult(host: SimHost, ok: boolean, rttMs: number, refused: boolean): void;
  /** Hosts by endpoint index (for tests and reports). */
  hosts(): readonly SimHost[];
}
