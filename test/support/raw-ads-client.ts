/**
 * A hand-driven xDS client for protocol tests and load benchmarks: opens SotW or delta streams on
 * ADS or any per-type service, sends exactly the requests a test writes, and hands back decoded
 * responses (resources decoded from their Any bytes, raw bytes kept). Uses the grpc-js generic
 * client and protobufjs, like the server, so nothing about Prescient is assumed.
 */
import * as grpc from '@grpc/grpc-js';
import { lookupType } from '../../xds-server/envoy/protos.ts';
import { messageName } from '../../xds-server/envoy/type-urls.ts';
import { MCP_RESOURCE_TYPE_URL } from '../../xds-server/istio/kinds.ts';
import { lookupIstioType } from '../../xds-server/istio/protos.ts';

export type ServiceKind = 'ads' | 'cds' | 'eds' | 'lds' | 'rds';

const PATHS: Record<ServiceKind, { sotw: string; delta: string }> = {
  ads: { sotw: '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources', delta: '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources' },
  cds: { sotw: '/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters', delta: '/envoy.service.cluster.v3.ClusterDiscoveryService/DeltaClusters' },
  eds: { sotw: '/envoy.service.endpoint.v3.EndpointDiscoveryService/StreamEndpoints', delta: '/envoy.service.endpoint.v3.EndpointDiscoveryService/DeltaEndpoints' },
  lds: { sotw: '/envoy.service.listener.v3.ListenerDiscoveryService/StreamListeners', delta: '/envoy.service.listener.v3.ListenerDiscoveryService/DeltaListeners' },
  rds: { sotw: '/envoy.service.route.v3.RouteDiscoveryService/StreamRoutes', delta: '/envoy.service.route.v3.RouteDiscoveryService/DeltaRoutes' },
};
const LRS_PATH = '/envoy.service.load_stats.v3.LoadReportingService/StreamLoadStats';

export interface TestNode {
  id: string;
  cluster?: string;
  user_agent_name?: string;
  /** Plain JSON; sent as a google.protobuf.Struct. */
  metadata?: Record<string, string | number | boolean>;
}

export interface DecodedResource {
  name: string;
  /** toObject form, snake_case. */
  message: Record<string, any>;
  /** The Any (SotW) or Resource (delta) bytes as received. */
  bytes: Buffer;
}

export interface SotwResponse {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: DecodedResource[];
  raw: Buffer;
}

export interface DeltaResponse {
  system_version_info: string;
  type_url: string;
  nonce: string;
  resources: (DecodedResource & { version: string })[];
  removed_resources: string[];
  raw: Buffer;
}

const TO_OBJECT = { longs: Number, enums: String, defaults: false, arrays: true } as const;

function encoder(typeName: string): (msg: object) => Buffer {
  const type = lookupType(typeName);
  return (msg) => Buffer.from(type.encode(type.fromObject(msg)).finish());
}

function toStruct(meta: Record<string, string | number | boolean>): object {
  const fields: Record<string, object> = {};
  for (const [k, v] of Object.entries(meta)) {
    fields[k] = typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { numberValue: v } : { boolValue: v };
  }
  return { fields };
}

export function nodeMessage(node: TestNode): object {
  return { id: node.id, cluster: node.cluster ?? '', user_agent_name: node.user_agent_name ?? '', metadata: node.metadata ? toStruct(node.metadata) : undefined };
}

/** Decodes one resource's inner message; the name is `name` or, for endpoints, `cluster_name`. */
export function decodeResourceValue(typeUrl: string, value: Uint8Array): { name: string; message: Record<string, any> } {
  if (typeUrl === MCP_RESOURCE_TYPE_URL) return decodeMcpResource(value);
  const type = lookupType(messageName(typeUrl));
  const message = type.toObject(type.decode(value), TO_OBJECT) as Record<string, any>;
  return { name: message.name ?? message.cluster_name ?? '', message };
}

/** An Istio config entry (MCP over xDS): named `namespace/name`, `message.spec` the decoded body. */
function decodeMcpResource(value: Uint8Array): { name: string; message: Record<string, any> } {
  const resource = lookupIstioType('istio.mcp.v1alpha1.Resource');
  const m = resource.toObject(resource.decode(value), TO_OBJECT) as Record<string, any>;
  const body = lookupIstioType(m.body.type_url);
  const spec = body.toObject(body.decode(m.body.value), TO_OBJECT);
  return { name: m.metadata.name, message: { metadata: m.metadata, type_url: m.body.type_url, spec } };
}

function decodeSotw(bytes: Buffer): SotwResponse {
  const type = lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const m = type.decode(bytes) as any;
  const anyType = lookupType('google.protobuf.Any');
  return {
    version_info: m.version_info,
    type_url: m.type_url,
    nonce: m.nonce,
    resources: (m.resources ?? []).map((a: any) => ({ ...decodeResourceValue(a.type_url, a.value), bytes: Buffer.from(anyType.encode(a).finish()) })),
    raw: bytes,
  };
}

function decodeDelta(bytes: Buffer): DeltaResponse {
  const type = lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const resourceType = lookupType('envoy.service.discovery.v3.Resource');
  const m = type.decode(bytes) as any;
  return {
    system_version_info: m.system_version_info,
    type_url: m.type_url,
    nonce: m.nonce,
    resources: (m.resources ?? []).map((r: any) => ({
      ...decodeResourceValue(r.resource.type_url, r.resource.value),
      name: r.name,
      version: r.version,
      bytes: Buffer.from(resourceType.encode(r).finish()),
    })),
    removed_resources: m.removed_resources ?? [],
    raw: bytes,
  };
}

/** One bidirectional stream with a queue of received messages. */
export class RawStream<Req extends object, Res> {
  private readonly queue: Res[] = [];
  private readonly waiters: ((r: Res | Error) => void)[] = [];
  private ended: grpc.StatusObject | undefined;
  /** Resolves with the final status when the server ends the stream. */
  readonly status: Promise<grpc.StatusObject>;

  constructor(private readonly call: grpc.ClientDuplexStream<Req, Res>) {
    call.on('data', (res: Res) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(res);
      else this.queue.push(res);
    });
    this.status = new Promise((resolve) => {
      call.on('status', (s: grpc.StatusObject) => {
        this.ended = s;
        for (const w of this.waiters.splice(0)) w(new Error(`stream ended: ${grpc.status[s.code]} ${s.details}`));
        resolve(s);
      });
    });
    call.on('error', () => {}); // surfaced through `status`
  }

  send(req: Req): void {
    this.call.write(req);
  }

  /** The next response, or a rejection after `timeoutMs` or when the stream ends. */
  next(timeoutMs = 2000): Promise<Res> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(new Error(`stream ended: ${grpc.status[this.ended.code]} ${this.ended.details}`));
    return new Promise((resolve, reject) => {
      const waiter = (r: Res | Error): void => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Fails if any response arrives within `ms`. */
  async expectNone(ms = 200): Promise<void> {
    const got = await this.next(ms).then(
      (r) => r,
      () => undefined,
    );
    if (got !== undefined) throw new Error(`expected no response within ${ms} ms, got ${JSON.stringify(summary(got))}`);
  }

  close(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

function summary(r: unknown): unknown {
  const x = r as { type_url?: string; nonce?: string; resources?: { name: string }[]; removed_resources?: string[] };
  return { type_url: x.type_url, nonce: x.nonce, resources: x.resources?.map((e) => e.name), removed: x.removed_resources };
}

export interface SotwRequest {
  type_url?: string;
  resource_names?: string[];
  version_info?: string;
  response_nonce?: string;
  node?: object;
  error_detail?: { code?: number; message: string };
}

export interface DeltaRequest {
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  node?: object;
  error_detail?: { code?: number; message: string };
}

export class SotwStream extends RawStream<SotwRequest, SotwResponse> {
  /** ACK `res`, keeping (or changing) the subscribed names. */
  ack(res: SotwResponse, names: string[] = []): void {
    this.send({ type_url: res.type_url, version_info: res.version_info, response_nonce: res.nonce, resource_names: names });
  }

  nack(res: SotwResponse, message: string, names: string[] = [], lastGoodVersion = ''): void {
    this.send({ type_url: res.type_url, version_info: lastGoodVersion, response_nonce: res.nonce, resource_names: names, error_detail: { code: 3, message } });
  }
}

export class DeltaStream extends RawStream<DeltaRequest, DeltaResponse> {
  ack(res: DeltaResponse): void {
    this.send({ type_url: res.type_url, response_nonce: res.nonce });
  }

  nack(res: DeltaResponse, message: string): void {
    this.send({ type_url: res.type_url, response_nonce: res.nonce, error_detail: { code: 3, message } });
  }
}

export interface LrsResponse {
  clusters: string[];
  send_all_clusters: boolean;
  report_endpoint_granularity: boolean;
  load_reporting_interval?: { seconds?: number; nanos?: number };
}

/**
 * A client connection. Many streams can share one (HTTP/2 multiplexing), which is how a load
 * benchmark runs a thousand clients from one process without a thousand sockets.
 */
export class RawXdsClient {
  private readonly client: grpc.Client;

  constructor(address: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    this.client = new grpc.Client(address, credentials, { 'grpc.max_receive_message_length': 64 * 1024 * 1024, ...options });
  }

  /** A SotW stream; the first request carries `node` unless the test sends its own. */
  sotw(service: ServiceKind = 'ads'): SotwStream {
    const encode = encoder('envoy.service.discovery.v3.DiscoveryRequest');
    return new SotwStream(this.client.makeBidiStreamRequest(PATHS[service].sotw, encode, decodeSotw));
  }

  delta(service: ServiceKind = 'ads'): DeltaStream {
    const encode = encoder('envoy.service.discovery.v3.DeltaDiscoveryRequest');
    return new DeltaStream(this.client.makeBidiStreamRequest(PATHS[service].delta, encode, decodeDelta));
  }

  /** An LRS stream; requests are LoadStatsRequest objects in fromObject form, or raw bytes. */
  lrs(): RawStream<object | Buffer, LrsResponse> {
    const encode = encoder('envoy.service.load_stats.v3.LoadStatsRequest');
    const type = lookupType('envoy.service.load_stats.v3.LoadStatsResponse');
    const decode = (b: Buffer): LrsResponse => type.toObject(type.decode(b), { longs: Number, defaults: true, arrays: true }) as LrsResponse;
    return new RawStream(this.client.makeBidiStreamRequest(LRS_PATH, (m: object | Buffer) => (Buffer.isBuffer(m) ? m : encode(m)), decode));
  }

  close(): void {
    this.client.close();
  }
}
