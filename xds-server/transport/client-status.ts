/** Plain data describing connected xDS streams, for /debug/clients and CSDS-style status (DESIGN §4.5). */
import type { ClientFlavor } from '../translate/types.ts';
import type { McpTypeStatus } from './mcp-types.ts';

/** Which gRPC service a stream came in on: aggregated (ADS) or one per-type service. */
export type XdsService = 'ads' | 'cds' | 'eds' | 'lds' | 'rds';

export interface TypeStatus {
  typeUrl: string;
  /** cds, eds, lds or rds. */
  type: string;
  wildcard: boolean;
  /** Concrete names subscribed (besides the wildcard, if any). */
  names: string[];
  lastSent?: { version: string; nonce: string; at: number };
  ackedVersion?: string;
  /** Nonce of the response awaiting ACK/NACK, if any. */
  pendingNonce?: string;
  lastNack?: { version: string; message: string; at: number };
  nackCount: number;
}

export interface ClientStatus {
  streamId: number;
  nodeId: string;
  nodeCluster: string;
  /** Absent until the first request names the node. */
  group?: string;
  flavor?: ClientFlavor;
  protocol: 'sotw' | 'delta';
  service: XdsService;
  peer: string;
  /** Unix ms. */
  connectedAt: number;
  types: TypeStatus[];
  /** Istio config types the stream (an istiod) subscribed to over MCP, when any (docs/istio.md). */
  istioTypes?: McpTypeStatus[];
}
