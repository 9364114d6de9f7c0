/**
 * envoy.service.status.v3.ClientStatusDiscoveryService on the xDS port (DESIGN §4.1): operators'
 * tools ask which config each connected client has. FetchClientStatus answers once;
 * StreamClientStatus answers every request with a fresh snapshot, in order. A bad request ends the
 * call with INVALID_ARGUMENT and a stable CSDS_* code (csds-error.ts).
 */
import * as grpc from '@grpc/grpc-js';
import type { GroupView } from '../../cache/types.ts';
import type { Logger } from '../../log.ts';
import { serverMethod, serviceDefinition } from '../grpc-methods.ts';
import { type InspectedStream, clientConfigs } from './client-configs.ts';
import { parseClientStatusRequest } from './client-status-request.ts';
import { encodeClientStatusResponse } from './client-status-wire.ts';
import { CsdsRequestError } from './csds-error.ts';

export const CSDS_SERVICE_NAME = 'envoy.service.status.v3.ClientStatusDiscoveryService';

export interface CsdsSource {
  /** Every open xDS stream. */
  streams(): Iterable<InspectedStream>;
  /** The node group's current view, to compare what clients hold against. */
  view(group: string): GroupView | undefined;
  logger: Logger;
  /** Whether the caller may inspect clients (admin token or operator identity); default: anyone. */
  authorize?: (call: grpc.ServerUnaryCall<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>) => boolean;
}

const UNAUTHENTICATED = {
  code: grpc.status.UNAUTHENTICATED,
  details: 'CSDS_UNAUTHENTICATED: send "authorization: Bearer <admin token>" metadata or a client certificate with an operator identity',
};

/** Requests stay raw bytes until the handler, so an undecodable one is answered INVALID_ARGUMENT like any other bad request. */
const rawRequest = (bytes: Buffer): Buffer => bytes;

export function addCsdsService(server: grpc.Server, source: CsdsSource): void {
  const definition = serviceDefinition({
    StreamClientStatus: serverMethod(`/${CSDS_SERVICE_NAME}/StreamClientStatus`, true, rawRequest),
    FetchClientStatus: serverMethod(`/${CSDS_SERVICE_NAME}/FetchClientStatus`, false, rawRequest),
  });
  server.addService(definition, {
    FetchClientStatus: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      if (source.authorize && !source.authorize(call)) return callback(UNAUTHENTICATED);
      try {
        callback(null, answer(source, call.request));
      } catch (err) {
        callback(failure(source, err));
      }
    },
    StreamClientStatus: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      if (source.authorize && !source.authorize(call)) {
        call.emit('error', UNAUTHENTICATED);
        return;
      }
      let open = true;
      call.on('data', (request: Buffer) => {
        if (!open) return;
        try {
          call.write(answer(source, request));
        } catch (err) {
          open = false;
          call.emit('error', failure(source, err));
        }
      });
      call.on('end', () => {
        if (open) call.end();
      });
    },
  });
}

function answer(source: CsdsSource, request: Buffer): Buffer {
  const query = parseClientStatusRequest(request);
  const clients = clientConfigs(source.streams(), query.matches, (group) => source.view(group));
  return encodeClientStatusResponse(clients, !query.excludeResourceContents);
}

function failure(source: CsdsSource, err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof CsdsRequestError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  source.logger.error({ err }, 'CSDS request failed');
  return { code: grpc.status.INTERNAL, details: `CSDS_INTERNAL: ${(err as Error).message}` };
}
