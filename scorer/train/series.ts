/**
 * Univariate series as training and evaluation read them: the traces' CSV format
 * (`timestamp,value` header, `YYYY-MM-DD HH:MM:SS` timestamps, one series per file), which is also
 * what Prescient writes when it records its own telemetry.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../../api/coded-error.ts';

export interface NamedSeries {
  readonly name: string;
  readonly values: Float64Array;
  /** Typical step between samples in seconds (the median step). */
  readonly stepSeconds: number;
}

export class SeriesError extends CodedError<'FORECAST_SERIES_INVALID'> {
  constructor(message: string) {
    super('FORECAST_SERIES_INVALID', message);
  }
}

function parseTimestamp(text: string): number {
  const iso = text.trim().replace(' ', 'T');
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return ms;
}

/**
 * Parses one CSV. Rows are ordered by time; a repeated timestamp keeps its last row (the traces
 * repeat 03:00:00 on a daylight-saving change). Gaps are kept as they are: the series is treated
 * as a sequence of samples at its typical step.
 */
export function parseSeriesCsv(name: string, text: string): NamedSeries {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2 || !/^\s*timestamp\s*,\s*value\s*$/i.test(lines[0])) {
    throw new SeriesError(`${name}: expected a 'timestamp,value' header and at least one row`);
  }
  const byTime = new Map<number, number>();
  lines.slice(1).forEach((line, i) => {
    const [stamp, raw] = line.split(',');
    const time = parseTimestamp(stamp ?? '');
    const value = Number(raw);
    if (!Number.isFinite(time) || raw === undefined || raw.trim() === '' || !Number.isFinite(value)) {
      throw new SeriesError(`${name}: line ${i + 2} is not 'YYYY-MM-DD HH:MM:SS,<number>': ${line}`);
    }
    byTime.set(time, value);
  });
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const values = Float64Array.from(times, (t) => byTime.get(t) as number);
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const stepSeconds = steps.length > 0 ? steps[Math.floor(steps.length / 2)] / 1000 : 300;
  return { name, values, stepSeconds };
}

/** Every `*.csv` in a folder, sorted by name. */
export async function loadSeriesFolder(dir: string): Promise<NamedSeries[]> {
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new SeriesError(`no .csv files in ${dir}`);
  return Promise.all(
    files.map(async (file) => parseSeriesCsv(file.replace(/\.csv$/i, ''), await readFile(path.join(dir, file), 'utf8'))),
  );
}

/** First index of the test part in a time-based split: training is values[0..split). */
export function splitIndex(length: number, trainFraction: number): number {
  return Math.floor(length * trainFraction);
}
