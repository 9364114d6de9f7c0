/**
 * The `duration` rule family, on `google.protobuf.Duration` in fromObject form
 * (`{ seconds, nanos }`), compared exactly as whole nanoseconds.
 */
import type { Constraint } from './constraint.ts';
import { orderedConstraints } from './ordered-rules.ts';
import type { RuleSet } from './rules.ts';
import { toBigInt } from './scalar-types.ts';

const NANOS = 1_000_000_000n;
/** ±10,000 years: the range google.protobuf.Duration allows. */
const MAX_SECONDS = 315_576_000_000n;

export function durationNanos(v: unknown): bigint {
  const d = (v ?? {}) as { seconds?: unknown; nanos?: unknown };
  return (toBigInt(d.seconds ?? 0) ?? 0n) * NANOS + (toBigInt(d.nanos ?? 0) ?? 0n);
}

export function formatNanos(n: bigint): string {
  const sign = n < 0n ? '-' : '';
  const abs = n < 0n ? -n : n;
  const frac = (abs % NANOS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / NANOS}${frac ? `.${frac}` : ''}s`;
}

/** A Duration Envoy can represent: seconds in range, nanos below one second, same signs. */
function wellFormed(v: unknown): boolean {
  const d = (v ?? {}) as { seconds?: unknown; nanos?: unknown };
  const s = toBigInt(d.seconds ?? 0) ?? 0n;
  const n = toBigInt(d.nanos ?? 0) ?? 0n;
  return s >= -MAX_SECONDS && s <= MAX_SECONDS && n > -NANOS && n < NANOS && !(s > 0n && n < 0n) && !(s < 0n && n > 0n);
}

export const DURATION_RANGE: Constraint<unknown> = {
  rule: 'duration.range',
  ok: wellFormed,
  message: 'must be a valid google.protobuf.Duration (|seconds| ≤ 315576000000, |nanos| < 1e9, same sign)',
};

export function durationConstraints(r: RuleSet): Constraint<bigint>[] {
  const { required: _required, ...ordered } = r;
  return orderedConstraints('duration', ordered, durationNanos, formatNanos);
}
