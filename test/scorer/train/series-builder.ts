/** Test fixtures: seeded synthetic series in the traces' shape, and a tiny trained model. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../../scorer/train/random.ts';
import type { NamedSeries } from '../../../scorer/train/series.ts';
import { trainNetwork, type TrainedNetwork, type TrainOptions } from '../../../scorer/train/train-model.ts';

export function syntheticSeries(name: string, length: number, seed: number, period = 24): NamedSeries {
  const random = seededRandom(seed);
  const values = new Float64Array(length);
  let drift = 0;
  for (let t = 0; t < length; t++) {
    drift += (random() - 0.5) * 0.2;
    values[t] = 10 + seed + 3 * Math.sin((2 * Math.PI * t) / period) + drift + (random() - 0.5);
  }
  return { name, values, stepSeconds: 300 };
}

export function toCsv(series: NamedSeries, startMs = Date.UTC(2024, 0, 1)): string {
  const rows = Array.from(series.values, (v, i) => {
    const stamp = new Date(startMs + i * series.stepSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
    return `${stamp},${v}`;
  });
  return `timestamp,value\n${rows.join('\n')}\n`;
}

export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `prescient-${prefix}-`));
}

export async function writeSeriesFolder(dir: string, series: readonly NamedSeries[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(series.map((s) => writeFile(path.join(dir, `${s.name}.csv`), toCsv(s))));
}

export const tinySeries = (): NamedSeries[] => [syntheticSeries('alpha', 360, 1), syntheticSeries('beta', 360, 2)];

/** Settings that train in about a second: enough to exercise every path, not to forecast well. */
export const tinyOptions: Partial<TrainOptions> = {
  window: 16,
  horizons: [1, 3, 12],
  units: 6,
  epochs: 1,
  stride: 4,
  batchSize: 64,
  version: 'tiny-test',
};

export const fixedClock = () => new Date('2025-01-01T00:00:00Z');

let tiny: Promise<{ trained: TrainedNetwork; modelPath: string }> | undefined;

/** One tiny model per test process, written to a scratch folder as `<version>.onnx` + `.json`. */
export function tinyModel(): Promise<{ trained: TrainedNetwork; modelPath: string }> {
  tiny ??= (async () => {
    const trained = await trainNetwork(tinySeries(), tinyOptions, { now: fixedClock });
    const dir = await scratchDir('model');
    const modelPath = path.join(dir, 'tiny-test.onnx');
    await writeFile(modelPath, trained.onnx);
    await writeFile(path.join(dir, 'tiny-test.json'), JSON.stringify(trained.metadata));
    return { trained, modelPath };
  })();
  return tiny;
}
