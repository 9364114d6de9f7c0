/**
 * Go/Kubernetes-style duration strings ("250ms", "1s", "1m30s", "1.5h") as used in Prescient's
 * config documents, converted to `google.protobuf.Duration` in fromObject form. The config
 * schema should reject anything `DURATION_PATTERN` does not match; translation then never throws.
 */
import type { Duration } from '../envoy/generated/google/protobuf/Duration.ts';

/** Exact grammar accepted: one or more `<decimal><unit>` terms, units ns, us, µs, ms, s, m, h. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

const TERM = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/g;

const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const NANOS_PER_SECOND = 1_000_000_000n;

export class DurationSyntaxError extends Error {
  readonly code = 'TRANSLATE_BAD_DURATION';
  constructor(readonly text: string) {
    super(`invalid duration "${text}": use terms like 250ms, 1s, 1m30s (units ns, us, ms, s, m, h)`);
  }
}

/** Whole nanoseconds of a duration string; fractions below one nanosecond are truncated. */
export function parseDurationNanos(text: string): bigint {
  if (!DURATION_PATTERN.test(text)) throw new DurationSyntaxError(text);
  let total = 0n;
  for (const [, whole, fraction = '', unit] of text.matchAll(TERM)) {
    const perUnit = NANOS_PER_UNIT[unit];
    const scale = 10n ** BigInt(fraction.length);
    total += BigInt(whole) * perUnit + (BigInt(fraction || '0') * perUnit) / scale;
  }
  return total;
}

/** A duration string as `google.protobuf.Duration`. */
export function toDuration(text: string): Duration {
  const nanos = parseDurationNanos(text);
  return { seconds: Number(nanos / NANOS_PER_SECOND), nanos: Number(nanos % NANOS_PER_SECOND) };
}
