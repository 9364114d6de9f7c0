/**
 * Real proxyless gRPC clients (@grpc/grpc-js-xds) configured only through Prescient. Each client
 * carries its own bootstrap in a channel option, so one test process can talk to several
 * Prescient servers (the env-var bootstrap is read once per process).
 */
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { ECHO_METHOD, passthrough } from './backend-servers.ts';
import { spreadCalls, type CallResult, type EchoCaller } from './call-tally.ts';

grpcXds.register();

const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';

export interface ClientNode {
  id?: string;
  metadata?: Record<string, string>;
}

export function bootstrapFor(xdsPort: number, node: ClientNode = {}): string {
  return JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: {
      id: node.id ?? `test-client-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      cluster: 'e2e',
      locality: { zone: 'test' },
      ...(node.metadata ? { metadata: node.metadata } : {}),
    },
  });
}

export class EchoClient implements EchoCaller {
  private readonly client: grpc.Client;

  constructor(target: string, xdsPort: number, node?: ClientNode) {
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), { [BOOTSTRAP_OPTION]: bootstrapFor(xdsPort, node) });
  }

  /** One RPC; resolves to the id of the backend that answered, or the gRPC error code. */
  call(deadlineMs = 5000): Promise<CallResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        ECHO_METHOD,
        passthrough.serialize,
        passthrough.deserialize,
        Buffer.from('hi'),
        { deadline: Date.now() + deadlineMs },
        (err, value) => resolve(err ? { code: err.code } : { backend: value!.toString() }),
      );
    });
  }

  /** `n` calls with at most `concurrency` in flight; counts answers per backend id. */
  spread(n: number, concurrency = 20): Promise<Map<string, number>> {
    return spreadCalls(this, n, concurrency);
  }

  close(): void {
    this.client.close();
  }
}
