/** Human and machine output of an evaluation: a MASE table on stdout, JSON on disk. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LeaveSeriesOutEvaluation } from './leave-series-out.ts';
import { METHODS, type ForecastEvaluation, type HorizonSummary } from './rolling-origin.ts';

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

export function formatSummary(evaluation: { readonly horizons: readonly HorizonSummary[] }): string {
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

/** Held-out summary, per-series MASE at the first horizon with each series' fold, and the losses to EWMA. */
export function formatLeaveSeriesOut(e: LeaveSeriesOutEvaluation): string {
  const first = e.horizons[0]?.steps;
  const perSeries = e.series.map((s) => {
    const h = s.horizons[0];
    return `${s.name.padEnd(40)}${String(s.fold).padStart(5)}${METHODS.map((m) => fixed(h.mase[m]).padStart(14)).join('')}`;
  });
  const losses = e.lossesToEwma.map((l) => `  ${l.steps} step(s): ${l.series.length} of ${e.series.length}${l.series.length ? ` (${l.series.join(', ')})` : ''}`);
  return [
    `leave-series-out, ${e.folds.length} folds, ${e.training.epochs} epochs per fold model, ${e.seconds.toFixed(0)} s; model = the fold's model, never trained on the series:`,
    formatSummary(e),
    `\nMASE at ${first} step(s) per held-out series (fold, ${METHODS.join(', ')}):`,
    ...perSeries,
    `\nheld-out series where the model's MASE is above tuned EWMA's:`,
    ...losses,
  ].join('\n');
}

/** The evaluation's fields after `extra` (where the data came from), then any further sections. */
export async function writeEvaluation(
  file: string,
  evaluation: ForecastEvaluation,
  extra: Record<string, unknown> = {},
  sections: Record<string, unknown> = {},
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...extra, ...evaluation, ...sections }, null, 2)}\n`);
}
