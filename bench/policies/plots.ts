/**
 * Pictures of one scenario (SVG, drawn by Vega-Lite/Vega headless):
 * - `<scenario>-latency.svg`: the latency CDF of successful requests per policy (seed 1), on a
 *   log axis, tail percentiles spread out;
 * - `<scenario>-shares.svg`: per policy, each endpoint's share of the requests over time (5-second
 *   bins), and for Prescient the weight share the clients were sent.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { RunSeries } from '../../sandbox/sim/report/run-result.ts';

const BIN_S = 5;

async function svg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

function shareRows(policy: string, s: RunSeries, what: 'requests' | 'weights'): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const E = s.endpoints;
  for (let b0 = 0; b0 < s.bins; b0 += BIN_S) {
    const sums = new Array<number>(E).fill(0);
    let total = 0;
    let n = 0;
    for (let b = b0; b < Math.min(s.bins, b0 + BIN_S); b++, n++) {
      for (let e = 0; e < E; e++) {
        const v = what === 'requests' ? s.perSecond[b * E + e]! : s.weightShare[b * E + e]!;
        if (Number.isFinite(v)) sums[e]! += v;
        total += Number.isFinite(v) ? v : 0;
      }
    }
    for (let e = 0; e < E; e++) rows.push({ policy: what === 'weights' ? `${policy} (weights sent)` : policy, t: b0, endpoint: `ep${e}`, share: total > 0 ? sums[e]! / total : 0 });
  }
  return rows;
}

export async function writeScenarioPlots(dir: string, scenario: string, series: ReadonlyMap<string, RunSeries>): Promise<string[]> {
  const cdf = [...series].flatMap(([policy, s]) => s.latencyCdf.map((c) => ({ policy, ms: Math.max(0.1, c.ms), tail: 1 - c.percentile / 100 })));
  const latency = await svg({
    title: `${scenario}: latency of successful requests (seed 1)`,
    width: 480,
    height: 300,
    data: { values: cdf },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms)' },
      y: { field: 'tail', type: 'quantitative', scale: { type: 'log', reverse: true }, title: 'fraction of requests slower (1 − percentile)' },
      color: { field: 'policy', type: 'nominal' },
    },
  });
  const rows = [...series].flatMap(([policy, s]) => [...shareRows(policy, s, 'requests'), ...(policy.startsWith('prescient') ? shareRows(policy, s, 'weights') : [])]);
  const shares = await svg({
    title: `${scenario}: each endpoint's share over time (seed 1)`,
    data: { values: rows },
    facet: { row: { field: 'policy', type: 'nominal', title: null } },
    spec: {
      width: 480,
      height: 90,
      mark: 'line',
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'time (s)' },
        y: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, title: 'share' },
        color: { field: 'endpoint', type: 'nominal' },
      },
    },
  });
  const files = [path.join(dir, `${scenario}-latency.svg`), path.join(dir, `${scenario}-shares.svg`)];
  writeFileSync(files[0]!, latency);
  writeFileSync(files[1]!, shares);
  return files;
}
