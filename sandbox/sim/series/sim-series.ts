/**
 * Synthetic training series at the resolution the forecaster serves (issue 9: "train on series of
 * the resolution it serves"): simulator runs under the Prescient policy, and per endpoint the
 * request-path latency (`request_latency_ms`) exactly as the scorer's RingFeatureStore holds it,
 * one value per 1-s bucket (aggregation "last", empty buckets carrying the previous value, as
 * `readWindow` gives it to the scorer). A bucket is read after the scorer tick that follows it,
 * when no later report can change it. Leading buckets before an endpoint's first reading are left
 * out (the scorer has no value there either).
 *
 * Output: one `timestamp,value` CSV per endpoint and run, the format `loadSeriesFolder` reads
 * (scorer/train/series.ts), 1-s steps on the simulator's virtual clock (from 2026-01-01 00:00:00). File names carry a position prefix that
 * puts every series of one run into the same leave-series-out fold (below), so a held-out
 * endpoint's siblings from the same run (same load, same faults) are never in its fold's
 * training set.
 */
import type { Forecaster } from '../../../scorer/forecast/types.ts';
import type { PolicySpec } from '../policies.ts';
import { SERVICE } from '../scenario/mesh-config.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { simulate } from '../simulate.ts';

/** Folds of `npm run train`'s leave-series-out ship rule (its default). */
export const SHIP_FOLDS = 5;
const PRESCIENT: PolicySpec = { name: 'prescient', kind: 'prescient' };

export interface SimSeriesRun {
  readonly scenario: Scenario;
  readonly seed: number;
  /** Short label of the variant, part of the file names (e.g. "x1.0"). */
  readonly variant: string;
}

export interface EndpointSeries {
  /** e.g. "slow-replica-x1.0-s1-ep2" (without the position prefix). */
  readonly name: string;
  /** Time of the first value's bucket (the simulator's virtual clock, ms). */
  readonly firstMs: number;
  readonly values: readonly number[];
}

/** Every endpoint's served request-latency series of one run. */
export async function runSeries(run: SimSeriesRun, forecaster?: Forecaster): Promise<EndpointSeries[]> {
  const byEndpoint = new Map<string, { first: number; values: number[] }>();
  const one = new Float32Array(1);
  await simulate(run.scenario, {
    policy: PRESCIENT,
    seed: run.seed,
    ...(forecaster && { forecaster }),
    onScorerTick: (store, nowMs) => {
      // The last complete bucket: floor((now - 1) / resolution).
      const bucket = Math.floor((nowMs - 1) / store.resolutionMs);
      for (const endpoint of store.endpoints(SERVICE)) {
        store.windowInto(one, 0, SERVICE, endpoint, 'request_latency_ms', 1, nowMs - 1);
        const v = one[0]!;
        let s = byEndpoint.get(endpoint);
        if (!s) {
          if (Number.isNaN(v)) continue;
          byEndpoint.set(endpoint, (s = { first: bucket, values: [] }));
        }
        // Ticks come once per bucket; a skipped bucket (never seen) repeats the value, as the store would.
        while (s.first + s.values.length < bucket) s.values.push(s.values[s.values.length - 1] ?? v);
        if (s.first + s.values.length === bucket) s.values.push(Number.isNaN(v) ? s.values[s.values.length - 1]! : v);
      }
    },
  });
  const label = `${run.scenario.name}-${run.variant}-s${run.seed}`;
  const endpoints = [...byEndpoint.keys()].sort();
  return endpoints.map((key) => {
    const s = byEndpoint.get(key)!;
    return { name: `${label}-ep${endpoints.indexOf(key)}`, firstMs: s.first * 1000, values: s.values };
  });
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The CSV of one series; values in ms with 4 decimals (the store holds float32). */
export function seriesCsv(s: EndpointSeries): string {
  const rows = s.values.map((v, i) => `${timestamp(s.firstMs + i * 1000)},${Number(v.toFixed(4))}`);
  return `timestamp,value\n${rows.join('\n')}\n`;
}

/**
 * File names (without `.csv`) for runs' series such that, with `folds` folds over the sorted names
 * (`seriesFolds`: the i-th goes to fold i mod K), every series of one run lands in one fold: runs
 * are dealt to K groups by size (largest first, to the group with the fewest series), the groups
 * ordered by size, and group g's series take positions ≡ g (mod K). Contiguous positions need
 * group sizes m+1 … m+1, m … m, so a group longer than that gives up its last series (returned in
 * `dropped`; a few at most). Positions count from 0 within this set, so the grouping also holds
 * next to other series whose names sort first if their number is a multiple of K (data/traces
 * has 15; "sim-" sorts after its names).
 */
export function foldGroupedNames(runs: readonly (readonly EndpointSeries[])[], folds = SHIP_FOLDS): { named: { file: string; series: EndpointSeries }[]; dropped: string[] } {
  const groups: EndpointSeries[][] = Array.from({ length: folds }, () => []);
  const order = runs.map((_, i) => i).sort((a, b) => runs[b]!.length - runs[a]!.length || a - b);
  for (const i of order) {
    let best = 0;
    for (let g = 1; g < folds; g++) if (groups[g]!.length < groups[best]!.length) best = g;
    groups[best]!.push(...runs[i]!);
  }
  groups.sort((a, b) => b.length - a.length);
  const m = groups[folds - 1]!.length;
  const dropped: string[] = [];
  for (const g of groups) while (g.length > m + 1) dropped.push(g.pop()!.name);
  const total = groups.reduce((n, g) => n + g.length, 0);
  const width = String(total).length;
  const named = Array.from({ length: total }, (_, pos) => {
    const s = groups[pos % folds]![Math.floor(pos / folds)]!;
    return { file: `sim-${String(pos).padStart(width, '0')}-${s.name}`, series: s };
  });
  return { named, dropped };
}
