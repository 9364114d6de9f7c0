/**
 * `npm run train` — trains the forecaster on the bundled traces (and/or folders of recorded
 * telemetry), exports ONNX, evaluates it on the held-out later part of each series, runs the
 * leave-series-out evaluation (one model per fold of series, judged on series it never saw),
 * writes scorer/models/<version>.{onnx,json} and points current.json at it only if it beats tuned
 * EWMA both ways (scorer/train/ship-policy.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { MODELS_DIR, type CurrentModelPointer } from '../forecast/model-files.ts';
import { createOnnxForecaster } from '../forecast/onnx-forecaster.ts';
import { evaluateLeaveSeriesOut, type LeaveSeriesOutEvaluation } from '../eval/leave-series-out.ts';
import { formatLeaveSeriesOut, formatSummary } from '../eval/report.ts';
import { evaluateForecaster } from '../eval/rolling-origin.ts';
import { loadSeriesFolder } from './series.ts';
import { trainShipDecision } from './ship-policy.ts';
import { addTrainingOptions, trainingOptionsFrom } from './train-cli-options.ts';
import { defaultTrainOptions, trainModel } from './train-model.ts';

const DEFAULT_SHIP_FOLDS = 5;

const program = addTrainingOptions(
  new Command('train')
    .description('Train, export and evaluate the ONNX forecaster')
    .option('--data <dirs...>', 'folders of timestamp,value CSVs (the traces and/or recorded telemetry)', ['data/traces'])
    .option('--out-dir <dir>', 'where the model files go', MODELS_DIR),
)
  .option('--train-fraction <x>', 'leading fraction of each series used for training', String(defaultTrainOptions.trainFraction))
  .option(
    '--leave-series-out <k>',
    'folds of series for the held-out ship rule (one extra training per fold; 0: skip, then only --force ships)',
    String(DEFAULT_SHIP_FOLDS),
  )
  .option('--model-version <name>', 'version name (default: from architecture and date)')
  .option('--force', 'point current.json at the new model even if it does not beat tuned EWMA')
  .parse();

const o = program.opts();
const logger = pino({ base: { component: 'train' } });
const series = (await Promise.all((o.data as string[]).map(loadSeriesFolder))).flat();
logger.info({ series: series.length, data: o.data }, 'training data loaded');
const options = {
  ...defaultTrainOptions,
  ...trainingOptionsFrom(o),
  version: o.modelVersion as string | undefined,
  dataSources: o.data as string[],
};
const started = Date.now();
const trained = await trainModel(series, options, {
  onEpoch: (epoch, loss) => logger.info({ epoch: epoch + 1, loss, elapsedS: (Date.now() - started) / 1000 }, 'epoch'),
});
const trainingSeconds = (Date.now() - started) / 1000;
const forecaster = await createOnnxForecaster(trained, { logger });
const evaluation = await evaluateForecaster(series, forecaster, options.trainFraction);
await forecaster.close();
console.log(`\n${formatSummary(evaluation)}\n`);

const folds = Math.min(Number(o.leaveSeriesOut), series.length);
let heldOut: LeaveSeriesOutEvaluation | undefined;
if (folds >= 2) {
  const { version: _v, dataSources: _d, ...foldOptions } = options;
  heldOut = await evaluateLeaveSeriesOut(series, {
    folds,
    train: foldOptions,
    logger,
    onFold: (fold, seconds) => logger.info({ fold: fold.index, heldOut: fold.test, seconds }, 'leave-series-out fold trained and evaluated'),
  });
  console.log(`${formatLeaveSeriesOut(heldOut)}\n`);
}
const decision = trainShipDecision(evaluation.horizons, heldOut?.horizons);
const metadata = {
  ...trained.metadata,
  training: { ...trained.metadata.training, seconds: trainingSeconds },
  evaluation: {
    method: 'rolling-origin on the held-out later part of each series',
    horizons: evaluation.horizons,
    leaveSeriesOut: heldOut && {
      method: heldOut.method,
      folds: heldOut.folds.map((f) => f.test),
      horizons: heldOut.horizons,
      lossesToEwma: heldOut.lossesToEwma,
      seconds: heldOut.seconds,
    },
    shipped: { ...decision, forced: !decision.ship && Boolean(o.force) },
  },
};
const outDir = path.resolve(o.outDir as string);
await mkdir(outDir, { recursive: true });
const version = metadata.version;
await writeFile(path.join(outDir, `${version}.onnx`), trained.onnx);
await writeFile(path.join(outDir, `${version}.json`), `${JSON.stringify(metadata, null, 2)}\n`);
console.log(`wrote ${path.join(outDir, `${version}.onnx`)} (${trained.onnx.length} bytes) and its metadata`);
if (decision.ship || o.force) {
  const pointer: CurrentModelPointer = { version, model: `${version}.onnx`, metadata: `${version}.json` };
  await writeFile(path.join(outDir, 'current.json'), `${JSON.stringify(pointer, null, 2)}\n`);
  console.log(`current.json → ${version}: ${decision.reason}${decision.ship ? '' : ' (forced)'}`);
} else {
  console.log(`not shipped (current.json unchanged): ${decision.reason}`);
}
