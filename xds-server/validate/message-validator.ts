/**
 * Walks a message in protobufjs fromObject form along its Type and checks Envoy's
 * protoc-gen-validate rules. Each Type is compiled once into per-field checkers (cached per
 * mode), so validating a rendered set costs one pass over its objects and no reflection.
 *
 * Two modes: `rules` checks everything; `structure` only checks what encoding needs (known
 * fields, value shapes, oneofs, Any types). `structure` is used below messages PGV would not
 * validate: `(validate.disabled)` / `ignored` messages and fields with `message.skip`.
 */
import { Buffer } from 'node:buffer';
import protobuf from 'protobufjs';
import { checkConstraints, type Constraint, unsupported, UNSUPPORTED_RULES } from './constraint.ts';
import { DURATION_RANGE, durationConstraints, durationNanos, formatNanos } from './duration-rules.ts';
import { boolConstraints, enumConstraints, enumNumber } from './enum-rules.ts';
import { orderedConstraints } from './ordered-rules.ts';
import { child, index, mapKey, type PathNode } from './path.ts';
import { fieldRules, type FieldRules, list, oneofRequired, type RuleSet, rulesDisabled } from './rules.ts';
import { NUMERIC_TYPES, numericConverter, scalarDefault, scalarTypeError } from './scalar-types.ts';
import { type IssueSink, show } from './sink.ts';
import { bytesConstraints, isEmptyScalar, stringConstraints } from './string-rules.ts';

export type Mode = 'rules' | 'structure';

/** Checks one present (non-null) value. */
type Check = (value: unknown, at: PathNode, sink: IssueSink) => void;

interface CompiledField {
  readonly check: Check;
  /** Rules that apply when the field is unset (required, min_items, proto3 scalar defaults). */
  readonly checkUnset?: (at: PathNode, sink: IssueSink) => void;
}

interface CompiledOneof {
  readonly name: string;
  readonly required: boolean;
  readonly fields: readonly string[];
}

interface CompiledType {
  readonly fields: ReadonlyMap<string, CompiledField>;
  readonly unset: ReadonlyArray<readonly [string, NonNullable<CompiledField['checkUnset']>]>;
  readonly oneofs: readonly CompiledOneof[];
}

const ANY = '.google.protobuf.Any';
const DURATION = '.google.protobuf.Duration';
const TIMESTAMP = '.google.protobuf.Timestamp';
/** Wrapper types carry their scalar's rule family on the wrapper field. */
const WRAPPERS: Readonly<Record<string, string>> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

const compiled: Record<Mode, Map<protobuf.Type, CompiledType>> = { rules: new Map(), structure: new Map() };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

// ------------------------------------------------------------------ scalars

interface ScalarRules {
  readonly constraints: readonly Constraint<unknown>[];
  readonly ignoreEmpty: boolean;
}

/** Constraints of a scalar's rule family, applied to its comparable form. */
function scalarRules(type: string, rules: FieldRules | undefined, prefix: string): ScalarRules {
  const r: RuleSet | undefined = rules?.[type];
  if (!r) return { constraints: [], ignoreEmpty: false };
  let cs: Constraint<unknown>[];
  if (type === 'string') cs = stringConstraints(r) as Constraint<unknown>[];
  else if (type === 'bytes') cs = bytesConstraints(r);
  else if (type === 'bool') cs = boolConstraints(r);
  else {
    const convert = numericConverter(type);
    cs = (orderedConstraints(type, r, convert) as Constraint<unknown>[]).map((c) => ({ ...c, ok: (v: unknown) => c.ok(convert(v)) }));
  }
  return { constraints: cs.map((c) => ({ ...c, rule: prefix + c.rule })), ignoreEmpty: r.ignore_empty === true };
}

function applyScalar(sr: ScalarRules, v: unknown, at: PathNode, sink: IssueSink): void {
  if (sr.constraints.length && !(sr.ignoreEmpty && isEmptyScalar(v))) checkConstraints(sr.constraints, v, at, sink);
}

function scalarCheck(type: string, rules: FieldRules | undefined, prefix: string): { check: Check; sr: ScalarRules } {
  const sr = scalarRules(type, rules, prefix);
  const check: Check = (v, at, sink) => {
    const err = scalarTypeError(type, v);
    if (err) sink.add('PROTO_WRONG_TYPE', at, `type.${type}`, `${err}, got ${show(v)}`);
    else applyScalar(sr, v, at, sink);
  };
  return { check, sr };
}

// ------------------------------------------------------------------ enums

function enumCheck(e: protobuf.Enum, rules: FieldRules | undefined, prefix: string): { check: Check; cs: Constraint<number>[] } {
  const cs = rules?.enum ? enumConstraints(e, rules.enum).map((c) => ({ ...c, rule: prefix + c.rule })) : [];
  const check: Check = (v, at, sink) => {
    const n = enumNumber(e, v);
    if (n === undefined) sink.add('PROTO_WRONG_TYPE', at, 'type.enum', `expected a value of ${e.name}, got ${show(v)}`);
    else if (cs.length) checkConstraints(cs, n, at, sink, (x) => e.valuesById[x] ?? String(x));
  };
  return { check, cs };
}

// ------------------------------------------------------------------ messages

const packedTypes = new Map<string, protobuf.Type | null>();

function packedType(root: protobuf.Root, typeUrl: string): protobuf.Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  let t = packedTypes.get(name);
  if (t === undefined) {
    const found = name ? root.lookup(name) : null;
    t = found instanceof protobuf.Type ? found : null;
    packedTypes.set(name, t);
  }
  return t ?? undefined;
}

/**
 * An Any is checked against its own rules, then the message packed in it is validated as if it
 * were inline: `{'@type', ...fields}` directly, `{type_url, value}` after decoding the bytes.
 */
function anyCheck(root: protobuf.Root, anyType: protobuf.Type, r: RuleSet | undefined, prefix: string, mode: Mode): Check {
  if (r) unsupported('any', r, ['required', 'in', 'not_in']);
  const allowed = r?.in !== undefined ? list(r.in) : undefined;
  const denied = r?.not_in !== undefined ? list(r.not_in) : [];
  return (v, at, sink) => {
    const packedForm = isObject(v) && '@type' in v;
    const url = isObject(v) ? (packedForm ? v['@type'] : v.type_url) : undefined;
    if (!isObject(v) || typeof url !== 'string') {
      sink.add('PROTO_WRONG_TYPE', at, 'type.any', `expected {"@type": url, ...fields} or {type_url, value}, got ${show(v)}`);
      return;
    }
    if (allowed && !allowed.includes(url)) sink.add('PROTO_RULE', at, `${prefix}any.in`, `type URL must be one of ${allowed.join(', ')}, got ${url}`);
    if (denied.includes(url)) sink.add('PROTO_RULE', at, `${prefix}any.not_in`, `type URL must not be ${url}`);
    const packed = packedType(root, url);
    if (!packedForm) {
      walkMessage(anyType, v, at, sink, 'structure');
      if (!packed || v.value === undefined) return;
      const bytes = typeof v.value === 'string' ? Buffer.from(v.value, 'base64') : v.value;
      if (!(bytes instanceof Uint8Array)) return;
      let decoded: Record<string, unknown>;
      try {
        decoded = packed.toObject(packed.decode(bytes), { longs: String, enums: String });
      } catch (e) {
        sink.add('PROTO_WRONG_TYPE', child(at, 'value'), 'type.any', `bytes do not decode as ${packed.fullName.slice(1)}: ${(e as Error).message}`);
        return;
      }
      walkMessage(packed, decoded, at, sink, mode);
    } else if (!packed) {
      sink.add('PROTO_UNKNOWN_TYPE', child(at, '@type'), 'type.any', `no message type is loaded for ${url}; add its .proto to ENVOY_PROTO_FILES`);
    } else {
      walkMessage(packed, v, at, sink, mode, true);
    }
  };
}

function messageCheck(type: protobuf.Type, rules: FieldRules | undefined, prefix: string, mode: Mode): { check: Check; required: string | undefined } {
  const name = type.fullName;
  const msg = rules?.message;
  if (msg) unsupported('message', msg, ['required', 'skip']);
  const inner: Mode = msg?.skip === true ? 'structure' : mode;
  let required: string | undefined = msg?.required === true ? `${prefix}message.required` : undefined;
  if (name === ANY) {
    if (rules?.any?.required === true) required = `${prefix}any.required`;
    return { check: anyCheck(type.root as protobuf.Root, type, rules?.any, prefix, inner), required };
  }
  // Envoy's ExtensionConfigSource puts `any.required` on a plain message field; honour it as required.
  if (rules?.any?.required === true) required = `${prefix}any.required`;
  const extra: Check[] = [];
  if (name === DURATION) {
    if (rules?.duration?.required === true) required = `${prefix}duration.required`;
    const cs = rules?.duration ? durationConstraints(rules.duration).map((c) => ({ ...c, rule: prefix + c.rule })) : [];
    extra.push((v, at, sink) => {
      if (!DURATION_RANGE.ok(v)) checkConstraints([DURATION_RANGE], v, at, sink);
      else if (cs.length) checkConstraints(cs, durationNanos(v), at, sink, formatNanos);
    });
  } else if (name === TIMESTAMP && rules?.timestamp) {
    unsupported('timestamp', rules.timestamp, ['required']);
    if (rules.timestamp.required === true) required = `${prefix}timestamp.required`;
  } else if (WRAPPERS[name] && rules?.[WRAPPERS[name]]) {
    const scalar = WRAPPERS[name];
    const sr = scalarRules(scalar, rules, prefix);
    extra.push((v, at, sink) => {
      const inside = (v as Record<string, unknown>).value ?? scalarDefault(scalar);
      if (scalarTypeError(scalar, inside) === undefined) applyScalar(sr, inside, at, sink);
    });
  }
  for (const family of Object.keys(rules ?? {})) {
    if (!['message', 'any', 'duration', 'timestamp', 'repeated', 'map', WRAPPERS[name]].includes(family)) UNSUPPORTED_RULES.add(`${name}:${family}`);
  }
  const check: Check = (v, at, sink) => {
    if (!isObject(v)) {
      sink.add('PROTO_WRONG_TYPE', at, 'type.message', `expected a ${name.slice(1)} object, got ${show(v)}`);
      return;
    }
    walkMessage(type, v, at, sink, inner);
    for (const x of extra) x(v, at, sink);
  };
  return { check, required };
}

// ------------------------------------------------------------------ fields

/** The checker of one element (a singular value, a repeated item or a map value). */
function elementCheck(field: protobuf.FieldBase, rules: FieldRules | undefined, prefix: string, mode: Mode): { check: Check; checkUnset?: CompiledField['checkUnset'] } {
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) {
    const { check, required } = messageCheck(t, rules, prefix, mode);
    const checkUnset: CompiledField['checkUnset'] = required
      ? (at, sink) => sink.add('PROTO_RULE', at, required, 'is required')
      : undefined;
    return { check, checkUnset };
  }
  if (t instanceof protobuf.Enum) {
    const { check, cs } = enumCheck(t, rules, prefix);
    const checkUnset: CompiledField['checkUnset'] = cs.length ? (at, sink) => checkConstraints(cs, 0, at, sink) : undefined;
    return { check, checkUnset };
  }
  const { check, sr } = scalarCheck(field.type, rules, prefix);
  const checkUnset: CompiledField['checkUnset'] =
    sr.constraints.length && !sr.ignoreEmpty ? (at, sink) => applyScalar(sr, scalarDefault(field.type), at, sink) : undefined;
  return { check, checkUnset };
}

function repeatedField(field: protobuf.Field, rules: FieldRules | undefined, mode: Mode): CompiledField {
  const r = rules?.repeated ?? {};
  unsupported('repeated', r, ['min_items', 'max_items', 'unique', 'items', 'ignore_empty']);
  const element = elementCheck(field, r.items as FieldRules | undefined, 'repeated.items.', mode).check;
  const min = r.min_items !== undefined ? Number(r.min_items) : undefined;
  const max = r.max_items !== undefined ? Number(r.max_items) : undefined;
  const check: Check = (v, at, sink) => {
    if (!Array.isArray(v)) {
      sink.add('PROTO_WRONG_TYPE', at, 'type.repeated', `expected an array, got ${show(v)}`);
      return;
    }
    if (r.ignore_empty === true && v.length === 0) return;
    if (min !== undefined && v.length < min) sink.add('PROTO_RULE', at, 'repeated.min_items', `must have at least ${min} items, got ${v.length}`);
    if (max !== undefined && v.length > max) sink.add('PROTO_RULE', at, 'repeated.max_items', `must have at most ${max} items, got ${v.length}`);
    if (r.unique === true) {
      const seen = new Set<string>();
      v.forEach((x, i) => {
        const key = JSON.stringify(x);
        if (seen.has(key)) sink.add('PROTO_RULE', index(at, i), 'repeated.unique', `repeats an earlier item: ${show(x)}`);
        seen.add(key);
      });
    }
    v.forEach((x, i) => {
      if (x == null) sink.add('PROTO_WRONG_TYPE', index(at, i), 'type.repeated', 'items must not be null');
      else element(x, index(at, i), sink);
    });
  };
  const checkUnset: CompiledField['checkUnset'] =
    min && r.ignore_empty !== true ? (at, sink) => sink.add('PROTO_RULE', at, 'repeated.min_items', `must have at least ${min} items, got 0`) : undefined;
  return { check, checkUnset };
}

function mapField(field: protobuf.MapField, rules: FieldRules | undefined, mode: Mode): CompiledField {
  const r = rules?.map ?? {};
  unsupported('map', r, ['min_pairs', 'max_pairs', 'no_sparse', 'keys', 'values', 'ignore_empty']);
  const value = elementCheck(field, r.values as FieldRules | undefined, 'map.values.', mode).check;
  const keyRules = scalarRules(field.keyType, r.keys as FieldRules | undefined, 'map.keys.');
  // Map keys are object keys (strings) in fromObject form; rules compare them as their proto type.
  const keyConvert: (k: string) => unknown =
    field.keyType === 'bool' ? (k) => k === 'true' : NUMERIC_TYPES.has(field.keyType) ? numericConverter(field.keyType) : (k) => k;
  const min = r.min_pairs !== undefined ? Number(r.min_pairs) : undefined;
  const max = r.max_pairs !== undefined ? Number(r.max_pairs) : undefined;
  const check: Check = (v, at, sink) => {
    if (!isObject(v)) {
      sink.add('PROTO_WRONG_TYPE', at, 'type.map', `expected an object of entries, got ${show(v)}`);
      return;
    }
    const keys = Object.keys(v);
    if (r.ignore_empty === true && keys.length === 0) return;
    if (min !== undefined && keys.length < min) sink.add('PROTO_RULE', at, 'map.min_pairs', `must have at least ${min} entries, got ${keys.length}`);
    if (max !== undefined && keys.length > max) sink.add('PROTO_RULE', at, 'map.max_pairs', `must have at most ${max} entries, got ${keys.length}`);
    for (const k of keys) {
      const entryAt = mapKey(at, k);
      applyScalar(keyRules, keyConvert(k), entryAt, sink);
      if (v[k] == null) sink.add('PROTO_WRONG_TYPE', entryAt, 'type.map', 'entry values must not be null');
      else value(v[k], entryAt, sink);
    }
  };
  const checkUnset: CompiledField['checkUnset'] =
    min && r.ignore_empty !== true ? (at, sink) => sink.add('PROTO_RULE', at, 'map.min_pairs', `must have at least ${min} entries, got 0`) : undefined;
  return { check, checkUnset };
}

function compileField(field: protobuf.Field, mode: Mode): CompiledField {
  const rules = mode === 'rules' ? fieldRules(field) : undefined;
  if (field.map) return mapField(field as unknown as protobuf.MapField, rules, mode);
  if (field.repeated) return repeatedField(field, rules, mode);
  const element = elementCheck(field, rules, '', mode);
  // Members of a oneof (and proto3 `optional` fields) have presence: unset means "not chosen".
  return field.partOf ? { check: element.check } : element;
}

/** proto3 `optional` fields live in a synthetic oneof of one member; it is not a real choice. */
function isSynthetic(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && (oneof.fieldsArray[0].options as Record<string, unknown> | undefined)?.proto3_optional === true;
}

function compileType(type: protobuf.Type, requested: Mode): CompiledType {
  const mode: Mode = rulesDisabled(type) ? 'structure' : requested;
  const fields = new Map<string, CompiledField>();
  const unset: Array<readonly [string, NonNullable<CompiledField['checkUnset']>]> = [];
  for (const f of type.fieldsArray) {
    f.resolve();
    const c = compileField(f, mode);
    fields.set(f.name, c);
    if (c.checkUnset) unset.push([f.name, c.checkUnset]);
  }
  const oneofs = type.oneofsArray
    .filter((o) => !isSynthetic(o))
    .map((o) => ({ name: o.name, required: mode === 'rules' && oneofRequired(o), fields: o.oneof }));
  return { fields, unset, oneofs };
}

function compiledType(type: protobuf.Type, mode: Mode): CompiledType {
  let c = compiled[mode].get(type);
  if (!c) {
    // Nested message types are compiled lazily, when a value of them is first walked, so
    // recursive types (Struct, Matcher) terminate.
    c = compileType(type, mode);
    compiled[mode].set(type, c);
  }
  return c;
}

// ------------------------------------------------------------------ walking

/**
 * Validates `value` as a `type` message, reporting into `sink`. `packed` marks the fields of a
 * message inlined in an Any (the `@type` key is not a field).
 */
export function walkMessage(type: protobuf.Type, value: Record<string, unknown>, at: PathNode | undefined, sink: IssueSink, mode: Mode = 'rules', packed = false): void {
  const c = compiledType(type, mode);
  for (const key in value) {
    const v = value[key];
    const f = c.fields.get(key);
    if (!f) {
      if (!(packed && key === '@type')) sink.add('PROTO_UNKNOWN_FIELD', child(at, key), 'field.known', `${type.fullName.slice(1)} has no field "${key}" (fields are snake_case)`);
    } else if (v != null) {
      f.check(v, child(at, key), sink);
    }
  }
  for (const [name, checkUnset] of c.unset) if (value[name] == null) checkUnset(child(at, name), sink);
  for (const o of c.oneofs) {
    const set = o.fields.filter((n) => value[n] != null);
    if (set.length > 1) sink.add('PROTO_ONEOF_CONFLICT', child(at, o.name), 'oneof.single', `only one of ${o.name} (${set.join(', ')}) may be set`);
    else if (set.length === 0 && o.required) sink.add('PROTO_RULE', child(at, o.name), 'oneof.required', `one of ${o.fields.join(', ')} is required`);
  }
}
