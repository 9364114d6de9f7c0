/**
 * `npm run train` — trains the forecaster on the bundled traces (and/or folders of recorded
 * telemetry), exports ONNX, evaluates it on the held-out later part of each series, writes
 * scorer/models/<version>.{onnx,json} and, if it beats tuned EWMA, points current.json at it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { MODELS_DIR, type CurrentModelPointer } from '../forecast/model-files.ts';
import { createOnnxForecaster } from '../forecast/onnx-forecaster.ts';
import { formatSummary } from '../eval/report.ts';
import { evaluateForecaster } from '../eval/rolling-origin.ts';
import { loadSeriesFolder } from './series.ts';
import { shipDecision } from './ship-policy.ts';
import { defaultTrainOptions, trainModel } from './train-model.ts';

const d = defaultTrainOptions;
const program = new Command('train')
  .description('Train, export and evaluate the ONNX forecaster')
  .option('--data <dirs...>', 'folders of timestamp,value CSVs (the traces and/or recorded telemetry)', ['data/traces'])
  .option('--out-dir <dir>', 'where the model files go', MODELS_DIR)
  .option('--window <n>', 'input window in steps', String(d.window))
  .option('--units <n>', 'LSTM units', String(d.units))
  .option('--hidden-units <n>', 'ReLU layer after the LSTM (0: none)', String(d.hiddenUnits))
  .option('--epochs <n>', 'training epochs', String(d.epochs))
  .option('--stride <n>', 'step between training windows', String(d.stride))
  .option('--learning-rate <x>', 'Adam learning rate', String(d.learningRate))
  .option('--train-fraction <x>', 'leading fraction of each series used for training', String(d.trainFraction))
  .option('--seed <n>', 'random seed', String(d.seed))
  .option('--model-version <name>', 'version name (default: from architecture and date)')
  .option('--force', 'point current.json at the new model even if it does not beat tuned EWMA')
  .parse();

const o = program.opts();
const logger = pino({ base: { component: 'train' } });
const series = (await Promise.all((o.data as string[]).map(loadSeriesFolder))).flat();
logger.info({ series: series.length, data: o.data }, 'training data loaded');
const options = {
  window: Number(o.window),
  units: Number(o.units),
  hiddenUnits: Number(o.hiddenUnits),
  epochs: Number(o.epochs),
  stride: Number(o.stride),
  learningRate: Number(o.learningRate),
  trainFraction: Number(o.trainFraction),
  seed: Number(o.seed),
  version: o.modelVersion as string | undefined,
  dataSources: o.data as string[],
};
const started = Date.now();
const trained = await trainModel(series, options, {
  onEpoch: (epoch, loss) => logger.info({ epoch: epoch + 1, loss, elapsedS: (Date.now() - started) / 1000 }, 'epoch'),
});
const forecaster = await createOnnxForecaster(trained, { logger });
const evaluation = await evaluateForecaster(series, forecaster, options.trainFraction);
await forecaster.close();
const decision = shipDecision(evaluation.horizons);
const metadata = {
  ...trained.metadata,
  training: { ...trained.metadata.training, seconds: (Date.now() - started) / 1000 },
  evaluation: { method: 'rolling-origin on the held-out later part of each series', horizons: evaluation.horizons, shipped: decision },
};
const outDir = path.resolve(o.outDir as string);
await mkdir(outDir, { recursive: true });
const version = metadata.version;
await writeFile(path.join(outDir, `${version}.onnx`), trained.onnx);
await writeFile(path.join(outDir, `${version}.json`), `${JSON.stringify(metadata, null, 2)}\n`);
console.log(`\n${formatSummary(evaluation)}\n`);
console.log(`wrote ${path.join(outDir, `${version}.onnx`)} (${trained.onnx.length} bytes) and its metadata`);
if (decision.ship || o.force) {
  const pointer: CurrentModelPointer = { version, model: `${version}.onnx`, metadata: `${version}.json` };
  await writeFile(path.join(outDir, 'current.json'), `${JSON.stringify(pointer, null, 2)}\n`);
  console.log(`current.json → ${version}: ${decision.reason}${decision.ship ? '' : ' (forced)'}`);
} else {
  console.log(`not shipped (current.json unchanged): ${decision.reason}`);
}
