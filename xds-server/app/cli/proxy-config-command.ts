/**
 * `prescient proxy-config NODE`: per resource, what Prescient sent a connected client and whether
 * the client acknowledged it — like `istioctl proxy-config`, read over CSDS
 * (ClientStatusDiscoveryService.FetchClientStatus on the xDS port) with a node matcher for the
 * node id. Columns: TYPE, NAME, VERSION (the version sent), CLIENT (ACKED, REQUESTED = sent and
 * awaiting ACK, NACKED, DOES_NOT_EXIST) and CONFIG (SYNCED, STALE, NOT_SENT, ERROR), and the NACK
 * message when there is one. Sends the admin token as `authorization` metadata when given, and a
 * client certificate when the xDS port requires mTLS.
 */
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { lookupType } from '../../envoy/protos.ts';
import { formatTable } from './admin-client.ts';

export interface ProxyConfigFlags {
  xds: string;
  token?: string;
  json?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  timeoutMs?: number;
}

interface GenericXdsConfig {
  type_url: string;
  name: string;
  version_info: string;
  config_status: string;
  client_status: string;
  error_state?: { details?: string } | null;
}

const METHOD = '/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus';
const SHORT: Record<string, string> = { Cluster: 'CDS', ClusterLoadAssignment: 'EDS', Listener: 'LDS', RouteConfiguration: 'RDS' };
const ORDER = ['CDS', 'EDS', 'LDS', 'RDS'];

function credentials(f: ProxyConfigFlags): grpc.ChannelCredentials {
  if (!f.tlsCa && !f.tlsCert) return grpc.credentials.createInsecure();
  const read = (p: string | undefined) => (p ? fs.readFileSync(p) : null);
  return grpc.credentials.createSsl(read(f.tlsCa), read(f.tlsKey), read(f.tlsCert));
}

function fetchClientStatus(node: string, f: ProxyConfigFlags): Promise<{ node: { id: string }; generic_xds_configs: GenericXdsConfig[] }[]> {
  const req = lookupType('envoy.service.status.v3.ClientStatusRequest');
  const res = lookupType('envoy.service.status.v3.ClientStatusResponse');
  const client = new grpc.Client(f.xds, credentials(f));
  const metadata = new grpc.Metadata();
  if (f.token) metadata.set('authorization', `Bearer ${f.token}`);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      METHOD,
      (m: object) => Buffer.from(req.encode(req.fromObject(m)).finish()),
      (b: Buffer) => (res.toObject(res.decode(b), { enums: String, longs: Number, defaults: true, arrays: true }) as { config: never[] }).config,
      { node_matchers: [{ node_id: { exact: node } }], exclude_resource_contents: true },
      metadata,
      { deadline: Date.now() + (f.timeoutMs ?? 5000) },
      (err, value) => {
        client.close();
        if (err) reject(new Error(`cannot ask ${f.xds} over CSDS: ${err.details || err.message}`));
        else resolve(value!);
      },
    );
  });
}

export async function runProxyConfig(node: string, flags: ProxyConfigFlags): Promise<number> {
  let configs;
  try {
    configs = await fetchClientStatus(node, flags);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
  if (configs.length === 0) {
    console.error(`error: no client with node id "${node}" is connected to ${flags.xds}`);
    return 1;
  }
  if (flags.json) {
    console.log(JSON.stringify(configs, null, 2));
    return 0;
  }
  const rows = configs.flatMap((c) =>
    c.generic_xds_configs
      .map((g) => ({ g, type: SHORT[g.type_url.slice(g.type_url.lastIndexOf('.') + 1)] ?? g.type_url }))
      .sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type) || (a.g.name < b.g.name ? -1 : a.g.name > b.g.name ? 1 : 0))
      .map(({ g, type }) => [type, g.name, g.version_info ? g.version_info.slice(0, 12) : '-', g.client_status, g.config_status, g.error_state?.details ?? '']),
  );
  console.log(formatTable(['TYPE', 'NAME', 'VERSION', 'CLIENT', 'CONFIG', 'ERROR'], rows));
  if (configs.length > 1) console.log(`\n(${configs.length} streams of node ${node})`);
  return 0;
}
