/**
 * `npm run gen:sim-series` — writes the served request-latency series (sim-series.ts) of the
 * default policy-benchmark suite under the Prescient policy, for several seeds and load
 * multipliers, as CSVs into data/sim-series/ (deterministic: same options → the same bytes).
 *
 *   npm run gen:sim-series                                # the committed set
 *   npm run gen:sim-series -- --out /tmp/s --variants 1:1,0.7:4 --no-model
 *
 * `--variants` lists `multiplier:seed` pairs; every scenario of `--scenarios` runs once per pair.
 * The forecaster is the shipped model (current.json) unless `--no-model` (EWMA only). `--folds K`
 * (default 5, npm run train's) names the files so that each run's series share one leave-series-out
 * fold (sim-series.ts, foldGroupedNames); 1 keeps plain run order.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadForecaster } from '../../../scorer/forecast/onnx-forecaster.ts';
import type { Forecaster } from '../../../scorer/forecast/types.ts';
import { DEFAULT_SUITE, loadScenarios } from '../scenario/load-scenarios.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { foldGroupedNames, runSeries, SHIP_FOLDS, seriesCsv, type EndpointSeries, type SimSeriesRun } from './sim-series.ts';

/** The committed set: the suite at its own load for three seeds, lighter (0.7×) and heavier (1.1×). */
export const DEFAULT_VARIANTS = '1:1,1:2,1:3,0.7:4,1.1:5';

export function runsFor(scenarios: readonly Scenario[], variants: string): SimSeriesRun[] {
  return variants.split(',').flatMap((pair) => {
    const [m, seed] = pair.split(':').map(Number);
    if (!(m! > 0) || !Number.isInteger(seed)) throw new Error(`--variants: expected multiplier:seed pairs, got "${pair}"`);
    return scenarios.map((s) => ({
      scenario: { ...s, load: { ...s.load, multiplier: (s.load.multiplier ?? 1) * m! } } as Scenario,
      seed: seed!,
      variant: `x${m!.toFixed(1)}`,
    }));
  });
}

/** Generates and writes the series; returns the file names written and the series dropped. */
export async function writeSimSeries(
  runs: readonly SimSeriesRun[],
  outDir: string,
  forecaster?: Forecaster,
  folds = SHIP_FOLDS,
): Promise<{ files: string[]; dropped: string[]; values: number }> {
  const perRun: EndpointSeries[][] = [];
  for (const run of runs) perRun.push(await runSeries(run, forecaster));
  const { named, dropped } = foldGroupedNames(perRun, folds);
  await mkdir(outDir, { recursive: true });
  for (const f of await readdir(outDir)) if (/^sim-.*\.csv$/.test(f)) await rm(path.join(outDir, f));
  for (const { file, series } of named) await writeFile(path.join(outDir, `${file}.csv`), seriesCsv(series));
  return { files: named.map((n) => `${n.file}.csv`), dropped, values: named.reduce((n, x) => n + x.series.values.length, 0) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/sim-series' },
      scenarios: { type: 'string', default: DEFAULT_SUITE },
      variants: { type: 'string', default: DEFAULT_VARIANTS },
      'no-model': { type: 'boolean', default: false },
      folds: { type: 'string', default: String(SHIP_FOLDS) },
    },
  });
  const forecaster = values['no-model'] ? undefined : await loadForecaster({});
  const started = Date.now();
  const runs = runsFor(loadScenarios(values.scenarios), values.variants!);
  const out = await writeSimSeries(runs, values.out!, forecaster, Number(values.folds));
  await forecaster?.close();
  console.log(
    `${out.files.length} series (${out.values} values) from ${runs.length} runs written to ${values.out} in ${((Date.now() - started) / 1000).toFixed(0)} s` +
      ` (model: ${forecaster?.version ?? 'EWMA only'})${out.dropped.length ? `; dropped to keep runs within one fold: ${out.dropped.join(', ')}` : ''}`,
  );
}
