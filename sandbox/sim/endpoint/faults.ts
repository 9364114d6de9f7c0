/**
 * Faults an endpoint (or a zone) suffers, in virtual time (seconds in scenario files, ms here).
 * Each kind changes what the endpoint does with a request, and whether its probes notice:
 *
 * | kind | requests | probes |
 * |---|---|---|
 * | slowdown | +extraMs on the request path (not holding a server) | only if `probe` |
 * | fast-errors | fail at once with probability `rate` (default 1) | unaffected (the process is up) |
 * | gray-errors | as fast-errors, a few percent (default 5 %) | unaffected |
 * | refused | connection refused | fail |
 * | crash | connection refused | fail |
 * | degrade | service time × factor ramping 1 → factor over rampS, held holdS, back over recoverS | probe time × the same factor |
 * | noisy-neighbour | service time × factor during `duty` of every periodS | probe time × factor |
 * | zone-failure | every endpoint in `zone` refuses | fail |
 */
export type FaultKind = 'slowdown' | 'fast-errors' | 'gray-errors' | 'refused' | 'crash' | 'degrade' | 'noisy-neighbour' | 'zone-failure';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Endpoint indexes (into the service's endpoints) it hits; zone-failure uses `zone`. */
  readonly endpoints?: readonly number[];
  readonly zone?: string;
  readonly atS: number;
  /** End of the fault; absent = until the end of the run. degrade ends by itself. */
  readonly untilS?: number;
  readonly extraMs?: number;
  readonly probe?: boolean;
  readonly rate?: number;
  readonly factor?: number;
  readonly rampS?: number;
  readonly holdS?: number;
  readonly recoverS?: number;
  readonly periodS?: number;
  readonly duty?: number;
}

/** What the faults in force make of one endpoint at one instant. */
export interface EndpointCondition {
  refused: boolean;
  errorRate: number;
  extraMs: number;
  probeExtraMs: number;
  slowFactor: number;
}

export function endpointFaults(all: readonly FaultSpec[], index: number, zone: string): FaultSpec[] {
  return all.filter((f) => (f.kind === 'zone-failure' ? f.zone === zone : (f.endpoints ?? []).includes(index)));
}

/** Writes the condition at `tMs` into `out` (reused, allocation-free on the hot path). */
export function conditionAt(faults: readonly FaultSpec[], tMs: number, out: EndpointCondition): EndpointCondition {
  out.refused = false;
  out.errorRate = 0;
  out.extraMs = 0;
  out.probeExtraMs = 0;
  out.slowFactor = 1;
  const t = tMs / 1000;
  for (const f of faults) {
    if (t < f.atS) continue;
    if (f.kind === 'degrade') {
      const ramp = f.rampS ?? 60;
      const hold = f.holdS ?? 60;
      const recover = f.recoverS ?? 60;
      const k = (f.factor ?? 3) - 1;
      const s = t - f.atS;
      let level = 0;
      if (s < ramp) level = s / ramp;
      else if (s < ramp + hold) level = 1;
      else if (s < ramp + hold + recover) level = 1 - (s - ramp - hold) / recover;
      out.slowFactor *= 1 + k * level;
      continue;
    }
    if (f.untilS !== undefined && t >= f.untilS) continue;
    switch (f.kind) {
      case 'slowdown':
        out.extraMs += f.extraMs ?? 200;
        if (f.probe) out.probeExtraMs += f.extraMs ?? 200;
        break;
      case 'fast-errors':
        out.errorRate = Math.max(out.errorRate, f.rate ?? 1);
        break;
      case 'gray-errors':
        out.errorRate = Math.max(out.errorRate, f.rate ?? 0.05);
        break;
      case 'refused':
      case 'crash':
      case 'zone-failure':
        out.refused = true;
        break;
      case 'noisy-neighbour': {
        const period = f.periodS ?? 60;
        const phase = ((t - f.atS) % period) / period;
        if (phase < (f.duty ?? 0.3)) out.slowFactor *= f.factor ?? 2;
        break;
      }
    }
  }
  return out;
}

/** First instant any fault starts (s), for "time to shift away". */
export function firstFaultS(all: readonly FaultSpec[]): number | undefined {
  return all.length ? Math.min(...all.map((f) => f.atS)) : undefined;
}
