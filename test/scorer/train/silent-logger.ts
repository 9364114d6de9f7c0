/** Loggers for tests: one that drops everything, one that keeps what it was told. */
import { pino } from 'pino';
import type { ForecastLogger } from '../../../scorer/forecast/execution-provider.ts';

export const silentLogger: ForecastLogger = pino({ level: 'silent' });

export interface LogLine {
  readonly level: 'warn' | 'info';
  readonly fields: unknown;
  readonly message: string;
}

export function capturingLogger(): ForecastLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record = (level: LogLine['level']) => (fields: unknown, message?: string) => {
    lines.push({ level, fields, message: message ?? String(fields) });
  };
  return { lines, warn: record('warn'), info: record('info') } as unknown as ForecastLogger & { lines: LogLine[] };
}
