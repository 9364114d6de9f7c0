/**
 * `grpc.health.v1.Health/Check` probe. The two-message schema is defined here (it does not ship in
 * node_modules). Only SERVING counts as success; NOT_SERVING, SERVICE_UNKNOWN and RPC errors are
 * failures. The channel is kept between probes, with reconnect backoff capped so an endpoint that
 * comes back is seen within about one probe interval.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { failed, OK, type ProbeCheck, type ProbeOutcome } from './probe-check.ts';

const root = protobuf.Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: {
      fields: { status: { type: 'ServingStatus', id: 1 } },
      nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
    },
  },
});
const Request = root.lookupType('HealthCheckRequest');
const Response = root.lookupType('HealthCheckResponse');
const SERVING = 1;
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

export class GrpcHealthCheck implements ProbeCheck {
  private readonly client: grpc.Client;
  private readonly request: Buffer;

  /** `service` is the health service name; '' asks about the server as a whole. */
  constructor(endpoint: string, service = '', maxReconnectBackoffMs = 5000) {
    this.client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': Math.min(1000, maxReconnectBackoffMs),
      'grpc.max_reconnect_backoff_ms': maxReconnectBackoffMs,
    });
    this.request = Buffer.from(Request.encode(Request.create({ service })).finish());
  }

  run(timeoutMs: number): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        HEALTH_CHECK_METHOD,
        (b: Buffer) => b,
        (b: Buffer) => b,
        this.request,
        { deadline: Date.now() + timeoutMs },
        (err, body) => {
          if (err) return resolve(failed(`${grpc.status[err.code]}: ${err.details}`, err.code === grpc.status.DEADLINE_EXCEEDED));
          try {
            const status = (Response.decode(body!) as unknown as { status?: number }).status ?? 0;
            resolve(status === SERVING ? OK : failed(`health status ${STATUS_NAMES[status] ?? status}`));
          } catch (e) {
            resolve(failed(`undecodable HealthCheckResponse: ${(e as Error).message}`));
          }
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
