/**
 * Decoded forms of the requests Prescient reads, with proto (snake_case) field names. Requests
 * are decoded with protobufjs from Envoy's own protos; responses are never built from these
 * shapes (see discovery-wire.ts).
 */
import protobuf from 'protobufjs';
import { lookupType } from '../envoy/protos.ts';

export interface NodeMessage {
  id: string;
  cluster: string;
  metadata: Record<string, unknown>;
  user_agent_name: string;
}

export interface StatusMessage {
  code: number;
  message: string;
}

export interface DiscoveryRequestMessage {
  version_info: string;
  node?: NodeMessage;
  /** Decoded when first read: most requests are ACKs repeating the names of the previous one. */
  readonly resource_names: string[];
  /**
   * The request's `resource_names` fields exactly as they were on the wire. Equal bytes mean an
   * equal list, so a repeated subscription is recognised without decoding it.
   */
  readonly resource_names_wire: Uint8Array;
  type_url: string;
  response_nonce: string;
  error_detail?: StatusMessage;
}

export interface DeltaDiscoveryRequestMessage {
  node?: NodeMessage;
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail?: StatusMessage;
}

const TO_OBJECT = { defaults: true, longs: Number, enums: String, arrays: true, objects: true } as const;

type Raw = Record<string, unknown>;

const LENGTH_DELIMITED = 2;

function decodeRaw(typeName: string, bytes: Uint8Array): Raw {
  const type = lookupType(typeName);
  return type.toObject(type.decode(bytes), TO_OBJECT) as Raw;
}

/**
 * Reads a DiscoveryRequest field by field (protobufjs decodes the node and the error status);
 * the repeated `resource_names` are only located, and decoded on demand.
 */
export function decodeDiscoveryRequest(bytes: Uint8Array): DiscoveryRequestMessage {
  const reader = protobuf.Reader.create(bytes);
  const runs: Uint8Array[] = [];
  let namesStart = -1;
  let namesEnd = -1;
  const out = { version_info: '', node: undefined as NodeMessage | undefined, type_url: '', response_nonce: '', error_detail: undefined as StatusMessage | undefined };
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field >= 1 && field <= 6 && (tag & 7) !== LENGTH_DELIMITED) throw new Error(`XDS_MALFORMED_REQUEST: DiscoveryRequest field ${field} has wire type ${tag & 7}, expected length-delimited`);
    switch (field) {
      case 1: out.version_info = reader.string(); break;
      case 2: out.node = toNode(decodeRaw('envoy.config.core.v3.Node', reader.bytes())); break;
      case 3:
        reader.skip(reader.uint32());
        // Consecutive entries (the layout encoders produce) stay one slice of the request.
        if (start !== namesEnd) {
          if (namesEnd !== -1) runs.push(bytes.subarray(namesStart, namesEnd));
          namesStart = start;
        }
        namesEnd = reader.pos;
        break;
      case 4: out.type_url = reader.string(); break;
      case 5: out.response_nonce = reader.string(); break;
      case 6: out.error_detail = toStatus(decodeRaw('google.rpc.Status', reader.bytes())); break;
      default: reader.skipType(tag & 7);
    }
  }
  if (namesEnd !== -1) runs.push(bytes.subarray(namesStart, namesEnd));
  const wire = runs.length === 1 ? runs[0] : Buffer.concat(runs);
  let decoded: string[] | undefined;
  return {
    ...out,
    resource_names_wire: wire,
    get resource_names(): string[] {
      return (decoded ??= decodeNames(wire));
    },
  };
}

/** The strings of a run of `resource_names` fields (tag, length, UTF-8 bytes each). */
function decodeNames(wire: Uint8Array): string[] {
  const reader = protobuf.Reader.create(wire);
  const out: string[] = [];
  while (reader.pos < reader.len) {
    reader.uint32();
    out.push(reader.string());
  }
  return out;
}

export function decodeDeltaDiscoveryRequest(bytes: Uint8Array): DeltaDiscoveryRequestMessage {
  const raw = decodeRaw('envoy.service.discovery.v3.DeltaDiscoveryRequest', bytes);
  return {
    node: toNode(raw.node),
    type_url: raw.type_url as string,
    resource_names_subscribe: raw.resource_names_subscribe as string[],
    resource_names_unsubscribe: raw.resource_names_unsubscribe as string[],
    initial_resource_versions: raw.initial_resource_versions as Record<string, string>,
    response_nonce: raw.response_nonce as string,
    error_detail: toStatus(raw.error_detail),
  };
}

function toNode(raw: unknown): NodeMessage | undefined {
  if (!raw) return undefined;
  const n = raw as Raw;
  return {
    id: (n.id as string) ?? '',
    cluster: (n.cluster as string) ?? '',
    metadata: n.metadata ? structToJson(n.metadata as Raw) : {},
    user_agent_name: (n.user_agent_name as string) ?? '',
  };
}

/** A status with code 0 and no message is how an absent error_detail can decode; only real errors count. */
function toStatus(raw: unknown): StatusMessage | undefined {
  if (!raw) return undefined;
  const s = raw as Raw;
  return { code: Number(s.code ?? 0), message: (s.message as string) ?? '' };
}

/** google.protobuf.Struct (decoded object form) → plain JSON. */
export function structToJson(struct: Raw): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((struct.fields as Record<string, Raw>) ?? {})) out[k] = valueToJson(v);
  return out;
}

/**
 * protobufjs serves google/protobuf/struct.proto from its built-in (camelCase) definitions, so
 * Value fields are `stringValue` etc. even under keepCase; snake_case is accepted too.
 */
function valueToJson(v: Raw | null | undefined): unknown {
  if (!v) return null;
  const pick = (camel: string, snake: string): unknown => v[camel] ?? v[snake];
  const str = pick('stringValue', 'string_value');
  if (str != null) return str;
  const num = pick('numberValue', 'number_value');
  if (num != null) return num;
  const bool = pick('boolValue', 'bool_value');
  if (bool != null) return bool;
  const struct = pick('structValue', 'struct_value');
  if (struct != null) return structToJson(struct as Raw);
  const list = pick('listValue', 'list_value');
  if (list != null) return (((list as Raw).values as Raw[]) ?? []).map(valueToJson);
  return null;
}
