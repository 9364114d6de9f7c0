/**
 * A compiled rule: a predicate plus the rule name and message reported when it fails. Rule
 * families compile their `RuleSet` into constraints once per field; checking is a loop.
 */
import type { PathNode } from './path.ts';
import { type IssueSink, show } from './sink.ts';

export interface Constraint<T> {
  readonly rule: string;
  readonly ok: (value: T) => boolean;
  /** Completed with the offending value. */
  readonly message: string;
}

export function checkConstraints<T>(
  constraints: readonly Constraint<T>[],
  value: T,
  at: PathNode | undefined,
  sink: IssueSink,
  display: (v: T) => string = show,
): void {
  for (const c of constraints) {
    if (!c.ok(value)) sink.add('PROTO_RULE', at, c.rule, `${c.message}, got ${display(value)}`);
  }
}

/** Rules some family may declare that this validator does not implement (reported by tests). */
export const UNSUPPORTED_RULES = new Set<string>();

export function unsupported(family: string, rules: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  for (const k of Object.keys(rules)) if (!known.includes(k)) UNSUPPORTED_RULES.add(`${family}.${k}`);
}
