import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { scratchDir, syntheticSeries, writeSeriesFolder } from './series-builder.ts';

const run = promisify(execFile);
const exists = (file: string) => access(file).then(() => true, () => false);

describe('npm run train', () => {
  it('records both ship rules in the metadata and moves current.json only as they (or --force) say', async () => {
    const dir = await scratchDir('train-main');
    const data = path.join(dir, 'data');
    await writeSeriesFolder(data, [syntheticSeries('one', 360, 3), syntheticSeries('two', 360, 4), syntheticSeries('three', 360, 5)]);
    const tiny = ['--window', '16', '--units', '6', '--epochs', '1', '--stride', '4', '--leave-series-out', '3'];
    const train = (outDir: string, ...extra: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'scorer/train/main.ts', '--data', data, '--out-dir', outDir, '--model-version', 'tiny', ...tiny, ...extra]);
    const plain = path.join(dir, 'plain');
    await train(plain);
    const metadata = JSON.parse(await readFile(path.join(plain, 'tiny.json'), 'utf8'));
    const shipped = metadata.evaluation.shipped;
    assert.equal(typeof shipped.ship, 'boolean');
    assert.equal(shipped.ship, shipped.inSample.ship && shipped.heldOut.ship);
    assert.ok(Number.isFinite(shipped.heldOut.medianMase.model) && Number.isFinite(shipped.heldOut.medianMase.ewma));
    assert.equal(shipped.heldOut.ship, shipped.heldOut.medianMase.model < shipped.heldOut.medianMase.ewma);
    assert.deepEqual(metadata.evaluation.leaveSeriesOut.folds, [['one'], ['three'], ['two']]);
    assert.equal(await exists(path.join(plain, 'current.json')), shipped.ship);

    const forced = path.join(dir, 'forced');
    await train(forced, '--force');
    assert.equal(JSON.parse(await readFile(path.join(forced, 'current.json'), 'utf8')).version, 'tiny');
  });
});
