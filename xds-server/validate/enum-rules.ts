/** The `enum` and `bool` rule families. Enum values arrive as names or numbers (fromObject form). */
import type protobuf from 'protobufjs';
import { type Constraint, unsupported } from './constraint.ts';
import { orderedConstraints } from './ordered-rules.ts';
import type { RuleSet } from './rules.ts';

/** The number of an enum value, or undefined for a name the enum does not have. */
export function enumNumber(e: protobuf.Enum, v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string') return Object.hasOwn(e.values, v) ? e.values[v] : undefined;
  return undefined;
}

export function enumConstraints(e: protobuf.Enum, r: RuleSet): Constraint<number>[] {
  const { defined_only: definedOnly, ...ordered } = r;
  const out = orderedConstraints('enum', ordered, (raw) => enumNumber(e, raw) ?? Number(raw), (n) => e.valuesById[n] ?? String(n));
  if (definedOnly === true) {
    out.push({ rule: 'enum.defined_only', ok: (n) => e.valuesById[n] !== undefined, message: `must be a value defined by ${e.name}` });
  }
  return out;
}

export function boolConstraints(r: RuleSet): Constraint<unknown>[] {
  unsupported('bool', r, ['const']);
  return r.const === undefined ? [] : [{ rule: 'bool.const', ok: (v) => v === r.const, message: `must be ${String(r.const)}` }];
}
