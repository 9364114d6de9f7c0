/**
 * Offered load over time (requests per second at virtual second t). Profiles: constant, step,
 * ramp, diurnal (a sine day compressed to `periodS`), spike, and trace (a shipped series from
 * data/traces scaled so its mean is `rps`, one trace row per `stepS` seconds). `multiplier`
 * replays any profile faster or slower in load.
 */
export type LoadSpec =
  | { readonly kind: 'constant'; readonly rps: number; readonly multiplier?: number }
  | { readonly kind: 'step'; readonly steps: readonly { readonly atS: number; readonly rps: number }[]; readonly multiplier?: number }
  | { readonly kind: 'ramp'; readonly fromRps: number; readonly toRps: number; readonly overS: number; readonly atS?: number; readonly multiplier?: number }
  | { readonly kind: 'diurnal'; readonly meanRps: number; readonly amplitude: number; readonly periodS: number; readonly multiplier?: number; readonly spike?: SpikeSpec }
  | { readonly kind: 'spike'; readonly rps: number; readonly spike: SpikeSpec; readonly multiplier?: number }
  | { readonly kind: 'trace'; readonly values: readonly number[]; readonly rps: number; readonly stepS: number; readonly multiplier?: number };

export interface SpikeSpec {
  readonly atS: number;
  readonly forS: number;
  /** Load × this during the spike. */
  readonly factor: number;
}

export type RateFn = (tS: number) => number;

function spiked(base: number, t: number, s: SpikeSpec | undefined): number {
  return s && t >= s.atS && t < s.atS + s.forS ? base * s.factor : base;
}

export function rateFunction(spec: LoadSpec): RateFn {
  const m = spec.multiplier ?? 1;
  switch (spec.kind) {
    case 'constant':
      return () => spec.rps * m;
    case 'step': {
      const steps = [...spec.steps].sort((a, b) => a.atS - b.atS);
      return (t) => {
        let r = steps[0]?.rps ?? 0;
        for (const s of steps) if (t >= s.atS) r = s.rps;
        return r * m;
      };
    }
    case 'ramp': {
      const at = spec.atS ?? 0;
      return (t) => m * (t <= at ? spec.fromRps : t >= at + spec.overS ? spec.toRps : spec.fromRps + ((spec.toRps - spec.fromRps) * (t - at)) / spec.overS);
    }
    case 'diurnal':
      return (t) => m * spiked(spec.meanRps * (1 + spec.amplitude * Math.sin((2 * Math.PI * t) / spec.periodS - Math.PI / 2)), t, spec.spike);
    case 'spike':
      return (t) => m * spiked(spec.rps, t, spec.spike);
    case 'trace': {
      const mean = spec.values.reduce((a, b) => a + b, 0) / Math.max(1, spec.values.length);
      const scale = mean > 0 ? spec.rps / mean : 0;
      return (t) => m * scale * (spec.values[Math.floor(t / spec.stepS) % spec.values.length] ?? 0);
    }
  }
}

/** The `value` column of a data/traces CSV (timestamp,value). */
export function parseTraceCsv(text: string): number[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[1]))
    .filter((v) => Number.isFinite(v));
}
