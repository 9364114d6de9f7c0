/**
 * Hand-made gRPC method definitions for the xDS, LRS and CSDS services. Requests are decoded with
 * protobufjs; responses are Buffers already assembled from the cache's shared bytes, so the
 * response serializer passes them through (encode once, DESIGN §4.1).
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { decodeDeltaDiscoveryRequest, decodeDiscoveryRequest, type DeltaDiscoveryRequestMessage, type DiscoveryRequestMessage } from './discovery-messages.ts';
import type { XdsService } from './client-status.ts';

/** A server-side method whose responses are pre-encoded Buffers; `streaming` makes it bidirectional, else unary. */
export function serverMethod<Req>(path: string, streaming: boolean, decode: (bytes: Buffer) => Req): MethodDefinition<Req, Buffer> {
  return {
    path,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: () => {
      throw new Error('server-side definition: requests are never serialized here');
    },
    requestDeserialize: decode,
    responseSerialize: (response: Buffer) => response,
    responseDeserialize: (bytes: Buffer) => bytes,
  };
}

function bidi<Req>(path: string, decode: (bytes: Buffer) => Req): MethodDefinition<Req, Buffer> {
  return serverMethod(path, true, decode);
}

export type SotwMethod = MethodDefinition<DiscoveryRequestMessage, Buffer>;
export type DeltaMethod = MethodDefinition<DeltaDiscoveryRequestMessage, Buffer>;

export interface DiscoveryService {
  service: XdsService;
  /** Fully qualified gRPC service name. */
  name: string;
  sotw: { method: string; definition: SotwMethod };
  delta: { method: string; definition: DeltaMethod };
}

function discoveryService(service: XdsService, name: string, sotwMethod: string, deltaMethod: string): DiscoveryService {
  return {
    service,
    name,
    sotw: { method: sotwMethod, definition: bidi(`/${name}/${sotwMethod}`, decodeDiscoveryRequest) },
    delta: { method: deltaMethod, definition: bidi(`/${name}/${deltaMethod}`, decodeDeltaDiscoveryRequest) },
  };
}

export const DISCOVERY_SERVICES: readonly DiscoveryService[] = [
  discoveryService('ads', 'envoy.service.discovery.v3.AggregatedDiscoveryService', 'StreamAggregatedResources', 'DeltaAggregatedResources'),
  discoveryService('cds', 'envoy.service.cluster.v3.ClusterDiscoveryService', 'StreamClusters', 'DeltaClusters'),
  discoveryService('eds', 'envoy.service.endpoint.v3.EndpointDiscoveryService', 'StreamEndpoints', 'DeltaEndpoints'),
  discoveryService('lds', 'envoy.service.listener.v3.ListenerDiscoveryService', 'StreamListeners', 'DeltaListeners'),
  discoveryService('rds', 'envoy.service.route.v3.RouteDiscoveryService', 'StreamRoutes', 'DeltaRoutes'),
];

export function serviceDefinition(methods: Record<string, MethodDefinition<any, any>>): ServiceDefinition {
  return methods as ServiceDefinition;
}

export const LRS_SERVICE_NAME = 'envoy.service.load_stats.v3.LoadReportingService';
export const LRS_METHOD = 'StreamLoadStats';

export function lrsMethod<Req>(decode: (bytes: Buffer) => Req): MethodDefinition<Req, Buffer> {
  return bidi(`/${LRS_SERVICE_NAME}/${LRS_METHOD}`, decode);
}
