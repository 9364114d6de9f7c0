/**
 * A proxyless gRPC client configured only by Prescient: it resolves `xds:///greeter` through the
 * xDS server at --xds (default 127.0.0.1:18000), sends a call every few milliseconds and prints,
 * once a second, which backend answered how often. With --via it is instead a plain gRPC client
 * of an Envoy listener (e.g. 127.0.0.1:10000, the demo Route's), sending --authority as :authority
 * so that Envoy picks the Route by host, as an application behind a sidecar would.
 */
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { Command } from 'commander';
import { ECHO_METHOD, passthrough } from './greeter-server.ts';

const opts = new Command()
  .option('--xds <host:port>', 'Prescient xDS address', '127.0.0.1:18000')
  .option('--target <target>', 'xds:/// target', 'xds:///greeter')
  .option('--via <host:port>', 'call through this Envoy listener instead (plain gRPC, no xDS)')
  .option('--authority <host>', 'with --via: the :authority, one of the Route\'s hosts', 'greeter')
  .parse()
  .opts<{ xds: string; target: string; via?: string; authority: string }>();

grpcXds.register();
const bootstrap = {
  xds_servers: [{ server_uri: opts.xds, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
  node: { id: `demo-client-${process.pid}`, cluster: 'demo', locality: { zone: 'zone-a' } },
};
const client = opts.via
  ? new grpc.Client(opts.via, grpc.credentials.createInsecure(), { 'grpc.default_authority': opts.authority })
  : new grpc.Client(opts.target, grpc.credentials.createInsecure(), {
      'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap),
    });

let counts = new Map<string, number>();
const call = () =>
  client.makeUnaryRequest(ECHO_METHOD, passthrough.serialize, passthrough.deserialize, Buffer.from('hi'), { deadline: Date.now() + 5000 }, (err, reply) => {
    const key = err ? `error ${grpc.status[err.code]}` : reply!.toString();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
setInterval(call, 5);
setInterval(() => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const line = [...counts].sort().map(([k, n]) => `${k} ${((100 * n) / total).toFixed(0)}%`).join('  ');
  console.log(`${total} calls/s  ${line}`);
  counts = new Map();
}, 1000);
