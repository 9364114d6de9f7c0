/**
 * Exploration: an explored endpoint's score is multiplied by exp(ε·z), z uniform in [−1, 1]
 * from the injected RNG, with ε = base + (max − base)·(1 − confidence). Randomness therefore
 * shrinks as the forecast's confidence rises and vanishes to `base` when the model is sure.
 *
 * Only where it buys information (`explores`, decided by score-service.ts): an endpoint whose
 * request path is seen only through the traffic it gets (request-path latency from load reports)
 * and that gets less than its fair share. Probes measure an endpoint whatever its share, and one at
 * or above its fair share is already well observed: noise there only moves traffic (measured on
 * real clients: identical backends commanded 0.18–0.59 and an EDS push almost every tick).
 */
import type { ResolvedPolicy } from '../policy/resolved-policy.ts';
import type { EndpointScore, Rng } from './types.ts';

export function explorationAmplitude(confidence: number, policy: ResolvedPolicy): number {
  const c = Math.min(1, Math.max(0, confidence));
  return policy.explorationBase + (policy.explorationMax - policy.explorationBase) * (1 - c);
}

export function explore(scores: readonly EndpointScore[], policy: ResolvedPolicy, rng: Rng, explores: (key: string) => boolean = () => true): EndpointScore[] {
  return scores.map((s) => {
    if (!explores(s.key)) return s;
    const epsilon = explorationAmplitude(s.confidence, policy);
    return { ...s, score: s.score * Math.exp(epsilon * (2 * rng() - 1)) };
  });
}
