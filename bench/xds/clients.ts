/**
 * Load-generating xDS clients for `npm run bench:xds`, run in their own process (forked by
 * run.ts) so their CPU does not count as the server's. Each client has its own HTTP/2 connection
 * and ADS stream, subscribes like Envoy does (CDS wildcard, then EDS for every cluster), ACKs
 * every response at once and reports to the parent over IPC when it holds the full initial set
 * and when it ACKs a response carrying the watched cluster.
 *
 * Responses are decoded only down to the resource names (the ClusterLoadAssignment's first
 * field), the way a real proxy's cost would not be charged to the server either.
 *
 * IPC (see ipc.ts): `start {config}` → `{ at }`, the Unix ms just before the first client
 * connects; `watch {cluster}` → `{}` once arrivals of that cluster are being reported;
 * `stats` → `{ cpuMicros }`. Events go
 * to the parent as `{ kind: 'events', events }` batches.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { envoyRoot } from '../../xds-server/envoy/protos.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { serveRequests } from './ipc.ts';

export type BenchProtocol = 'sotw' | 'delta';

export interface ClientsConfig {
  port: number;
  clients: number;
  clusters: string[];
  protocol: BenchProtocol;
}

export interface ClientsStarted {
  at: number;
}

export interface ClientsStats {
  /** User + system CPU of the client process since it started, µs. */
  cpuMicros: number;
}

export type ClientEvent =
  | { kind: 'synced'; client: number; at: number }
  | { kind: 'acked'; client: number; cluster: string; at: number }
  | { kind: 'error'; client: number; message: string };

const root = envoyRoot();
const DiscoveryRequest = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
const DiscoveryResponse = root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
const DeltaRequest = root.lookupType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const DeltaResponse = root.lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService/';

function codec(req: protobuf.Type, res: protobuf.Type) {
  return {
    serialize: (m: object) => Buffer.from(req.encode(req.fromObject(m)).finish()),
    deserialize: (b: Buffer) => res.decode(b) as unknown as Record<string, any>,
  };
}

/** cluster_name is field 1 of ClusterLoadAssignment: read just that string. */
function claName(bytes: Uint8Array): string {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) return reader.string();
    reader.skipType(tag & 7);
  }
  return '';
}

/** The cluster the parent is about to change; only its arrivals are reported. */
let watched = '';

class BenchClient {
  private readonly held = new Set<string>();
  private synced = false;

  constructor(
    private readonly index: number,
    private readonly cfg: ClientsConfig,
    private readonly emit: (e: ClientEvent) => void,
  ) {}

  start(): grpc.Client {
    const channel = new grpc.Client(`127.0.0.1:${this.cfg.port}`, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    const node = { id: `bench-${this.index}`, cluster: 'bench', user_agent_name: 'envoy' };
    if (this.cfg.protocol === 'sotw') this.sotw(channel, node);
    else this.delta(channel, node);
    return channel;
  }

  private onClusters(names: Iterable<string>): void {
    const at = Date.now();
    for (const name of names) {
      this.held.add(name);
      if (this.synced && name === watched) this.emit({ kind: 'acked', client: this.index, cluster: name, at });
    }
    if (!this.synced && this.held.size >= this.cfg.clusters.length) {
      this.synced = true;
      this.emit({ kind: 'synced', client: this.index, at });
    }
  }

  private sotw(channel: grpc.Client, node: object): void {
    const c = codec(DiscoveryRequest, DiscoveryResponse);
    const stream = channel.makeBidiStreamRequest(`${ADS}StreamAggregatedResources`, c.serialize, c.deserialize);
    stream.on('error', (e: Error) => this.emit({ kind: 'error', client: this.index, message: e.message }));
    stream.on('data', (r: Record<string, any>) => {
      const names = r.type_url === TYPE_URL.endpoint ? r.resources.map((a: { value: Uint8Array }) => claName(a.value)) : [];
      stream.write({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, resource_names: r.type_url === TYPE_URL.endpoint ? this.cfg.clusters : [] });
      if (names.length) this.onClusters(names);
    });
    stream.write({ node, type_url: TYPE_URL.cluster });
    stream.write({ type_url: TYPE_URL.endpoint, resource_names: this.cfg.clusters });
  }

  private delta(channel: grpc.Client, node: object): void {
    const c = codec(DeltaRequest, DeltaResponse);
    const stream = channel.makeBidiStreamRequest(`${ADS}DeltaAggregatedResources`, c.serialize, c.deserialize);
    stream.on('error', (e: Error) => this.emit({ kind: 'error', client: this.index, message: e.message }));
    stream.on('data', (r: Record<string, any>) => {
      stream.write({ type_url: r.type_url, response_nonce: r.nonce });
      if (r.type_url === TYPE_URL.endpoint) this.onClusters(r.resources.map((x: { name: string }) => x.name));
    });
    stream.write({ node, type_url: TYPE_URL.cluster, resource_names_subscribe: ['*'] });
    stream.write({ type_url: TYPE_URL.endpoint, resource_names_subscribe: this.cfg.clusters });
  }
}

/** Entry point when forked by run.ts. */
if (process.send) {
  const channels: grpc.Client[] = [];
  // Events are batched: thousands of tiny IPC messages would cost more than the clients.
  let batch: ClientEvent[] = [];
  const flush = () => {
    if (batch.length) process.send!({ kind: 'events', events: batch });
    batch = [];
  };
  setInterval(flush, 5).unref();
  const emit = (e: ClientEvent) => batch.push(e);
  serveRequests(
    (m) => {
      if (m.kind === 'watch') {
        watched = m.cluster;
        return {};
      }
      if (m.kind === 'stats') {
        const cpu = process.cpuUsage();
        return { cpuMicros: cpu.user + cpu.system } satisfies ClientsStats;
      }
      if (m.kind === 'start') {
        const cfg = m.config as ClientsConfig;
        const at = Date.now();
        for (let i = 0; i < cfg.clients; i++) channels.push(new BenchClient(i, cfg, emit).start());
        return { at } satisfies ClientsStarted;
      }
      throw new Error(`BENCH_XDS_UNKNOWN_COMMAND: ${m.kind}`);
    },
    async () => {
      flush();
      for (const c of channels) c.close();
    },
  );
}
