/**
 * Durations as Prescient's documents write them, Go/Kubernetes style: one or more
 * `<decimal><unit>` terms with units ns, us (or µs), ms, s, m, h — "250ms", "1s", "1m30s", "1.5h".
 * This is the only duration parser; every folder uses it (api/ is shared, DESIGN §2).
 *
 * Contract: `DURATION_PATTERN.source` is exactly the `pattern` of `$defs/duration` in
 * xds-server/config/schemas/common.defs.json (test/api/duration.test.ts holds them together), so a
 * document that passed validation always parses; `DurationSyntaxError` means a caller skipped it.
 */
import { CodedError } from './coded-error.ts';

/** The whole grammar; the same text as the config schemas' duration pattern. */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

const TERM = /([0-9]+)(?:\.([0-9]+))?(ns|us|µs|ms|s|m|h)/g;

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

/** Stable code, documented in docs/errors.md. */
export const DURATION_ERROR_CODE = 'PRESCIENT_CONFIG_DURATION';

export class DurationSyntaxError extends CodedError<typeof DURATION_ERROR_CODE> {
  constructor(readonly text: string) {
    super(DURATION_ERROR_CODE, `"${text}" is not a duration; write terms such as 250ms, 1s or 1m30s (units ns, us, µs, ms, s, m, h)`);
  }
}

/** Whole nanoseconds; fractions below one nanosecond are truncated. Throws `DurationSyntaxError`. */
export function parseDurationNanos(text: string): bigint {
  if (!DURATION_PATTERN.test(text)) throw new DurationSyntaxError(text);
  let total = 0n;
  for (const [, whole, fraction = '', unit] of text.matchAll(TERM)) {
    const perUnit = NANOS_PER_UNIT[unit];
    total += BigInt(whole) * perUnit + (BigInt(fraction || '0') * perUnit) / 10n ** BigInt(fraction.length);
  }
  return total;
}

/** Milliseconds, fractional below one millisecond. Throws `DurationSyntaxError`. */
export function parseDurationMs(text: string): number {
  return Number(parseDurationNanos(text)) / 1e6;
}

/** `google.protobuf.Duration` in protobufjs fromObject form. */
export interface ProtoDuration {
  seconds: number;
  nanos: number;
}

/** A duration string as `google.protobuf.Duration`. Throws `DurationSyntaxError`. */
export function toProtoDuration(text: string): ProtoDuration {
  const nanos = parseDurationNanos(text);
  return { seconds: Number(nanos / NANOS_PER_SECOND), nanos: Number(nanos % NANOS_PER_SECOND) };
}
