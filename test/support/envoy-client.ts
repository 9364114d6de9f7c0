/**
 * A plain @grpc/grpc-js client (no xDS) sending the echo RPC through an Envoy listener, with the
 * route's host as the :authority, as an application behind a sidecar or gateway does.
 */
import * as grpc from '@grpc/grpc-js';
import { ECHO_METHOD, passthrough } from './backend-servers.ts';
import { spreadCalls, type CallResult, type EchoCaller } from './call-tally.ts';

export class ProxiedEchoClient implements EchoCaller {
  private readonly client: grpc.Client;

  constructor(listenerPort: number, authority: string) {
    this.client = new grpc.Client(`127.0.0.1:${listenerPort}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority });
  }

  call(deadlineMs = 5000): Promise<CallResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(ECHO_METHOD, passthrough.serialize, passthrough.deserialize, Buffer.from('hi'), { deadline: Date.now() + deadlineMs }, (err, value) =>
        resolve(err ? { code: err.code, details: err.details } : { backend: value!.toString() }),
      );
    });
  }

  spread(n: number, concurrency = 20): Promise<Map<string, number>> {
    return spreadCalls(this, n, concurrency);
  }

  close(): void {
    this.client.close();
  }
}
