/**
 * "Never ships worse than EWMA" (DESIGN §5): a model becomes current only if its median MASE at
 * the first horizon is below tuned EWMA's and no series exceeds the MASE ceiling.
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
