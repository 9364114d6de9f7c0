/**
 * The training options of `npm run train`, shared with `npm run eval:forecast --leave-series-out`
 * so that the held-out evaluation trains exactly as the production training does.
 */
import type { Command } from 'commander';
import { defaultTrainOptions, type TrainOptions } from './train-model.ts';

const d = defaultTrainOptions;

/** Adds --window, --units, --hidden-units, --epochs, --stride, --learning-rate, --seed. */
export function addTrainingOptions(command: Command): Command {
  return command
    .option('--window <n>', 'input window in steps', String(d.window))
    .option('--units <n>', 'LSTM units', String(d.units))
    .option('--hidden-units <n>', 'ReLU layer after the LSTM (0: none)', String(d.hiddenUnits))
    .option('--epochs <n>', 'training epochs', String(d.epochs))
    .option('--stride <n>', 'step between training windows', String(d.stride))
    .option('--learning-rate <x>', 'Adam learning rate', String(d.learningRate))
    .option('--seed <n>', 'random seed', String(d.seed));
}

/** The options above (and --train-fraction) as TrainOptions fields. */
export function trainingOptionsFrom(o: Record<string, unknown>): Partial<TrainOptions> {
  const out: Record<string, number> = {};
  const fields: [string, keyof TrainOptions][] = [
    ['window', 'window'],
    ['units', 'units'],
    ['hiddenUnits', 'hiddenUnits'],
    ['epochs', 'epochs'],
    ['stride', 'stride'],
    ['learningRate', 'learningRate'],
    ['seed', 'seed'],
    ['trainFraction', 'trainFraction'],
  ];
  for (const [flag, field] of fields) {
    if (o[flag] === undefined) continue;
    const value = Number(o[flag]);
    if (!Number.isFinite(value)) throw new Error(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a number, got ${String(o[flag])}`);
    out[field] = value;
  }
  return out as Partial<TrainOptions>;
}
