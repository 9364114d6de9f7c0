/**
 * The demo's gRPC backend, also the real backend of the end-to-end tests: it answers
 * `/prescient.test.Echo/Hello` with its own id and serves `grpc.health.v1.Health/Check`, on
 * 127.0.0.1. Faults are switched at run time: extra latency on every call (health checks
 * included, as a slow host would show) or failing fast with UNAVAILABLE.
 */
import * as grpc from '@grpc/grpc-js';

export const ECHO_METHOD = '/prescient.test.Echo/Hello';
const HEALTH_METHOD = '/grpc.health.v1.Health/Check';

export const passthrough = {
  serialize: (b: Buffer) => b,
  deserialize: (b: Buffer) => b,
};

/** HealthCheckResponse{status: SERVING} encoded by hand: field 1, varint 1. */
const SERVING = Buffer.from([0x08, 0x01]);

export interface BackendFaults {
  latencyMs: number;
  failFast: boolean;
}

export class BackendServer {
  readonly faults: BackendFaults = { latencyMs: 0, failFast: false };
  hits = 0;
  private server = new grpc.Server();
  port = 0;
  /** Loopback address it listens on (127.0.0.0/8: tests give backends distinct addresses). */
  host = '127.0.0.1';

  constructor(readonly id: string) {
    const unary = (reply: () => Buffer) => (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const finish = () => {
        if (this.faults.failFast) callback({ code: grpc.status.UNAVAILABLE, details: `${this.id} failing` });
        else callback(null, reply());
      };
      if (this.faults.latencyMs > 0) setTimeout(finish, this.faults.latencyMs);
      else finish();
      void call;
    };
    const method = (path: string) => ({
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passthrough.serialize,
      requestDeserialize: passthrough.deserialize,
      responseSerialize: passthrough.serialize,
      responseDeserialize: passthrough.deserialize,
    });
    this.server.addService(
      { Hello: method(ECHO_METHOD) } as grpc.ServiceDefinition,
      {
        Hello: unary(() => {
          this.hits++;
          return Buffer.from(this.id);
        }),
      },
    );
    this.server.addService({ Check: method(HEALTH_METHOD) } as grpc.ServiceDefinition, { Check: unary(() => SERVING) });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    this.host = host;
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return this.port;
  }

  get endpoint(): string {
    return `${this.host}:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

export async function startBackends(ids: string[]): Promise<BackendServer[]> {
  const servers = ids.map((id) => new BackendServer(id));
  await Promise.all(servers.map((s) => s.start()));
  return servers;
}
