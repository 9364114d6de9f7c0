import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { METHODS } from '../../../scorer/eval/rolling-origin.ts';
import { scratchDir, syntheticSeries, tinyModel, writeSeriesFolder } from '../train/series-builder.ts';

const run = promisify(execFile);

describe('npm run eval:forecast', () => {
  it('evaluates a folder of CSVs and writes the summary and per-series JSON', async () => {
    const { modelPath } = await tinyModel();
    const dir = await scratchDir('eval');
    const data = path.join(dir, 'data');
    await writeSeriesFolder(data, [syntheticSeries('one', 400, 5), syntheticSeries('two', 400, 6)]);
    const out = path.join(dir, 'out', 'forecast.json');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scorer/eval/main.ts', '--data', data, '--out', out, '--model', modelPath]);
    assert.match(stdout, /median MASE/);
    const result = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(result.horizons.map((h: { steps: number }) => h.steps), [1, 3, 12]);
    for (const h of result.horizons) {
      assert.deepEqual(Object.keys(h.medianMase).sort(), [...METHODS].sort());
      assert.deepEqual(Object.keys(h.maxMase).sort(), [...METHODS].sort());
      for (const m of METHODS) assert.ok(h.medianMase[m] > 0 && h.medianMase[m] <= h.maxMase[m]);
    }
    assert.deepEqual(result.series.map((s: { name: string }) => s.name), ['one', 'two']);
    const first = result.series[0].horizons[0];
    assert.equal(first.steps, 1);
    assert.equal(first.origins, 400 - 280 + 1 - 1);
    for (const m of METHODS) assert.ok(Number.isFinite(first.mase[m]) && Number.isFinite(first.mae[m]));
  });

  it('--leave-series-out adds a held-out section and keeps the existing fields', async () => {
    const { modelPath } = await tinyModel();
    const dir = await scratchDir('eval-lso');
    const data = path.join(dir, 'data');
    await writeSeriesFolder(data, [syntheticSeries('one', 360, 5), syntheticSeries('two', 360, 6)]);
    const out = path.join(dir, 'forecast.json');
    const tiny = ['--window', '16', '--units', '6', '--epochs', '1', '--stride', '4'];
    const args = ['--import', 'tsx', 'scorer/eval/main.ts', '--data', data, '--out', out, '--model', modelPath, '--leave-series-out', '2', ...tiny];
    const { stdout } = await run(process.execPath, args);
    assert.match(stdout, /leave-series-out, 2 folds, 1 epochs/);
    const result = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(result.series.map((s: { name: string }) => s.name), ['one', 'two'], 'the in-sample evaluation is still there');
    const lso = result.leaveSeriesOut;
    assert.deepEqual(lso.folds.map((f: { test: string[] }) => f.test), [['one'], ['two']]);
    assert.deepEqual(lso.folds.map((f: { train: string[] }) => f.train), [['two'], ['one']]);
    assert.deepEqual(lso.series.map((s: { name: string; fold: number }) => [s.name, s.fold]), [['one', 0], ['two', 1]]);
    assert.equal(lso.training.window, 16);
    assert.deepEqual(lso.horizons.map((h: { steps: number }) => h.steps), [1, 3, 12]);
    for (const h of lso.horizons) for (const m of METHODS) assert.ok(Number.isFinite(h.medianMase[m]));
  });
});
