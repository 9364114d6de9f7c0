/**
 * Service-time distributions of a simulated endpoint: lognormal by median and σ, exponential by
 * mean (the M/M/c case the tests check against Erlang C), or empirical (samples drawn uniformly
 * from a trace of observed times).
 */
import type { SeededRng } from '../rng.ts';

export type ServiceTimeSpec =
  | { readonly dist: 'lognormal'; readonly medianMs: number; readonly sigma: number }
  | { readonly dist: 'exponential'; readonly meanMs: number }
  | { readonly dist: 'empirical'; readonly samplesMs: readonly number[] };

export type Sampler = () => number;

export function sampler(spec: ServiceTimeSpec, rng: SeededRng): Sampler {
  switch (spec.dist) {
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      return () => Math.exp(mu + spec.sigma * rng.normal());
    }
    case 'exponential':
      return () => rng.exp(spec.meanMs);
    case 'empirical': {
      const s = spec.samplesMs;
      if (s.length === 0) throw new Error('SIM_SCENARIO_INVALID: empirical service time needs samples');
      return () => s[rng.int(s.length)]!;
    }
  }
}

export function meanServiceMs(spec: ServiceTimeSpec): number {
  switch (spec.dist) {
    case 'lognormal':
      return spec.medianMs * Math.exp((spec.sigma * spec.sigma) / 2);
    case 'exponential':
      return spec.meanMs;
    case 'empirical':
      return spec.samplesMs.reduce((a, b) => a + b, 0) / spec.samplesMs.length;
  }
}
