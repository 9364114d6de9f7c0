/**
 * The failover state machine of one service (DESIGN §6), pure: observations of the primary in,
 * the next state and the transitions (with their evidence) out. No clock, timers or I/O: the
 * module feeds it probe results stamped with the root's clock, so tests replay any history.
 *
 *   primary → failing-over → on-shadow → verifying → failing-back → primary
 *
 * - primary: `failAfter` bad observations in a row fail over (the module then moves the primary
 *   endpoints below the standby ones in EDS priority).
 * - on-shadow: the primary answering again starts verification; nothing happens before.
 * - verifying: the primary must stay good without a break for `verifyMs` and at least
 *   `healthyProbes` observations, and the dwell time since failing over must have passed; one bad
 *   observation sends it back to on-shadow. Clients fail over on their own between pushes (EDS
 *   priorities), but only this machine fails back: no anchor waits in Envoy, Istio or Linkerd.
 * - Flap suppression: a failover within `flapWindowMs` of the last failback doubles the dwell
 *   (up to `maxDwellMs`); a quiet window resets it. A primary healthy for less than `verifyMs` at
 *   a time is never failed back to.
 * - held: an operator froze the machine; it observes but does not move until released.
 */

export type FailoverState = 'primary' | 'failing-over' | 'on-shadow' | 'verifying' | 'failing-back';

export interface FailoverSettings {
  readonly failAfter: number;
  readonly dwellMs: number;
  readonly verifyMs: number;
  readonly healthyProbes: number;
  /** An observation is bad below this share of healthy primary endpoints (0–100). */
  readonly minHealthyPercent: number;
  /** An observation is bad when the primary's latency exceeds this (its SLO); none by default. */
  readonly maxLatencyMs?: number;
  readonly flapWindowMs: number;
  readonly maxDwellMs: number;
}

export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = {
  failAfter: 2,
  dwellMs: 30_000,
  verifyMs: 10_000,
  healthyProbes: 5,
  minHealthyPercent: 50,
  flapWindowMs: 300_000,
  maxDwellMs: 600_000,
};

/** One round of probes of the primary endpoints. */
export interface Observation {
  readonly at: number;
  readonly healthy: number;
  readonly total: number;
  /** Slowest healthy probe, ms. */
  readonly latencyMs?: number;
  /** Per endpoint: "ok 3ms" / "refused" / "timeout", for the audit trail. */
  readonly detail?: Readonly<Record<string, string>>;
}

export interface MachineState {
  readonly state: FailoverState;
  readonly since: number;
  readonly badStreak: number;
  /** Start of the current unbroken good streak while on shadow or verifying. */
  readonly goodSince?: number;
  readonly goodStreak: number;
  readonly failedOverAt?: number;
  readonly lastFailbackAt?: number;
  /** Dwell in force for the current failover (doubled by flapping). */
  readonly dwellMs: number;
  readonly held: boolean;
  /** Failovers and failbacks so far. */
  readonly switches: number;
}

export interface Transition {
  readonly from: FailoverState;
  readonly to: FailoverState;
  readonly at: number;
  readonly reason: string;
  readonly evidence: Record<string, unknown>;
}

export function initialState(now: number, settings: FailoverSettings): MachineState {
  return { state: 'primary', since: now, badStreak: 0, goodStreak: 0, dwellMs: settings.dwellMs, held: false, switches: 0 };
}

/** Whether the primary takes traffic in this state (otherwise it sits below the standby). */
export function primaryServes(state: FailoverState): boolean {
  return state === 'primary' || state === 'failing-back';
}

export function isGood(o: Observation, s: FailoverSettings): boolean {
  if (o.total === 0) return true;
  const share = (100 * o.healthy) / o.total;
  return share >= s.minHealthyPercent && !(s.maxLatencyMs !== undefined && o.latencyMs !== undefined && o.latencyMs > s.maxLatencyMs);
}

function evidenceOf(o: Observation, extra: Record<string, unknown>): Record<string, unknown> {
  return { healthy: `${o.healthy}/${o.total}`, ...(o.latencyMs !== undefined && { latencyMs: Math.round(o.latencyMs * 10) / 10 }), ...(o.detail && { endpoints: o.detail }), ...extra };
}

export function step(m: MachineState, o: Observation, s: FailoverSettings): { next: MachineState; transitions: Transition[] } {
  const good = isGood(o, s);
  const counted: MachineState = {
    ...m,
    badStreak: good ? 0 : m.badStreak + 1,
    goodStreak: good ? m.goodStreak + 1 : 0,
    goodSince: good ? (m.goodSince ?? o.at) : undefined,
  };
  if (m.held) return { next: counted, transitions: [] };
  const go = (to: FailoverState, reason: string, extra: Record<string, unknown>, patch: Partial<MachineState> = {}) => {
    const next: MachineState = { ...counted, ...patch, state: to, since: o.at };
    return { next, transitions: [{ from: m.state, to, at: o.at, reason, evidence: evidenceOf(o, extra) }] };
  };
  switch (m.state) {
    case 'primary': {
      if (counted.badStreak < s.failAfter) return { next: counted, transitions: [] };
      const flapping = m.lastFailbackAt !== undefined && o.at - m.lastFailbackAt < s.flapWindowMs;
      const dwellMs = flapping ? Math.min(m.dwellMs * 2, s.maxDwellMs) : s.dwellMs;
      return go('failing-over', `${counted.badStreak} bad observations in a row`, { badStreak: counted.badStreak, dwellMs, ...(flapping && { flapping: true }) }, { failedOverAt: o.at, dwellMs, switches: m.switches + 1, goodSince: undefined, goodStreak: 0 });
    }
    case 'failing-over':
      return go('on-shadow', 'standby endpoints take the traffic', {});
    case 'on-shadow':
      return good ? go('verifying', 'primary answers again', {}) : { next: counted, transitions: [] };
    case 'verifying': {
      if (!good) return go('on-shadow', 'verification failed', {}, { goodSince: undefined, goodStreak: 0 });
      const healthyFor = o.at - (counted.goodSince ?? o.at);
      const dwelt = o.at - (m.failedOverAt ?? o.at);
      if (counted.goodStreak >= s.healthyProbes && healthyFor >= s.verifyMs && dwelt >= m.dwellMs) {
        return go('failing-back', 'primary verified', { goodStreak: counted.goodStreak, healthyForMs: healthyFor, dweltMs: dwelt }, { lastFailbackAt: o.at, switches: m.switches + 1 });
      }
      return { next: counted, transitions: [] };
    }
    case 'failing-back':
      return go('primary', 'primary takes the traffic', {});
  }
}

/** An operator's move (revert, hold): the target state at once, audited by the caller. */
export function force(m: MachineState, to: 'primary' | 'on-shadow', at: number, hold: boolean): { next: MachineState; transition: Transition } {
  const next: MachineState = {
    ...m,
    state: to,
    since: at,
    held: hold,
    badStreak: 0,
    goodStreak: 0,
    goodSince: undefined,
    ...(to === 'on-shadow' ? { failedOverAt: at } : { lastFailbackAt: at }),
    switches: m.switches + (primaryServes(m.state) === (to === 'primary') ? 0 : 1),
  };
  return { next, transition: { from: m.state, to, at, reason: 'operator', evidence: { held: hold } } };
}
