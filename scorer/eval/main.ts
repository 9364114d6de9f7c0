/**
 * `npm run eval:forecast` — rolling-origin evaluation of the shipped (or a given) ONNX model
 * against naive, tuned EWMA, damped Holt, seasonal naive and the live fallback (EWMA tuned per
 * window), on any folder of timestamp,value CSVs.
 * With --leave-series-out K it also trains one model per fold of series (the production training,
 * its options below) and evaluates each only on the series it never saw.
 */
import os from 'node:os';
import { Command } from 'commander';
import { pino } from 'pino';
import { loadForecaster } from '../forecast/onnx-forecaster.ts';
import { loadSeriesFolder } from '../train/series.ts';
import { addTrainingOptions, trainingOptionsFrom } from '../train/train-cli-options.ts';
import { defaultTrainOptions } from '../train/train-model.ts';
import { evaluateLeaveSeriesOut } from './leave-series-out.ts';
import { formatLeaveSeriesOut, formatSeries, formatSummary, writeEvaluation } from './report.ts';
import { evaluateForecaster, METHODS } from './rolling-origin.ts';

const program = addTrainingOptions(
  new Command('eval:forecast')
    .description('Evaluate the forecaster on a time-based split (MASE, MAE at each horizon)')
    .option('--data <dir>', 'folder of timestamp,value CSV files', 'data/traces')
    .option('--out <file>', 'JSON output', 'bench/results/forecast.json')
    .option('--model <path>', '.onnx model with its .json metadata beside it (default: scorer/models/current.json)')
    .option('--provider <name>', 'execution provider: cpu, cuda, webgpu', 'cpu')
    .option('--train-fraction <x>', 'leading fraction of each series treated as training', String(defaultTrainOptions.trainFraction))
    .option(
      '--leave-series-out <k>',
      'also train one model per fold of K folds of series (names sorted, i-th series to fold i mod K) on the other folds with the ' +
        'training options below (those of npm run train), and evaluate it only on its held-out series; JSON section leaveSeriesOut',
    ),
).addHelpText('after', '\nTraining options apply to --leave-series-out only; --epochs 1 gives a quick, rough run.');

program.parse();
const opts = program.opts<{ data: string; out: string; model?: string; provider: string; trainFraction: string; leaveSeriesOut?: string }>();
const series = await loadSeriesFolder(opts.data);
const forecaster = await loadForecaster({ modelPath: opts.model, provider: opts.provider });
try {
  const evaluation = await evaluateForecaster(series, forecaster, Number(opts.trainFraction));
  console.log(`model ${forecaster.version} on ${forecaster.provider}, ${series.length} series from ${opts.data}\n`);
  console.log(formatSummary(evaluation));
  console.log(`\nMASE at ${forecaster.horizons[0]} step(s) per series (${METHODS.join(', ')}):`);
  console.log(formatSeries(evaluation, forecaster.horizons[0]));
  let leaveSeriesOut;
  if (opts.leaveSeriesOut !== undefined) {
    const logger = pino({ base: { component: 'eval' } });
    leaveSeriesOut = await evaluateLeaveSeriesOut(series, {
      folds: Number(opts.leaveSeriesOut),
      train: trainingOptionsFrom(program.opts()),
      provider: opts.provider,
      logger,
      onFold: (fold, seconds) => logger.info({ fold: fold.index, heldOut: fold.test, seconds }, 'fold trained and evaluated'),
    });
    console.log(`\n${formatLeaveSeriesOut(leaveSeriesOut)}`);
  }
  await writeEvaluation(
    opts.out,
    evaluation,
    { data: opts.data, machine: `${os.cpus()[0]?.model ?? 'unknown cpu'} × ${os.cpus().length}, ${os.platform()} ${os.arch()}` },
    leaveSeriesOut ? { leaveSeriesOut } : {},
  );
  console.log(`\nwrote ${opts.out}`);
} finally {
  await forecaster.close();
}
