/**
 * Envoy ROUND_ROBIN: with equal weights a plain rotation starting at a random offset; with unequal
 * weights the EDF scheduler, advanced by a random number of picks at build time (Envoy seeds each
 * worker's scheduler so that workers and proxies do not start in step).
 */
import type { SeededRng } from '../rng.ts';
import { EdfScheduler } from './edf-scheduler.ts';
import type { HostPicker, SimHost } from './sim-host.ts';

export function allWeightsEqual(hosts: readonly SimHost[]): boolean {
  return hosts.every((h) => h.weight === hosts[0]!.weight);
}

export function roundRobinPicker(hosts: readonly SimHost[], rng: SeededRng): HostPicker {
  if (allWeightsEqual(hosts)) {
    let next = rng.int(hosts.length);
    return { pick: () => hosts[next++ % hosts.length]! };
  }
  const edf = new EdfScheduler<SimHost>();
  for (const h of hosts) edf.add(h, h.weight);
  const weight = (h: SimHost) => h.weight;
  const warm = rng.int(hosts.length);
  for (let i = 0; i < warm; i++) edf.pickAndAdd(weight);
  return { pick: () => edf.pickAndAdd(weight) };
}
