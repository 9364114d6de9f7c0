/**
 * One run's result (scenario × policy × seed) and the derived measures:
 * - timeToShiftS: seconds from the first fault until the faulty endpoints' share of answered
 *   requests in a one-second bin first falls below half their fair share (null: never);
 * - herdingIndex: per endpoint, the variance over one-second bins of its share of requests, mean
 *   over endpoints (synchronised swings of many clients make it large);
 * - weightChurn: EDS updates client 0 applied and the mean total-variation distance between
 *   successive weight shares;
 * - utilisation: busy server time / (servers × time present) per endpoint;
 * - cost: Σ cost per hour × hours present, and per million good requests.
 */
import type { Recorder } from './recorder.ts';

export interface RunResult {
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  /** Requests answered successfully within the SLO / requests offered. */
  readonly goodput: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly timeToShiftS: number | null;
  readonly herdingIndex: number;
  readonly weightChurn: { readonly updates: number; readonly meanChange: number };
  readonly utilisation: readonly number[];
  readonly cost: { readonly total: number; readonly perMillionGood: number };
  readonly scorerTicks: number;
  readonly pushes: number;
  readonly ejections: number;
}

/** Percentiles the latency CDF is sampled at. */
export const CDF_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99];

export interface RunSeries {
  /** Latency (ms) of successful requests at each of CDF_PERCENTILES. */
  readonly latencyCdf: readonly { readonly percentile: number; readonly ms: number }[];
  /** bins × endpoints, requests answered per second. */
  readonly perSecond: Uint32Array;
  readonly weightShare: Float32Array;
  readonly endpoints: number;
  readonly bins: number;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export function timeToShift(rec: Recorder, faulty: readonly number[], present: number, fromS: number | undefined): number | null {
  if (fromS === undefined || faulty.length === 0) return null;
  const fair = faulty.length / present;
  for (let b = Math.floor(fromS); b < rec.bins; b++) {
    let all = 0;
    let bad = 0;
    for (let e = 0; e < rec.endpoints; e++) {
      const n = rec.perSecond[b * rec.endpoints + e]!;
      all += n;
      if (faulty.includes(e)) bad += n;
    }
    if (all > 0 && bad / all < fair / 2) return b - Math.floor(fromS) + 1;
  }
  return null;
}

export function herdingIndex(rec: Recorder, skipBins: number): number {
  const E = rec.endpoints;
  let sum = 0;
  for (let e = 0; e < E; e++) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let b = skipBins; b < rec.bins; b++) {
      let all = 0;
      for (let k = 0; k < E; k++) all += rec.perSecond[b * E + k]!;
      if (all === 0) continue;
      const x = rec.perSecond[b * E + e]! / all;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    sum += n > 1 ? m2 / (n - 1) : 0;
  }
  return E ? sum / E : 0;
}

export function churn(shares: readonly ReadonlyMap<number, number>[]): { updates: number; meanChange: number } {
  let total = 0;
  let moves = 0;
  for (let i = 1; i < shares.length; i++) {
    const a = shares[i - 1]!;
    const b = shares[i]!;
    let tv = 0;
    for (const k of new Set([...a.keys(), ...b.keys()])) tv += Math.abs((a.get(k) ?? 0) - (b.get(k) ?? 0));
    if (tv > 1e-9) moves++;
    total += tv / 2;
  }
  return { updates: moves, meanChange: shares.length > 1 ? round(total / (shares.length - 1)) : 0 };
}

export { round };
