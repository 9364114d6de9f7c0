/**
 * The smallest xDS client bench:reload needs: one ADS stream subscribed to every cluster that ACKs
 * each response, so the server renders and pushes every accepted config (bench/ does not use
 * test/support).
 */
import * as grpc from '@grpc/grpc-js';
import { lookupType } from '../../xds-server/envoy/protos.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';

const METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

export class AckingCdsClient {
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<object, { version_info: string; nonce: string; type_url: string }>;
  /** Resolves at the first response. */
  readonly firstResponse: Promise<void>;

  constructor(address: string, nodeId: string) {
    const req = lookupType('envoy.service.discovery.v3.DiscoveryRequest');
    const res = lookupType('envoy.service.discovery.v3.DiscoveryResponse');
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    this.call = this.client.makeBidiStreamRequest(
      METHOD,
      (m: object) => Buffer.from(req.encode(req.fromObject(m)).finish()),
      (b: Buffer) => res.toObject(res.decode(b)) as { version_info: string; nonce: string; type_url: string },
    );
    this.call.on('error', () => {});
    this.firstResponse = new Promise((resolve) => this.call.once('data', () => resolve()));
    this.call.on('data', (r) => this.call.write({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce }));
    this.call.write({ node: { id: nodeId, user_agent_name: 'envoy' }, type_url: TYPE_URL.cluster });
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}
