import assert from 'node:assert/strict';
import { parseDurationMs, parseDurationNanos, toProtoDuration } from '../../../xds-server/config/duration.ts';

describe('durations', () => {
  it('parses Go-style durations exactly', () => {
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1m30s'), 90_000);
    assert.equal(parseDurationMs('1.5h'), 5_400_000);
    assert.equal(parseDurationNanos('2us'), 2000n);
    assert.equal(parseDurationNanos('3µs500ns'), 3500n);
    assert.deepEqual(toProtoDuration('1.25s'), { seconds: 1, nanos: 250_000_000 });
    assert.deepEqual(toProtoDuration('0s'), { seconds: 0, nanos: 0 });
  });

  it('rejects what the schemas reject, with a stable code', () => {
    for (const bad of ['', '1', '1 s', '-1s', 's', '1d', '1.s']) {
      assert.throws(() => parseDurationNanos(bad), /PRESCIENT_CONFIG_DURATION/, bad);
    }
  });
});
