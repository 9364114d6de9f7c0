/**
 * The demo's gRPC backend, also the real backend of the end-to-end tests: it answers
 * `/prescient.test.Echo/Hello` with its own id and serves `grpc.health.v1.Health/Check`, on
 * 127.0.0.1. Faults are switched at run time: extra latency on every call (health checks
 * included, as a slow host would show), extra latency on the request path only (health checks
 * answer fast), or failing fast with UNAVAILABLE. Options: no health service (as servers that
 * never registered grpc.health.v1 answer UNIMPLEMENTED), and a capacity (a fixed number of
 * requests served at once, each taking a fixed time; the rest queue), so a server saturates.
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
  /** Added to Echo calls only; health checks stay fast. */
  requestLatencyMs: number;
  failFast: boolean;
}

export interface BackendOptions {
  /** Serve grpc.health.v1.Health (default true). */
  readonly health?: boolean;
  /** Echo calls served at once, each held `serviceMs`; further calls wait in a FIFO queue. */
  readonly capacity?: { readonly slots: number; readonly serviceMs: number };
}

export class BackendServer {
  readonly faults: BackendFaults = { latencyMs: 0, requestLatencyMs: 0, failFast: false };
  hits = 0;
  private server = new grpc.Server();
  port = 0;
  /** Loopback address it listens on (127.0.0.0/8: tests give backends distinct addresses). */
  host = '127.0.0.1';

  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly id: string,
    private readonly options: BackendOptions = {},
  ) {
    const unary = (reply: () => Buffer, requestPath: boolean) => (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const finish = () => {
        if (this.faults.failFast) callback({ code: grpc.status.UNAVAILABLE, details: `${this.id} failing` });
        else callback(null, reply());
      };
      const extra = this.faults.latencyMs + (requestPath ? this.faults.requestLatencyMs : 0);
      const delayed = () => (extra > 0 ? setTimeout(finish, extra) : finish());
      if (requestPath && this.options.capacity) this.serve(delayed);
      else delayed();
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
        }, true),
      },
    );
    if (options.health !== false) this.server.addService({ Check: method(HEALTH_METHOD) } as grpc.ServiceDefinition, { Check: unary(() => SERVING, false) });
  }

  /** Requests waiting for a slot (capacity mode). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Holds a slot for `serviceMs`, then runs `then`; queues when every slot is busy. */
  private serve(then: () => void): void {
    const { slots, serviceMs } = this.options.capacity!;
    const run = () => {
      this.busy++;
      setTimeout(() => {
        this.busy--;
        this.waiting.shift()?.();
        then();
      }, serviceMs);
    };
    if (this.busy < slots) run();
    else this.waiting.push(run);
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

export async function startBackends(ids: string[], options: BackendOptions | ((id: string) => BackendOptions) = {}): Promise<BackendServer[]> {
  const servers = ids.map((id) => new BackendServer(id, typeof options === 'function' ? options(id) : options));
  await Promise.all(servers.map((s) => s.start()));
  return servers;
}
