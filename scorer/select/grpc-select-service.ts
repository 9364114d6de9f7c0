/**
 * The smart endpoint API over gRPC (prescient.select.v1.EndpointSelector, ./select.proto). The
 * lead mounts it on a grpc-js server with `addSelectService`.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { checkBearer } from './bearer-token.ts';
import type { EndpointSelector } from './endpoint-selector.ts';
import { GRPC_STATUS, SelectError } from './select-error.ts';

export const SELECT_PROTO_PATH = fileURLToPath(new URL('./select.proto', import.meta.url));

export interface SelectEndpointRequest {
  service: string;
  client_network: string;
}

export interface SelectEndpointResponse {
  address: string;
  port: number;
  dns_name: string;
  weight: number;
  total_weight: number;
  model_version: string;
}

interface SelectPackage {
  prescient: { select: { v1: { EndpointSelector: grpc.ServiceClientConstructor } } };
}

/** Loads select.proto (keepCase: snake_case fields, as everywhere in Prescient). */
export function loadSelectPackage(): SelectPackage {
  const def = protoLoader.loadSync(SELECT_PROTO_PATH, { keepCase: true, defaults: true, longs: Number });
  return grpc.loadPackageDefinition(def) as unknown as SelectPackage;
}

export function selectServiceDefinition(): grpc.ServiceDefinition {
  return loadSelectPackage().prescient.select.v1.EndpointSelector.service;
}

export interface SelectServiceOptions {
  /** Require "authorization: Bearer <token>" metadata. */
  readonly token?: string;
  /**
   * Decides instead of `token` alone: the xDS port's access policy admits the token or a client
   * certificate with an operator identity (xds-server/transport/access/xds-access.ts).
   */
  readonly authorize?: (call: grpc.ServerUnaryCall<SelectEndpointRequest, SelectEndpointResponse>) => boolean;
}

export function addSelectService(server: grpc.Server, selector: EndpointSelector, opts: SelectServiceOptions = {}): void {
  const handler: grpc.handleUnaryCall<SelectEndpointRequest, SelectEndpointResponse> = (call, callback) => {
    try {
      if (opts.authorize) {
        if (!opts.authorize(call)) {
          throw new SelectError('SELECT_UNAUTHENTICATED', 'send "authorization: Bearer <token>" metadata or a client certificate with an operator identity');
        }
      } else checkBearer(opts.token, call.metadata.get('authorization')[0]?.toString());
      const e = selector.select(call.request.service, call.request.client_network);
      callback(null, {
        address: e.address,
        port: e.port,
        dns_name: e.dnsName,
        weight: e.weight,
        total_weight: e.totalWeight,
        model_version: e.modelVersion,
      });
    } catch (err) {
      if (err instanceof SelectError) callback({ code: GRPC_STATUS[err.code], details: err.message });
      else callback({ code: grpc.status.INTERNAL, details: (err as Error).message });
    }
  };
  server.addService(selectServiceDefinition(), { SelectEndpoint: handler });
}
