/** Envoy RANDOM: a uniformly random host; weights are not used. */
import type { SeededRng } from '../rng.ts';
import type { HostPicker, SimHost } from './sim-host.ts';

export function randomPicker(hosts: readonly SimHost[], rng: SeededRng): HostPicker {
  return { pick: () => hosts[rng.int(hosts.length)]! };
}
