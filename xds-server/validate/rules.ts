/**
 * Reads protoc-gen-validate annotations from protobufjs reflection: `(validate.rules)` on fields,
 * `(validate.required)` on oneofs and `(validate.disabled)` / `(validate.ignored)` on messages.
 * protobufjs keeps each option statement as its own `parsedOptions` entry, so entries are merged.
 */
import type protobuf from 'protobufjs';

/** Rules of one family, e.g. `{ min_len: 1, well_known_regex: 'HTTP_HEADER_NAME' }`. */
export type RuleSet = Readonly<Record<string, unknown>>;

/** `(validate.rules)` of a field: family name (`string`, `uint32`, `repeated`, ...) → rules. */
export type FieldRules = Readonly<Record<string, RuleSet>>;

type Options = ReadonlyArray<Record<string, unknown>> | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    if (isPlainObject(existing) && isPlainObject(v)) deepMerge(existing, v);
    else into[k] = isPlainObject(v) ? structuredClone(v) : v;
  }
}

function option(options: Options, name: string): unknown[] {
  return (options ?? []).filter((o) => name in o).map((o) => o[name]);
}

export function fieldRules(field: protobuf.Field): FieldRules | undefined {
  const entries = option(field.parsedOptions as Options, '(validate.rules)').filter(isPlainObject);
  if (entries.length === 0) return undefined;
  const merged: Record<string, unknown> = {};
  for (const e of entries) deepMerge(merged, e);
  return merged as FieldRules;
}

export function oneofRequired(oneof: protobuf.OneOf): boolean {
  return option(oneof.parsedOptions as Options, '(validate.required)').includes(true);
}

/** Messages whose rules (and those of everything inside them) PGV does not check. */
export function rulesDisabled(type: protobuf.Type): boolean {
  const opts = type.parsedOptions as Options;
  return option(opts, '(validate.disabled)').includes(true) || option(opts, '(validate.ignored)').includes(true);
}

/** `in` / `not_in` lists: protobufjs gives a lone element as a scalar. */
export function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
