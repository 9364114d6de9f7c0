/**
 * envoy.type.matcher.v3.StructMatcher evaluated against node metadata (a google.protobuf.Struct,
 * held as plain JSON). As in Envoy: `path` walks nested structs by key; a path that does not
 * resolve matches only `present_match: false`; `null_match` matches an explicit null;
 * `double_match.range` is half-open [start, end); `list_match.one_of` matches a list holding a
 * matching element; `or_match` matches when any of its matchers does.
 */
import { CsdsRequestError } from './csds-error.ts';
import { compileStringMatcher, oneofCase, type StringMatcherMessage } from './string-matcher.ts';

/** ValueMatcher in protobufjs toObject form (unset fields absent), already checked against its proto rules. */
export interface ValueMatcherMessage {
  null_match?: object | null;
  double_match?: { exact?: number; range?: { start?: number; end?: number } | null } | null;
  string_match?: StringMatcherMessage | null;
  bool_match?: boolean;
  present_match?: boolean;
  list_match?: { one_of?: ValueMatcherMessage | null } | null;
  or_match?: { value_matchers?: ValueMatcherMessage[] } | null;
}

const VALUE_PATTERNS = ['null_match', 'double_match', 'string_match', 'bool_match', 'present_match', 'list_match', 'or_match'] as const;

export interface StructMatcherMessage {
  path?: { key?: string }[];
  value?: ValueMatcherMessage | null;
}

/** `undefined` is a path that does not resolve. */
type ValuePredicate = (value: unknown) => boolean;
export type MetadataPredicate = (metadata: Record<string, unknown>) => boolean;

export function compileStructMatcher(m: StructMatcherMessage, at: string): MetadataPredicate {
  const keys = (m.path ?? []).map((segment) => segment.key ?? '');
  const value = compileValueMatcher(m.value ?? {}, `${at}.value`);
  return (metadata) => value(lookup(metadata, keys));
}

function lookup(metadata: Record<string, unknown>, keys: readonly string[]): unknown {
  let at: unknown = metadata;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function compileValueMatcher(m: ValueMatcherMessage, at: string): ValuePredicate {
  switch (oneofCase(m, VALUE_PATTERNS)) {
    case 'null_match':
      return (v) => v === null;
    case 'double_match': {
      const d = m.double_match ?? {};
      if (d.range != null) {
        const start = d.range?.start ?? 0;
        const end = d.range?.end ?? 0;
        return (v) => typeof v === 'number' && v >= start && v < end;
      }
      const exact = d.exact ?? 0;
      return (v) => v === exact;
    }
    case 'string_match': {
      const matches = compileStringMatcher(m.string_match ?? {}, `${at}.string_match`);
      return (v) => typeof v === 'string' && matches(v);
    }
    case 'bool_match':
      return (v) => v === (m.bool_match ?? false);
    case 'present_match':
      return (v) => (v !== undefined) === (m.present_match ?? false);
    case 'list_match': {
      const element = compileValueMatcher(m.list_match?.one_of ?? {}, `${at}.list_match.one_of`);
      return (v) => Array.isArray(v) && v.some(element);
    }
    case 'or_match': {
      const any = (m.or_match?.value_matchers ?? []).map((vm, i) => compileValueMatcher(vm, `${at}.or_match.value_matchers[${i}]`));
      return (v) => any.some((p) => p(v));
    }
    default:
      throw new CsdsRequestError('CSDS_INVALID_MATCHER', `${at}: one of ${VALUE_PATTERNS.join(', ')} is required`);
  }
}
