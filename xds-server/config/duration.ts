/**
 * Durations as documents write them, Go/Kubernetes style: one or more `<number><unit>` parts with
 * units ns, us (or µs), ms, s, m, h — "250ms", "1s", "1m30s", "1.5h". The schemas accept the same
 * grammar, so a validated document always parses.
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const WHOLE = /^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /([0-9]+)(?:\.([0-9]+))?(ns|us|µs|ms|s|m|h)/g;

/** Exact nanoseconds; throws PRESCIENT_CONFIG_DURATION on text the schema would reject. */
export function parseDurationNanos(text: string): bigint {
  if (!WHOLE.test(text)) throw new Error(`PRESCIENT_CONFIG_DURATION: "${text}" is not a duration such as "250ms" or "1m30s"`);
  let total = 0n;
  for (const [, whole, fraction = '', unit] of text.matchAll(PART)) {
    const scale = UNIT_NS[unit];
    const digits = fraction.slice(0, 18);
    total += BigInt(whole) * scale + (BigInt(digits || '0') * scale) / 10n ** BigInt(digits.length);
  }
  return total;
}

export function parseDurationMs(text: string): number {
  return Number(parseDurationNanos(text)) / 1e6;
}

/** google.protobuf.Duration in protobufjs fromObject form. */
export function toProtoDuration(text: string): { seconds: number; nanos: number } {
  const ns = parseDurationNanos(text);
  return { seconds: Number(ns / 1_000_000_000n), nanos: Number(ns % 1_000_000_000n) };
}
