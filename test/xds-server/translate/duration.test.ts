import assert from 'node:assert/strict';
import { DurationSyntaxError, parseDurationNanos, toDuration } from '../../../xds-server/translate/duration.ts';

describe('translate/duration', () => {
  it('converts Go-style durations to google.protobuf.Duration', () => {
    assert.deepEqual(toDuration('250ms'), { seconds: 0, nanos: 250_000_000 });
    assert.deepEqual(toDuration('1s'), { seconds: 1, nanos: 0 });
    assert.deepEqual(toDuration('1m30s'), { seconds: 90, nanos: 0 });
    assert.deepEqual(toDuration('1.5h'), { seconds: 5400, nanos: 0 });
    assert.deepEqual(toDuration('2s500ms'), { seconds: 2, nanos: 500_000_000 });
  });

  it('keeps sub-second units exact', () => {
    assert.equal(parseDurationNanos('10us'), 10_000n);
    assert.equal(parseDurationNanos('7ns'), 7n);
    assert.equal(parseDurationNanos('0.001s'), 1_000_000n);
  });

  it('rejects anything else with a stable code', () => {
    for (const bad of ['', '10', '1 s', '-1s', '1d', 's', '1.s']) {
      assert.throws(() => toDuration(bad), (e: unknown) => e instanceof DurationSyntaxError && e.code === 'TRANSLATE_BAD_DURATION', bad);
    }
  });
});
