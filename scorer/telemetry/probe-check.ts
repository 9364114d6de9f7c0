/** One kind of active probe against one endpoint; implementations keep their connection between runs. */
export interface ProbeOutcome {
  ok: boolean;
  /** True when the probe ran out of time (a subset of failures). */
  timedOut: boolean;
  /** Why it failed, for debug logs. */
  detail?: string;
}

export interface ProbeCheck {
  /** Resolves (never rejects) once the endpoint answered, failed or `timeoutMs` passed. */
  run(timeoutMs: number): Promise<ProbeOutcome>;
  close(): void;
}

export const OK: ProbeOutcome = { ok: true, timedOut: false };

export function failed(detail: string, timedOut = false): ProbeOutcome {
  return { ok: false, timedOut, detail };
}
