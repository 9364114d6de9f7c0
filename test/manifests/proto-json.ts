/**
 * Proto3 JSON (what Envoy reads from a YAML bootstrap) → protobufjs `fromObject` form, strictly:
 * every field name must exist in the message, enums must name a value, at most one member of a
 * oneof may be set, and `Any` must name a known type. protobufjs' own fromObject silently drops
 * unknown fields, so this walk is what catches a misspelt key.
 */
import protobuf from 'protobufjs';

export interface Converted {
  value: unknown;
  problems: string[];
}

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map((n) => `.google.protobuf.${n}`));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function durationOf(text: unknown, at: string, problems: string[]): unknown {
  const m = typeof text === 'string' ? /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(text) : null;
  if (!m) {
    problems.push(`${at}: ${JSON.stringify(text)} is not a proto3 JSON duration such as "1s"`);
    return {};
  }
  return { seconds: Number(m[1]), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** google.protobuf.Value from any JSON value (proto3 JSON maps Struct to a plain object). */
function structValueOf(json: unknown): unknown {
  if (json === null) return { null_value: 'NULL_VALUE' };
  if (typeof json === 'number') return { number_value: json };
  if (typeof json === 'string') return { string_value: json };
  if (typeof json === 'boolean') return { bool_value: json };
  if (Array.isArray(json)) return { list_value: { values: json.map(structValueOf) } };
  return { struct_value: structOf(json as Record<string, unknown>) };
}

function structOf(json: Record<string, unknown>): unknown {
  return { fields: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, structValueOf(v)])) };
}

function convertValue(field: protobuf.Field, value: unknown, at: string, problems: string[]): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) {
    if (typeof value === 'string' && !(value in type.values)) problems.push(`${at}: ${value} is not a value of ${type.fullName}`);
    return value;
  }
  if (type instanceof protobuf.Type) return convertMessage(type, value, at, problems);
  return value;
}

export function convertMessage(type: protobuf.Type, json: unknown, at: string, problems: string[]): unknown {
  const name = type.fullName;
  if (name === '.google.protobuf.Duration') return durationOf(json, at, problems);
  if (WRAPPERS.has(name)) return { value: json };
  if (name === '.google.protobuf.Value') return structValueOf(json);
  if (!isObject(json)) {
    problems.push(`${at}: expected a mapping for ${name}`);
    return {};
  }
  if (name === '.google.protobuf.Struct') return structOf(json);
  if (name === '.google.protobuf.Any') {
    const typeUrl = json['@type'];
    const inner = typeof typeUrl === 'string' ? type.root.lookup(typeUrl.slice(typeUrl.lastIndexOf('/') + 1)) : null;
    if (!(inner instanceof protobuf.Type)) {
      problems.push(`${at}: Any with unknown @type ${JSON.stringify(typeUrl)}`);
      return {};
    }
    const { '@type': _t, ...rest } = json;
    return { '@type': typeUrl, ...(convertMessage(inner, rest, at, problems) as object) };
  }
  const out: Record<string, unknown> = {};
  const oneofsSet = new Map<string, string>();
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    const here = at ? `${at}.${key}` : key;
    if (!field) {
      problems.push(`${here}: no field "${key}" in ${name}`);
      continue;
    }
    field.resolve();
    const oneof = field.partOf?.name;
    if (oneof) {
      const other = oneofsSet.get(oneof);
      if (other) problems.push(`${here}: oneof ${oneof} already set by ${other}`);
      oneofsSet.set(oneof, key);
    }
    if (field.map) {
      out[key] = isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertValue(field, v, `${here}[${k}]`, problems)])) : value;
    } else if (field.repeated) {
      out[key] = Array.isArray(value) ? value.map((v, i) => convertValue(field, v, `${here}[${i}]`, problems)) : (problems.push(`${here}: expected a list`), []);
    } else out[key] = convertValue(field, value, here, problems);
  }
  return out;
}

export function fromProtoJson(type: protobuf.Type, json: unknown): Converted {
  const problems: string[] = [];
  const value = convertMessage(type, json, '', problems);
  return { value, problems };
}
