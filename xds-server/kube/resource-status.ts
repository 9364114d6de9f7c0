/**
 * The status Prescient writes back to each of its custom resources: the verdict of the last
 * reload (admit-resources.ts) in Kubernetes' condition shape, like Istio's analysis messages.
 *
 *   status:
 *     observedGeneration: 4          # the generation this status is about
 *     servingGeneration: 3           # the generation in the configuration now (absent: none)
 *     conditions:
 *       - type: Accepted
 *         status: "False"            # True | False
 *         reason: Invalid            # Accepted | Invalid | ConfigurationRefused
 *         message: "1 error; generation 3 keeps serving. spec.ports[0].port: must be ≤ 65535 [PRESCIENT_CONFIG_SCHEMA]"
 *         observedGeneration: 4
 *         lastTransitionTime: "…"
 *     errors:                        # only with reason Invalid
 *       - {code: PRESCIENT_CONFIG_SCHEMA, path: spec.ports[0].port, message: "…"}
 *
 * `lastTransitionTime` changes only when the condition's status does, so an unchanged verdict gives
 * an identical status, which is not written again (status-writer.ts).
 */
import type { ConfigError } from '../config/index.ts';
import type { ResourceVerdict } from '../pipeline/admit-resources.ts';

export const ACCEPTED = 'Accepted';

export const REASON = {
  accepted: 'Accepted',
  /** The resource's own errors keep its current generation out. */
  invalid: 'Invalid',
  /** Valid, but the reload was refused for errors elsewhere (files); nothing new was applied. */
  refused: 'ConfigurationRefused',
} as const;

export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface StatusError {
  code: string;
  path: string;
  message: string;
}

export interface PrescientStatus {
  observedGeneration?: number;
  servingGeneration?: number;
  conditions: StatusCondition[];
  errors?: StatusError[];
}

/** Kubernetes objects stay small: at most this many errors, each message cut to this length. */
const MAX_ERRORS = 20;
const MAX_MESSAGE = 1000;

function clip(text: string, max = MAX_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function errorLine(e: ConfigError): string {
  return `${e.path ? `${e.path}: ` : ''}${e.message} [${e.code}]`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The status for `verdict`. `blockers` are the errors that refused the whole reload (for
 * ConfigurationRefused); `previous` is the status the object carries now (its transition time is
 * kept when the condition's status does not change).
 */
export function statusFor(verdict: ResourceVerdict, blockers: readonly string[], previous: unknown, now: number): PrescientStatus {
  const gen = verdict.generation;
  const servingGeneration = verdict.serving?.generation;
  let status: StatusCondition['status'];
  let reason: string;
  let message: string;
  let errors: StatusError[] | undefined;
  if (verdict.state === 'accepted') {
    [status, reason, message] = ['True', REASON.accepted, 'in the configuration Prescient serves'];
  } else if (verdict.state === 'rejected') {
    const keeps = servingGeneration !== undefined ? `generation ${servingGeneration} keeps serving` : verdict.serving ? 'the last accepted version keeps serving' : 'not in the configuration';
    status = 'False';
    reason = REASON.invalid;
    message = clip(`${plural(verdict.errors.length, 'error')}; ${keeps}. ${verdict.errors.slice(0, 3).map(errorLine).join('; ')}`);
    errors = verdict.errors.slice(0, MAX_ERRORS).map((e) => ({ code: e.code, path: e.path, message: clip(e.message) }));
  } else {
    status = 'False';
    reason = REASON.refused;
    message = clip(`valid, but the reload was refused as a whole for ${plural(blockers.length, 'error')} outside custom resources; the configuration that was serving keeps serving. ${blockers.slice(0, 3).join('; ')}`);
  }
  const before = conditionOf(previous, ACCEPTED);
  const condition: StatusCondition = {
    type: ACCEPTED,
    status,
    reason,
    message,
    ...(gen !== undefined && { observedGeneration: gen }),
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : new Date(now).toISOString(),
  };
  return {
    ...(gen !== undefined && { observedGeneration: gen }),
    ...(servingGeneration !== undefined && { servingGeneration }),
    conditions: [condition],
    ...(errors && { errors }),
  };
}

export function conditionOf(status: unknown, type: string): StatusCondition | undefined {
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is StatusCondition => typeof c === 'object' && c !== null && (c as { type?: unknown }).type === type);
}

/** Canonical JSON (sorted keys), so key order from the API server does not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function sameStatus(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}
