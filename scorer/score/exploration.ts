/**
 * Exploration: each eligible endpoint's score is multiplied by exp(ε·z), z uniform in [−1, 1]
 * from the injected RNG, with ε = base + (max − base)·(1 − confidence). Randomness therefore
 * shrinks as the forecast's confidence rises and vanishes to `base` when the model is sure, and
 * endpoints the model cannot yet predict get traffic that lets it learn them.
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import type { EndpointScore, Rng } from './types.ts';

export function explorationAmplitude(confidence: number, policy: ResolvedPolicy): number {
  const c = Math.min(1, Math.max(0, confidence));
  return policy.explorationBase + (policy.explorationMax - policy.explorationBase) * (1 - c);
}

export function explore(scores: readonly EndpointScore[], policy: ResolvedPolicy, rng: Rng): EndpointScore[] {
  return scores.map((s) => {
    const epsilon = explorationAmplitude(s.confidence, policy);
    return { ...s, score: s.score * Math.exp(epsilon * (2 * rng() - 1)) };
  });
}
