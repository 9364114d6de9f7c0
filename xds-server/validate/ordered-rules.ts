/**
 * const / lt / lte / gt / gte / in / not_in for every ordered type (all numeric families and
 * durations), with PGV's semantics: when the lower bound exceeds the upper one the range is
 * exclusive (the value must lie outside it).
 */
import { type Constraint, unsupported } from './constraint.ts';
import { list, type RuleSet } from './rules.ts';

export type Ordered = number | bigint;

const KNOWN = ['const', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'ignore_empty'];

interface Bound<T> {
  key: string;
  limit: T;
  ok: (v: T) => boolean;
  text: string;
}

/**
 * `convert` turns both rule values and checked values into one comparable representation
 * (bigint for 64-bit integers and durations, so large limits compare exactly).
 */
export function orderedConstraints<T extends Ordered>(
  family: string,
  rules: RuleSet,
  convert: (raw: unknown) => T,
  display: (v: T) => string = String,
): Constraint<T>[] {
  unsupported(family, rules, KNOWN);
  const out: Constraint<T>[] = [];
  const at = (key: string) => rules[key] !== undefined;
  if (at('const')) {
    const c = convert(rules.const);
    out.push({ rule: `${family}.const`, ok: (v) => v === c, message: `must equal ${display(c)}` });
  }
  let lower: Bound<T> | undefined;
  if (at('gt')) {
    const l = convert(rules.gt);
    lower = { key: 'gt', limit: l, ok: (v) => v > l, text: `greater than ${display(l)}` };
  } else if (at('gte')) {
    const l = convert(rules.gte);
    lower = { key: 'gte', limit: l, ok: (v) => v >= l, text: `at least ${display(l)}` };
  }
  let upper: Bound<T> | undefined;
  if (at('lt')) {
    const u = convert(rules.lt);
    upper = { key: 'lt', limit: u, ok: (v) => v < u, text: `less than ${display(u)}` };
  } else if (at('lte')) {
    const u = convert(rules.lte);
    upper = { key: 'lte', limit: u, ok: (v) => v <= u, text: `at most ${display(u)}` };
  }
  if (lower && upper && upper.limit < lower.limit) {
    const [lo, hi] = [lower, upper];
    out.push({ rule: `${family}.${lo.key}`, ok: (v) => lo.ok(v) || hi.ok(v), message: `must be ${lo.text} or ${hi.text}` });
  } else {
    for (const b of [lower, upper]) if (b) out.push({ rule: `${family}.${b.key}`, ok: b.ok, message: `must be ${b.text}` });
  }
  if (at('in')) {
    const allowed = list(rules.in).map(convert);
    out.push({ rule: `${family}.in`, ok: (v) => allowed.includes(v), message: `must be one of ${allowed.map(display).join(', ')}` });
  }
  if (at('not_in')) {
    const denied = list(rules.not_in).map(convert);
    out.push({ rule: `${family}.not_in`, ok: (v) => !denied.includes(v), message: `must not be one of ${denied.map(display).join(', ')}` });
  }
  return out;
}
