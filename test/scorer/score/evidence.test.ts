import assert from 'node:assert/strict';
import { resolvePolicy } from '../../../scorer/policy/resolved-policy.ts';
import { EVIDENCE_Z, moveSurvivesNoise, requestPathEvidence } from '../../../scorer/score/evidence.ts';
import { scoreService } from '../../../scorer/score/score-service.ts';
import type { EndpointSignals } from '../../../scorer/score/types.ts';
import { healthy, policy } from './builders.ts';

const keys = ['fast', 'slow1', 'slow2'];
const quiet = policy({ explorationBase: 0, explorationMax: 0, evidence: EVIDENCE_Z });

/** Request-path latencies (ms) with standard errors (ms); probes equal and fast. */
function onRequestPath(latencies: number[], se: (number | undefined)[]): EndpointSignals[] {
  return keys.map((k, i) => healthy(k, 2, { requestLatencyMs: latencies[i]!, requestLatencySeMs: se[i] }));
}

describe('requestPathEvidence: the shares move only on request-path differences beyond their noise', () => {
  // The fast backend carries half; its reading is 40 ms against 120 ms on the others, the mean
  // 80 ms — but each reading is ±30 ms (one standard error): 40 ms from the mean is ~2.2 of them.
  const previous = new Map([['fast', 0.5], ['slow1', 0.25], ['slow2', 0.25]]);
  const latencies = [40, 120, 120];

  it('differences of the size of the noise: no evidence', () => {
    assert.equal(requestPathEvidence(onRequestPath(latencies, [30, 30, 30]), previous), false);
  });

  it('the same readings known to within 2 ms: evidence', () => {
    assert.equal(requestPathEvidence(onRequestPath(latencies, [2, 2, 2]), previous), true);
  });

  it('a backend +200 ms slower is evidence even with ±30 ms readings', () => {
    const equal = new Map(keys.map((k) => [k, 1 / 3]));
    assert.equal(requestPathEvidence(onRequestPath([300, 100, 100], [30, 30, 30]), equal), true);
  });

  it('errors are evidence whatever the latencies say', () => {
    const signals = keys.map((k, i) => healthy(k, 2, { requestLatencyMs: 100, requestLatencySeMs: 50, errorRate: i === 0 ? 0.05 : 0 }));
    assert.equal(requestPathEvidence(signals, previous), true);
  });

  it('a reading without a standard error cannot be told from noise, so it never holds the service back', () => {
    assert.equal(requestPathEvidence(onRequestPath(latencies, [30, undefined, 30]), previous), true);
  });

  it('the bound is EVIDENCE_Z standard errors of the difference from the traffic-weighted mean', () => {
    // Two endpoints at half each, ±5 ms: b − mean = d/2 with standard error √12.5 ms, so the
    // evidence starts at d = 2·Z·√12.5.
    const two = ['a', 'b'];
    const half = new Map(two.map((k) => [k, 0.5]));
    const at = (d: number) => requestPathEvidence(two.map((k, i) => healthy(k, 2, { requestLatencyMs: 100 + (i ? d : 0), requestLatencySeMs: 5 })), half);
    const bound = 2 * EVIDENCE_Z * Math.sqrt(12.5);
    assert.equal(at(bound - 0.5), false);
    assert.equal(at(bound + 0.5), true);
  });

  it('scoreService with moveOnEvidence keeps the previous shares (no push) while the differences are noise', () => {
    const signals = onRequestPath(latencies, [30, 30, 30]);
    const held = scoreService({ signals, policy: quiet, previousShares: previous, rng: () => 0.5, gain: 0.5, moveOnEvidence: true });
    assert.equal(held.moved, false);
    assert.equal(held.held, 'no_evidence');
    assert.deepEqual(held.shares, previous);
    const moved = scoreService({ signals, policy: quiet, previousShares: previous, rng: () => 0.5, gain: 0.5 });
    assert.equal(moved.moved, true, 'without moveOnEvidence the same readings move the shares');
    const evident = scoreService({ signals: onRequestPath(latencies, [2, 2, 2]), policy: quiet, previousShares: previous, rng: () => 0.5, gain: 0.5, moveOnEvidence: true });
    assert.equal(evident.moved, true);
    assert.equal(evident.held, undefined);
    // Targets within the hysteresis are held for that reason first.
    const still = scoreService({ signals: onRequestPath([100, 100, 100], [2, 2, 2]), policy: quiet, previousShares: new Map(keys.map((k) => [k, 1 / 3])), rng: () => 0.5, moveOnEvidence: true });
    assert.equal(still.held, 'dead_band');
  });

  it('ScoringPolicy damping.evidence sets the bound; 0, the default, moves on any difference', () => {
    assert.equal(resolvePolicy('p', {}).evidence, 0);
    const signals = onRequestPath(latencies, [30, 30, 30]);
    const at = (evidence: number) => scoreService({ signals, policy: { ...resolvePolicy('p', { damping: { evidence } }), explorationBase: 0, explorationMax: 0 }, previousShares: previous, rng: () => 0.5, gain: 0.5, moveOnEvidence: true });
    assert.equal(at(0).moved, true);
    assert.equal(at(1).moved, true, '40 ms from the mean is ~2.2 standard errors');
    assert.equal(at(3).held, 'no_evidence');
  });
});

describe('moveSurvivesNoise: the steadier 20-s reading may still call for a move', () => {
  const long = (meanMs: number, seMs: number) => ({ requestLatencyLong: { meanMs, seMs } });

  it('a recovered replica near the floor, reading like the others again: it comes back', () => {
    const signals = keys.map((k, i) => healthy(k, 2, { requestLatencyMs: 100, requestLatencySeMs: 10, ...long(i === 0 ? 104 : 100, i === 0 ? 6 : 2) }));
    const previous = new Map([['fast', 0.03], ['slow1', 0.485], ['slow2', 0.485]]);
    assert.equal(requestPathEvidence(signals, previous, EVIDENCE_Z), false, 'the latencies alone show no difference');
    assert.equal(moveSurvivesNoise(signals, keys, quiet, previous, EVIDENCE_Z), true);
    const r = scoreService({ signals, policy: quiet, previousShares: previous, rng: () => 0.5, gain: 0.5, moveOnEvidence: true });
    assert.equal(r.moved, true);
    assert.ok(r.shares.get('fast')! > 0.03);
  });

  it('a share 6 points below its 20-s target: a move only if the readings are sharp enough to say so', () => {
    // 60 ms against 100 ms puts the fast endpoint's target at ~0.50; it holds 0.44.
    const at = (seMs: number) => keys.map((k, i) => healthy(k, 2, { requestLatencyMs: i ? 100 : 60, requestLatencySeMs: 30, ...long(i ? 100 : 60, seMs) }));
    const previous = new Map([['fast', 0.44], ['slow1', 0.28], ['slow2', 0.28]]);
    assert.equal(moveSurvivesNoise(at(0.5), keys, quiet, previous, EVIDENCE_Z), true, '±0.5 ms');
    assert.equal(moveSurvivesNoise(at(4), keys, quiet, previous, EVIDENCE_Z), false, '±4 ms: 4 standard errors cover a 6-point gap');
    assert.equal(moveSurvivesNoise(at(4), keys, quiet, previous, 0.5), true, 'the same noise at half a standard error');
  });
});

