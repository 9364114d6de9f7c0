/**
 * Telemetry sources log through an injected pino logger (the process's root logger's child in
 * `prescient serve`); decide-stage code cannot import xds-server/log.ts, so the type comes from
 * pino itself. The default drops everything.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const silentLogger: Logger = pino({ level: 'silent' });
