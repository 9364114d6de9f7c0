/** The slice of a pino logger the scorer uses; decide-stage code takes it injected. */
export interface ScorerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentScorerLogger: ScorerLogger = { info() {}, warn() {}, error() {} };
