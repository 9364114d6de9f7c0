/**
 * The bench's clients: proxyless gRPC (@grpc/grpc-js-xds, bootstrap per channel) and plain gRPC
 * through an Envoy listener, each sending the demo echo RPC in loops and recording every call's
 * start time and outcome (the answering backend's id, or the error).
 */
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { ECHO_METHOD, passthrough } from '../../examples/demo/greeter-server.ts';

grpcXds.register();

const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

export function xdsClient(target: string, xdsPort: number): grpc.Client {
  const bootstrap = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: `bench-failover-${process.pid}`, cluster: 'bench', locality: { zone: 'bench' } },
  });
  return new grpc.Client(target, grpc.credentials.createInsecure(), { [BOOTSTRAP_OPTION]: bootstrap });
}

export function envoyClient(listenerPort: number, authority: string): grpc.Client {
  return new grpc.Client(`127.0.0.1:${listenerPort}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority });
}

export interface Call {
  readonly client: string;
  readonly at: number;
  /** Backend id, or "error:<code>". */
  readonly key: string;
}

function call(client: grpc.Client, deadlineMs: number): Promise<string> {
  return new Promise((resolve) =>
    client.makeUnaryRequest(ECHO_METHOD, passthrough.serialize, passthrough.deserialize, Buffer.from('hi'), { deadline: Date.now() + deadlineMs }, (err, value) =>
      resolve(err ? `error:${err.code}` : value!.toString()),
    ),
  );
}

export class RecordedLoad {
  calls: Call[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(clients: Record<string, grpc.Client>, concurrency: number) {
    this.loops = Object.entries(clients).flatMap(([name, c]) =>
      Array.from({ length: concurrency }, async () => {
        while (this.running) {
          const at = Date.now();
          const key = await call(c, 2000);
          this.calls.push({ client: name, at, key });
          if (key.startsWith('error')) await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
  }

  /** Drops calls started before `t` (keeps memory flat over many trials). */
  forget(t: number): void {
    this.calls = this.calls.filter((c) => c.at >= t);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
