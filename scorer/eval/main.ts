/**
 * `npm run eval:forecast` — rolling-origin evaluation of the shipped (or a given) ONNX model
 * against naive, tuned EWMA, damped Holt and seasonal naive, on any folder of timestamp,value CSVs.
 */
import os from 'node:os';
import { Command } from 'commander';
import { loadForecaster } from '../forecast/onnx-forecaster.ts';
import { loadSeriesFolder } from '../train/series.ts';
import { defaultTrainOptions } from '../train/train-model.ts';
import { formatSeries, formatSummary, writeEvaluation } from './report.ts';
import { evaluateForecaster } from './rolling-origin.ts';

const program = new Command('eval:forecast')
  .description('Evaluate the forecaster on a time-based split (MASE, MAE at each horizon)')
  .option('--data <dir>', 'folder of timestamp,value CSV files', 'data/traces')
  .option('--out <file>', 'JSON output', 'bench/results/forecast.json')
  .option('--model <path>', '.onnx model with its .json metadata beside it (default: scorer/models/current.json)')
  .option('--provider <name>', 'execution provider: cpu, cuda, webgpu', 'cpu')
  .option('--train-fraction <x>', 'leading fraction of each series treated as training', String(defaultTrainOptions.trainFraction))
  .parse();

const opts = program.opts<{ data: string; out: string; model?: string; provider: string; trainFraction: string }>();
const series = await loadSeriesFolder(opts.data);
const forecaster = await loadForecaster({ modelPath: opts.model, provider: opts.provider });
try {
  const evaluation = await evaluateForecaster(series, forecaster, Number(opts.trainFraction));
  await writeEvaluation(opts.out, evaluation, {
    data: opts.data,
    machine: `${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${os.platform()} ${os.arch()}`,
  });
  console.log(`model ${forecaster.version} on ${forecaster.provider}, ${series.length} series from ${opts.data}\n`);
  console.log(formatSummary(evaluation));
  console.log(`\nMASE at ${forecaster.horizons[0]} step(s) per series (${['model', 'naive', 'ewma', 'holt', 'seasonalNaive'].join(', ')}):`);
  console.log(formatSeries(evaluation, forecaster.horizons[0]));
  console.log(`\nwrote ${opts.out}`);
} finally {
  await forecaster.close();
}
