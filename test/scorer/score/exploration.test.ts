import assert from 'node:assert/strict';
import { explorationAmplitude } from '../../../scorer/score/exploration.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import { healthy, policy, seeded } from './builders.ts';

function shareSpread(bandFraction: number): number {
  const rng = seeded(42);
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const signals = ['a:1', 'b:1', 'c:1'].map((k) =>
      healthy(k, 20, { forecast: { medianMs: 20, lowerMs: 20 * (1 - bandFraction), upperMs: 20 * (1 + bandFraction) } }),
    );
    const r = scoreService({ signals, policy: policy(), rng });
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
    assert.ok(narrow < wide / 3, `spread narrow=${narrow} wide=${wide}`);
  });
});
