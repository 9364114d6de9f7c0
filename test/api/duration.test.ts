import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DURATION_ERROR_CODE,
  DURATION_PATTERN,
  DurationSyntaxError,
  parseDurationMs,
  parseDurationNanos,
  toProtoDuration,
} from '../../api/duration.ts';
import { COMMON_DEFS_ID, readSchemaSet, type JsonSchema } from '../../xds-server/config/schemas.ts';

const isDurationError = (e: unknown) => e instanceof DurationSyntaxError && e.code === 'PRESCIENT_CONFIG_DURATION';

/** Every `pattern` keyword anywhere under a schema node. */
function patternsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => patternsIn(n, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.push(value);
      else patternsIn(value, out);
    }
  }
  return out;
}

describe('api/duration', () => {
  it('parses Go-style durations exactly', () => {
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('1.5h'), 5_400_000);
    assert.equal(parseDurationMs('500us'), 0.5);
    assert.equal(parseDurationNanos('2us'), 2000n);
    assert.equal(parseDurationNanos('3µs500ns'), 3500n);
    assert.equal(parseDurationNanos('10us'), 10_000n);
    assert.equal(parseDurationNanos('7ns'), 7n);
    assert.equal(parseDurationNanos('0.001s'), 1_000_000n);
    assert.equal(parseDurationNanos('1.9ns'), 1n, 'fractions of a nanosecond are truncated');
  });

  it('converts to google.protobuf.Duration', () => {
    assert.deepEqual(toProtoDuration('250ms'), { seconds: 0, nanos: 250_000_000 });
    assert.deepEqual(toProtoDuration('1s'), { seconds: 1, nanos: 0 });
    assert.deepEqual(toProtoDuration('1m30s'), { seconds: 90, nanos: 0 });
    assert.deepEqual(toProtoDuration('1.5h'), { seconds: 5400, nanos: 0 });
    assert.deepEqual(toProtoDuration('2s500ms'), { seconds: 2, nanos: 500_000_000 });
    assert.deepEqual(toProtoDuration('1.25s'), { seconds: 1, nanos: 250_000_000 });
    assert.deepEqual(toProtoDuration('0s'), { seconds: 0, nanos: 0 });
  });

  it('rejects anything else with a stable code', () => {
    for (const bad of ['', '1', '10', '1 s', ' 1s', '-1s', 's', '1d', '1.s', '.5s', '1s ', '1S', '1e3ms', '١s']) {
      assert.throws(() => parseDurationNanos(bad), isDurationError, JSON.stringify(bad));
      assert.throws(() => parseDurationMs(bad), { message: new RegExp(`^${DURATION_ERROR_CODE}: `) }, JSON.stringify(bad));
      assert.throws(() => toProtoDuration(bad), isDurationError, JSON.stringify(bad));
    }
  });

  describe('agrees with the config schemas', () => {
    const schemas = readSchemaSet();
    const schemaPattern = (schemas.defs.get(COMMON_DEFS_ID)?.$defs as Record<string, JsonSchema> | undefined)?.duration?.pattern;

    it('shares its pattern text with common.defs.json $defs/duration', () => {
      assert.equal(schemaPattern, DURATION_PATTERN.source);
    });

    it('has no other duration pattern in any kind schema (they $ref the shared one)', () => {
      const all = [...schemas.defs.values(), ...schemas.kinds.values()].flatMap((s) => patternsIn(s));
      const durationLike = all.filter((p) => /ms\|/.test(p));
      assert.ok(durationLike.length > 0);
      for (const p of durationLike) assert.equal(p, DURATION_PATTERN.source);
    });

    it('parses exactly the strings the schema pattern accepts (as Ajv compiles it, with the u flag)', () => {
      const schemaRegex = new RegExp(String(schemaPattern), 'u');
      const durationish = fc.stringMatching(/^[0-9.a-zµ ]{0,12}$/);
      const term = fc.tuple(fc.nat({ max: 10_000 }), fc.option(fc.nat({ max: 999 })), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h'))
        .map(([whole, fraction, unit]) => `${whole}${fraction === null ? '' : `.${fraction}`}${unit}`);
      const valid = fc.array(term, { minLength: 1, maxLength: 4 }).map((terms) => terms.join(''));
      fc.assert(
        fc.property(fc.oneof(durationish, valid), (text) => {
          let parsed = true;
          try {
            parseDurationNanos(text);
          } catch (e) {
            if (!isDurationError(e)) throw e;
            parsed = false;
          }
          assert.equal(parsed, schemaRegex.test(text), JSON.stringify(text));
        }),
        { seed: 20260101, numRuns: 2000 },
      );
    });
  });
});
