/**
 * ClientStatusResponse assembly, field by field like discovery-wire.ts: a resource's contents
 * (`xds_config`) are the cache's shared, already encoded Any bytes spliced in, never re-encoded.
 * Only each stream's Node goes through protobufjs.
 */
import protobuf from 'protobufjs';
import { envoyRoot, lookupType } from '../../envoy/protos.ts';
import type { NodeMessage } from '../discovery-messages.ts';
import type { ResourceConfigStatus } from './resource-status.ts';

/** One ClientConfig, as plain data. */
export interface ClientConfigData {
  node: NodeMessage;
  configs: readonly ResourceConfigStatus[];
}

const LEN = 2;
const VARINT = 0;
const tag = (field: number, wire = LEN): number => (field << 3) | wire;

// envoy.service.status.v3.ClientStatusResponse / ClientConfig / ClientConfig.GenericXdsConfig
const RESPONSE = { config: tag(1) };
const CLIENT_CONFIG = { node: tag(1), generic_xds_configs: tag(3) };
const GENERIC = { type_url: tag(1), name: tag(2), version_info: tag(3), xds_config: tag(4), config_status: tag(6, VARINT), client_status: tag(7, VARINT), error_state: tag(8) };
// envoy.admin.v3.UpdateFailureState and google.protobuf.Timestamp
const FAILURE = { last_update_attempt: tag(2), details: tag(3), version_info: tag(4) };
const TIMESTAMP = { seconds: tag(1, VARINT), nanos: tag(2, VARINT) };

let enums: { config: Record<string, number>; client: Record<string, number> } | undefined;
function enumValues(): NonNullable<typeof enums> {
  return (enums ??= {
    config: envoyRoot().lookupEnum('envoy.service.status.v3.ConfigStatus').values,
    client: envoyRoot().lookupEnum('envoy.admin.v3.ClientResourceStatus').values,
  });
}

/** `includeContents: false` leaves `xds_config` out (the request's exclude_resource_contents). */
export function encodeClientStatusResponse(clients: Iterable<ClientConfigData>, includeContents: boolean): Buffer {
  const w = protobuf.Writer.create();
  for (const client of clients) {
    w.uint32(RESPONSE.config).fork();
    w.uint32(CLIENT_CONFIG.node).bytes(encodeNode(client.node));
    for (const c of client.configs) {
      w.uint32(CLIENT_CONFIG.generic_xds_configs).fork();
      writeGenericXdsConfig(w, c, includeContents);
      w.ldelim();
    }
    w.ldelim();
  }
  const bytes = w.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function writeGenericXdsConfig(w: protobuf.Writer, c: ResourceConfigStatus, includeContents: boolean): void {
  const { config, client } = enumValues();
  w.uint32(GENERIC.type_url).string(c.typeUrl);
  if (c.name) w.uint32(GENERIC.name).string(c.name);
  if (c.versionInfo) w.uint32(GENERIC.version_info).string(c.versionInfo);
  if (includeContents && c.offeredAny) w.uint32(GENERIC.xds_config).bytes(c.offeredAny);
  w.uint32(GENERIC.config_status).int32(config[c.configStatus]);
  w.uint32(GENERIC.client_status).int32(client[c.clientStatus]);
  if (c.errorState) {
    w.uint32(GENERIC.error_state).fork();
    writeTimestamp(w.uint32(FAILURE.last_update_attempt).fork(), c.errorState.at).ldelim();
    w.uint32(FAILURE.details).string(c.errorState.details);
    w.uint32(FAILURE.version_info).string(c.errorState.versionInfo);
    w.ldelim();
  }
}

function writeTimestamp(w: protobuf.Writer, unixMs: number): protobuf.Writer {
  const seconds = Math.floor(unixMs / 1000);
  return w.uint32(TIMESTAMP.seconds).int64(seconds).uint32(TIMESTAMP.nanos).int32(Math.round((unixMs - seconds * 1000) * 1e6));
}

function encodeNode(node: NodeMessage): Uint8Array {
  const type = lookupType('envoy.config.core.v3.Node');
  const metadata = Object.keys(node.metadata).length > 0 ? toStruct(node.metadata) : undefined;
  return type.encode(type.fromObject({ id: node.id, cluster: node.cluster, user_agent_name: node.user_agent_name, metadata })).finish();
}

/** Plain JSON → google.protobuf.Struct in protobufjs fromObject form (its bundled, camelCase Value). */
function toStruct(json: Record<string, unknown>): object {
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, toValue(v)])) };
}

function toValue(v: unknown): object {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Record<string, unknown>) };
}
