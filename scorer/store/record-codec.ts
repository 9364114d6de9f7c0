/**
 * The JSON form of one service's weights and scores as stored in Redis (see ./README.md). Kept
 * compact because the leader rewrites changed services every interval.
 */
import { StoreError } from './errors.ts';
import type { OutlierReason } from '../../api/decisions.ts';
import type { ServiceRecord } from './types.ts';

interface WeightsJson {
  /** endpoint key → integer weight */
  w: Record<string, number>;
  /** computedAt, Unix ms */
  t: number;
  /** model version */
  m?: string;
  /** endpoint key → outlier reason (the scorer's outlier state), when any */
  o?: Record<string, string>;
}

const OUTLIER_REASONS: ReadonlySet<string> = new Set<OutlierReason>(['unavailable', 'latency_threshold', 'error_threshold']);

export function encodeWeights(r: ServiceRecord): string {
  const json: WeightsJson = { w: Object.fromEntries(r.weights.weights), t: r.weights.computedAt };
  if (r.weights.modelVersion !== undefined) json.m = r.weights.modelVersion;
  if (r.weights.outliers?.size) json.o = Object.fromEntries(r.weights.outliers);
  return JSON.stringify(json);
}

export function encodeScores(r: ServiceRecord): string {
  return JSON.stringify(Object.fromEntries(r.scores));
}

export function decodeRecord(service: string, weights: string, scores: string | undefined): ServiceRecord {
  let w: WeightsJson;
  let s: Record<string, number>;
  try {
    w = JSON.parse(weights) as WeightsJson;
    s = scores ? (JSON.parse(scores) as Record<string, number>) : {};
  } catch (err) {
    throw new StoreError('STORE_CORRUPT', `weights of service "${service}" are not valid JSON`, { cause: err });
  }
  if (typeof w !== 'object' || w === null || typeof w.w !== 'object' || typeof w.t !== 'number') {
    throw new StoreError('STORE_CORRUPT', `weights of service "${service}" lack the "w" map or the "t" time`);
  }
  // A reason this version does not know (a newer writer) is left out rather than refused.
  const outliers = new Map(Object.entries(typeof w.o === 'object' && w.o !== null ? w.o : {}).filter((e): e is [string, OutlierReason] => OUTLIER_REASONS.has(e[1])));
  return {
    weights: {
      service,
      weights: new Map(Object.entries(w.w)),
      computedAt: w.t,
      ...(w.m !== undefined ? { modelVersion: w.m } : {}),
      ...(outliers.size > 0 ? { outliers } : {}),
    },
    scores: new Map(Object.entries(s)),
  };
}
