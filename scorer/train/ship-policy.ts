/**
 * "Never ships worse than EWMA" (DESIGN §5): a model becomes current only if its median MASE at
 * the first horizon is below tuned EWMA's and no series exceeds the MASE ceiling.
 *
 * `npm run train` adds a second rule (issue 9: "a model that wins only on the series it was
 * trained on does not ship"): in the leave-series-out evaluation, where each series is scored by
 * a model trained without it, the median MASE at the first horizon must also be below tuned
 * EWMA's on those held-out series. The live retrainer keeps the first rule only (one training per
 * retraining; its candidates are judged on the series they were trained on).
 */
import type { HorizonSummary } from '../eval/rolling-origin.ts';

export const MASE_CEILING = 3;

export interface ShipDecision {
  readonly ship: boolean;
  readonly reason: string;
}

export function shipDecision(horizons: readonly HorizonSummary[]): ShipDecision {
  const first = horizons[0];
  const { model, ewma } = first.medianMase;
  if (!(model < ewma)) {
    return { ship: false, reason: `median MASE at ${first.steps} step(s) ${model.toFixed(3)} does not beat tuned EWMA ${ewma.toFixed(3)}` };
  }
  if (!(first.maxMase.model <= MASE_CEILING)) {
    return { ship: false, reason: `a series has MASE ${first.maxMase.model.toFixed(3)} > ${MASE_CEILING} at ${first.steps} step(s)` };
  }
  return { ship: true, reason: `median MASE at ${first.steps} step(s) ${model.toFixed(3)} < tuned EWMA ${ewma.toFixed(3)}` };
}

/** The held-out rule alone; `undefined` (no leave-series-out evaluation ran) does not ship. */
export function heldOutDecision(heldOut: readonly HorizonSummary[] | undefined): ShipDecision {
  const first = heldOut?.[0];
  if (!first) return { ship: false, reason: 'no leave-series-out evaluation (needs --leave-series-out K ≥ 2 and at least K series)' };
  const { model, ewma } = first.medianMase;
  const numbers = `${model.toFixed(3)} vs tuned EWMA ${ewma.toFixed(3)}`;
  return model < ewma
    ? { ship: true, reason: `held-out median MASE at ${first.steps} step(s) ${numbers}: beats EWMA on series it never saw` }
    : { ship: false, reason: `held-out median MASE at ${first.steps} step(s) ${numbers}: does not beat EWMA on series it never saw` };
}

/** The decision `npm run train` records in the model's metadata: both rules, with their numbers. */
export interface TrainShipDecision extends ShipDecision {
  readonly inSample: ShipDecision & { readonly medianMase: { readonly model: number; readonly ewma: number }; readonly steps: number };
  readonly heldOut: ShipDecision & { readonly medianMase?: { readonly model: number; readonly ewma: number }; readonly steps?: number };
}

export function trainShipDecision(inSample: readonly HorizonSummary[], heldOut: readonly HorizonSummary[] | undefined): TrainShipDecision {
  const a = shipDecision(inSample);
  const b = heldOutDecision(heldOut);
  const pick = (h: HorizonSummary) => ({ steps: h.steps, medianMase: { model: h.medianMase.model, ewma: h.medianMase.ewma } });
  const failed = [a, b].filter((d) => !d.ship);
  return {
    ship: failed.length === 0,
    reason: failed.length === 0 ? `${a.reason}; ${b.reason}` : failed.map((d) => d.reason).join('; '),
    inSample: { ...a, ...pick(inSample[0]) },
    heldOut: { ...b, ...(heldOut?.[0] ? pick(heldOut[0]) : {}) },
  };
}
