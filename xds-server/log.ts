/** Structured JSON logs (pino). One root logger per process; components take children. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.PRESCIENT_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'prescient' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
