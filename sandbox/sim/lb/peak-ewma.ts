/**
 * Peak EWMA (Finagle's, as Linkerd uses it): per host an exponentially weighted moving average of
 * round-trip time that jumps to any higher observation at once (the peak) and decays towards lower
 * ones with time constant τ; the load is ewma × (active + 1). Power of two random choices, the
 * lower load wins. A host with no observation yet starts at `defaultRttMs` (Linkerd: 30 ms).
 */
import type { SeededRng } from '../rng.ts';
import type { HostPicker, SimHost } from './sim-host.ts';

export interface PeakEwmaOptions {
  readonly tauMs?: number;
  readonly defaultRttMs?: number;
}

export class PeakEwma {
  readonly tauMs: number;
  readonly defaultRttMs: number;
  constructor(o: PeakEwmaOptions = {}) {
    this.tauMs = o.tauMs ?? 10_000;
    this.defaultRttMs = o.defaultRttMs ?? 30;
  }

  /** The host's cost at `now`: the decayed estimate × (active + 1). */
  cost(h: SimHost, now: number): number {
    if (h.ewmaAt === 0) return this.defaultRttMs * (h.active + 1);
    const decayed = h.ewmaMs * Math.exp(-(now - h.ewmaAt) / this.tauMs);
    return decayed * (h.active + 1);
  }

  observe(h: SimHost, rttMs: number, now: number): void {
    if (h.ewmaAt === 0) {
      h.ewmaMs = rttMs;
    } else if (rttMs > h.ewmaMs) {
      h.ewmaMs = rttMs;
    } else {
      const w = Math.exp(-(now - h.ewmaAt) / this.tauMs);
      h.ewmaMs = h.ewmaMs * w + rttMs * (1 - w);
    }
    h.ewmaAt = now;
  }
}

export function peakEwmaPicker(hosts: readonly SimHost[], rng: SeededRng, ewma: PeakEwma, now: () => number): HostPicker {
  return {
    pick() {
      if (hosts.length === 1) return hosts[0]!;
      const a = hosts[rng.int(hosts.length)]!;
      let b = hosts[rng.int(hosts.length - 1)]!;
      if (b === a) b = hosts[hosts.length - 1]!;
      const t = now();
      return ewma.cost(b, t) < ewma.cost(a, t) ? b : a;
    },
  };
}
