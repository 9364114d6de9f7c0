/** Human and machine output of an evaluation: a MASE table on stdout, JSON on disk. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { METHODS, type ForecastEvaluation } from './rolling-origin.ts';

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

export function formatSummary(evaluation: ForecastEvaluation): string {
  const header = ['steps', 'stat', ...METHODS].map((c) => c.padStart(14)).join('');
  const rows = evaluation.horizons.flatMap((h) => [
    [String(h.steps), 'median MASE', ...METHODS.map((m) => fixed(h.medianMase[m]))],
    [String(h.steps), 'max MASE', ...METHODS.map((m) => fixed(h.maxMase[m]))],
  ]);
  return [header, ...rows.map((r) => r.map((c) => c.padStart(14)).join(''))].join('\n');
}

export function formatSeries(evaluation: ForecastEvaluation, steps: number): string {
  return evaluation.series
    .map((s) => {
      const h = s.horizons.find((x) => x.steps === steps);
      if (!h) return '';
      return `${s.name.padEnd(40)}${METHODS.map((m) => fixed(h.mase[m]).padStart(14)).join('')}`;
    })
    .join('\n');
}

export async function writeEvaluation(file: string, evaluation: ForecastEvaluation, extra: Record<string, unknown> = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...extra, ...evaluation }, null, 2)}\n`);
}
