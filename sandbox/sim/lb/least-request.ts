/**
 * Envoy LEAST_REQUEST. Equal weights: power of `choiceCount` random choices (with replacement, as
 * Envoy draws them), the one with fewer active requests wins (ties keep the first drawn). Unequal
 * weights: the EDF scheduler with each host's effective weight weight / (active + 1)^bias, computed
 * when the host is re-added after a pick (active_request_bias, default 1.0).
 */
import type { SeededRng } from '../rng.ts';
import { EdfScheduler } from './edf-scheduler.ts';
import { allWeightsEqual } from './round-robin.ts';
import type { HostPicker, SimHost } from './sim-host.ts';

export interface LeastRequestOptions {
  readonly choiceCount?: number;
  readonly activeRequestBias?: number;
}

export function leastRequestPicker(hosts: readonly SimHost[], rng: SeededRng, o: LeastRequestOptions = {}): HostPicker {
  const choices = o.choiceCount ?? 2;
  if (allWeightsEqual(hosts)) {
    return {
      pick() {
        let best = hosts[rng.int(hosts.length)]!;
        for (let i = 1; i < choices; i++) {
          const c = hosts[rng.int(hosts.length)]!;
          if (c.active < best.active) best = c;
        }
        return best;
      },
    };
  }
  const bias = o.activeRequestBias ?? 1;
  const effective = bias === 1 ? (h: SimHost) => h.weight / (h.active + 1) : (h: SimHost) => h.weight / (h.active + 1) ** bias;
  const edf = new EdfScheduler<SimHost>();
  for (const h of hosts) edf.add(h, effective(h));
  return { pick: () => edf.pickAndAdd(effective) };
}
