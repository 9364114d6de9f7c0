import assert from 'node:assert/strict';
import { evaluateLeaveSeriesOut, seriesFolds, trainingSeriesFor, type SeriesFold } from '../../../scorer/eval/leave-series-out.ts';
import { METHODS } from '../../../scorer/eval/rolling-origin.ts';
import type { NamedSeries } from '../../../scorer/train/series.ts';
import { trainModel, type TrainOptions } from '../../../scorer/train/train-model.ts';
import { syntheticSeries, tinyOptions } from '../train/series-builder.ts';
import { silentLogger } from '../train/silent-logger.ts';

const names = ['ec2_b', 'rds_a', 'ec2_a', 'grok', 'iio', 'ec2_c', 'net_x'];

describe('leave-series-out folds', () => {
  it('holds every series out exactly once and never trains on a held-out one', () => {
    const folds = seriesFolds(names, 3);
    assert.equal(folds.length, 3);
    const heldOut = folds.flatMap((f) => f.test).sort();
    assert.deepEqual(heldOut, [...names].sort(), 'each series in exactly one test fold');
    for (const f of folds) {
      assert.ok(f.test.length > 0);
      assert.deepEqual(f.train.filter((n) => f.test.includes(n)), [], `fold ${f.index} trains on a held-out series`);
      assert.deepEqual([...f.train, ...f.test].sort(), [...names].sort(), `fold ${f.index} leaves a series out of both sides`);
    }
  });

  it('assigns deterministically: sorted names, round robin, independent of the input order', () => {
    const folds = seriesFolds(names, 3);
    assert.deepEqual(seriesFolds([...names].reverse(), 3), folds);
    assert.deepEqual(folds[0].test, ['ec2_a', 'grok', 'rds_a']);
    assert.deepEqual(folds[1].test, ['ec2_b', 'iio']);
    assert.deepEqual(folds[2].test, ['ec2_c', 'net_x']);
  });

  it('rejects K outside 2..n and duplicate names with FORECAST_FOLDS_INVALID', () => {
    for (const k of [0, 1, 8, 2.5]) assert.throws(() => seriesFolds(names, k), { code: 'FORECAST_FOLDS_INVALID' });
    assert.throws(() => seriesFolds(['a', 'b', 'a'], 2), { code: 'FORECAST_FOLDS_INVALID' });
  });

  it('refuses to build a training set that contains a held-out series', () => {
    const series = ['a', 'b', 'c'].map((n, i) => syntheticSeries(n, 50, i + 1));
    const leaky: SeriesFold = { index: 0, train: ['a', 'b'], test: ['b', 'c'] };
    assert.throws(() => trainingSeriesFor(series, leaky), { code: 'FORECAST_FOLDS_INVALID', message: /held-out series b/ });
    assert.deepEqual(trainingSeriesFor(series, { index: 1, train: ['a'], test: ['b', 'c'] }).map((s) => s.name), ['a']);
  });
});

describe('leave-series-out evaluation', () => {
  it('trains each fold on the other series only and evaluates it on its held-out series', async () => {
    const series = [syntheticSeries('one', 360, 1), syntheticSeries('two', 360, 2), syntheticSeries('three', 360, 3)];
    const trainedOn: string[][] = [];
    const recordingTrain = (s: readonly NamedSeries[], o: Partial<TrainOptions>) => {
      trainedOn.push(s.map((x) => x.name));
      return trainModel(s, o, { now: () => new Date('2025-01-01T00:00:00Z') });
    };
    const result = await evaluateLeaveSeriesOut(series, { folds: 3, train: tinyOptions, trainFn: recordingTrain, logger: silentLogger });
    // Folds over sorted names: one | three | two.
    assert.deepEqual(trainedOn, [['two', 'three'], ['one', 'two'], ['one', 'three']]);
    for (const s of result.series) {
      assert.ok(!trainedOn[s.fold].includes(s.name), `${s.name} evaluated by a model trained on it`);
    }
    assert.deepEqual(result.series.map((s) => [s.name, s.fold]), [['one', 0], ['three', 1], ['two', 2]]);
    assert.deepEqual(result.horizons.map((h) => h.steps), [1, 3, 12]);
    assert.deepEqual(result.lossesToEwma.map((l) => l.steps), [1, 3, 12]);
    assert.equal(result.training.epochs, 1);
    for (const h of result.horizons) for (const m of METHODS) assert.ok(Number.isFinite(h.medianMase[m]) && h.medianMase[m] <= h.maxMase[m]);
    const first = result.series[0].horizons[0];
    // Origins from the last training point (split − 1) to the one before the last value.
    assert.equal(first.origins, 360 - Math.floor(360 * 0.7));
  });
});
