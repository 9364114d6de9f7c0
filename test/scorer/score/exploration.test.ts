import assert from 'node:assert/strict';
import { explorationAmplitude } from '../../../scorer/score/exploration.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { healthy, policy, seeded } from './builders.ts';

/** Spread of a's share when a gets less than its fair share on a request-path-scored service. */
function shareSpread(bandFraction: number, opts: { requestPath?: boolean; aShare?: number } = {}): number {
  const rng = seeded(42);
  const samples: number[] = [];
  const a = opts.aShare ?? 0.2;
  const previousShares = new Map([['a:1', a], ['b:1', (1 - a) / 2], ['c:1', (1 - a) / 2]]);
  for (let i = 0; i < 300; i++) {
    const signals = ['a:1', 'b:1', 'c:1'].map((k) =>
      healthy(k, 20, {
        forecast: { medianMs: 20, lowerMs: 20 * (1 - bandFraction), upperMs: 20 * (1 + bandFraction) },
        ...(opts.requestPath !== false && { requestLatencyMs: 20 }),
      }),
    );
    const r = scoreService({ signals, policy: policy({ hysteresis: 0, maxStepFraction: 1 }), previousShares, rng });
    samples.push(r.shares.get('a:1')!);
  }
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return Math.sqrt(samples.reduce((a, s) => a + (s - mean) ** 2, 0) / samples.length);
}

describe('exploration', () => {
  it('shrinks as forecast confidence rises', () => {
    const p = policy();
    assert.ok(explorationAmplitude(0, p) > explorationAmplitude(0.5, p));
    assert.ok(explorationAmplitude(0.5, p) > explorationAmplitude(1, p));
    assert.equal(explorationAmplitude(1, p), p.explorationBase);
    const wide = shareSpread(0.5);
    const narrow = shareSpread(0.02);
    assert.ok(wide > 0.01, `spread wide=${wide}`);
    assert.ok(narrow < wide / 3, `spread narrow=${narrow} wide=${wide}`);
  });

  it('only where it buys information: not on probe-only services, not at or above the fair share', () => {
    assert.ok(shareSpread(0.5, { requestPath: false }) < 1e-9, 'probes see every endpoint whatever its share');
    assert.ok(shareSpread(0.5, { aShare: 1 / 3 }) < 1e-9, 'an endpoint at its fair share is observed already');
  });
});
