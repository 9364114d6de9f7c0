/**
 * Failover as a module of the root (DESIGN §6). Per FailoverPolicy it probes the Service's primary
 * endpoints (EDS priority 0) and feeds the pure state machine (mirror/failover-machine.ts). While
 * the primary does not serve, its endpoints are published in the `failover` decision slice one
 * priority below the lowest standby endpoint, so Envoy and gRPC send traffic to the standby, and
 * fall back to the primary on their own should the standby fail too. Only the replica leading
 * the "failover" key probes and acts. Every transition goes to the audit trail with its evidence
 * (and to the policy's webhook); `audit revert` of a transition moves the service back and holds
 * it there until released. With a state store (Redis) the replicas share each machine: every
 * replica adopts the newest before each round, the leader writes after it, so followers serve the
 * same slice and a new leader resumes the old one's state.
 */
import type { FailoverPolicyDocument, MeshConfig, ServiceDocument } from '../../api/config.ts';
import { endpointKey } from '../../api/config.ts';
import type { CancelTimer, Clock } from '../../api/clock.ts';
import { CodedError } from '../../api/coded-error.ts';
import type { EndpointDecision, SlicePublisher } from '../../api/decisions.ts';
import { parseDurationMs } from '../../api/duration.ts';
import type { Leadership } from '../../api/leadership.ts';
import type { FeatureStore } from '../../api/telemetry.ts';
import {
  DEFAULT_FAILOVER_SETTINGS,
  force,
  initialState,
  primaryServes,
  step,
  type FailoverSettings,
  type MachineState,
  type Observation,
  type Transition,
} from '../../mirror/failover-machine.ts';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import type { FailoverStateStore } from '../failover/failover-state-store.ts';
import { createFailoverMetrics, type FailoverMetrics } from '../failover/metrics.ts';
import { tcpProbe } from '../failover/tcp-probe.ts';
import type { Logger } from '../log.ts';
import type { PrescientModule } from './module.ts';

export const FAILOVER_SLICE = 'failover';

interface Armed {
  readonly policy: string;
  readonly service: string;
  readonly settings: FailoverSettings;
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly webhook?: string;
  readonly maxErrorRate?: number;
  readonly primaries: { address: string; port: number }[];
  /** Priority the primaries get while failed over: one below the lowest standby. */
  readonly demotedPriority: number;
  machine: MachineState;
  /** Version of the shared state `machine` is (or was adopted) at; 0 before any. */
  version: number;
  timer?: CancelTimer;
  last?: Observation;
}

export interface FailoverModuleDeps {
  readonly publisher: SlicePublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leadership: Leadership;
  readonly audit: AuditLog;
  readonly replica: string;
  /** The scorer's feature store, for error-rate health (FailoverPolicy maxErrorRate); optional. */
  readonly features?: FeatureStore;
  /**
   * Where the replicas share each service's state (Redis with `--redis-url`): every replica
   * adopts it before each round, so followers serve the leader's slice and a new leader resumes.
   * Without one the state is this replica's alone.
   */
  readonly stateStore?: FailoverStateStore;
}

/** Telemetry older than this is not evidence of the endpoint's health now. */
const TELEMETRY_FRESH_MS = 5000;

export class FailoverError extends CodedError<'PRESCIENT_FAILOVER_UNKNOWN_SERVICE'> {}

function settingsOf(doc: FailoverPolicyDocument): FailoverSettings {
  const s = doc.spec;
  const d = DEFAULT_FAILOVER_SETTINGS;
  const ms = (v: string | undefined, fallback: number) => (v === undefined ? fallback : parseDurationMs(v));
  return {
    failAfter: s.failAfter ?? d.failAfter,
    minHealthyPercent: s.minHealthyPercent ?? d.minHealthyPercent,
    ...(s.maxLatencyMs !== undefined && { maxLatencyMs: s.maxLatencyMs }),
    dwellMs: ms(s.dwell, d.dwellMs),
    verifyMs: ms(s.verifyWindow, d.verifyMs),
    healthyProbes: s.healthyProbes ?? d.healthyProbes,
    flapWindowMs: ms(s.flapWindow, d.flapWindowMs),
    maxDwellMs: Math.max(ms(s.maxDwell, d.maxDwellMs), ms(s.dwell, d.dwellMs)),
  };
}

export class FailoverModule implements PrescientModule {
  readonly name = 'failover';
  private armed = new Map<string, Armed>();
  private unarmed: { policy: string; service: string; reason: string }[] = [];
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private readonly log: Logger;
  /** prescient_failover_* (merged into /metrics by the root). */
  readonly metrics: FailoverMetrics;

  constructor(private readonly deps: FailoverModuleDeps) {
    this.log = deps.logger.child({ component: 'failover' });
    this.metrics = createFailoverMetrics(() =>
      deps.leadership.isLeader() ? [...this.armed.values()].map((a) => ({ service: a.service, state: a.machine.state, held: a.machine.held })) : undefined,
    );
    deps.audit.onRevert('failover.', (entry) => this.revert(entry));
  }

  onConfig(config: MeshConfig): void {
    const next = new Map<string, Armed>();
    this.unarmed = [];
    for (const doc of config.failoverPolicies?.values() ?? []) {
      const service = config.services.get(doc.spec.service);
      const armed = service && this.arm(doc, service);
      if (typeof armed === 'string' || !armed) {
        this.unarmed.push({ policy: doc.metadata.name, service: doc.spec.service, reason: armed ?? 'Service not defined' });
        continue;
      }
      const old = this.armed.get(armed.service);
      if (old) {
        old.timer?.();
        armed.machine = old.machine;
        armed.version = old.version;
        armed.last = old.last;
      }
      next.set(armed.service, armed);
    }
    for (const [service, old] of this.armed) if (!next.has(service)) old.timer?.();
    this.armed = next;
    this.publish();
    if (this.running) for (const a of this.armed.values()) this.schedule(a);
  }

  private arm(doc: FailoverPolicyDocument, service: ServiceDocument): Armed | string {
    const endpoints = service.spec.endpoints;
    const primaries = endpoints.filter((e) => (e.priority ?? 0) === 0);
    const standby = endpoints.filter((e) => (e.priority ?? 0) > 0);
    if (!primaries.length) return 'no primary endpoints (priority 0)';
    if (!standby.length) return 'no standby endpoints (priority 1 or more) to fail over to';
    return {
      policy: doc.metadata.name,
      service: service.metadata.name,
      settings: settingsOf(doc),
      probeIntervalMs: doc.spec.probeInterval ? parseDurationMs(doc.spec.probeInterval) : 250,
      probeTimeoutMs: doc.spec.probeTimeout ? parseDurationMs(doc.spec.probeTimeout) : 1000,
      ...(doc.spec.webhook !== undefined && { webhook: doc.spec.webhook }),
      ...(doc.spec.maxErrorRate !== undefined && { maxErrorRate: doc.spec.maxErrorRate }),
      primaries: primaries.map((e) => ({ address: e.address, port: e.port })),
      demotedPriority: Math.max(...standby.map((e) => e.priority ?? 0)) + 1,
      machine: initialState(this.deps.clock.now(), settingsOf(doc)),
      version: 0,
    };
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.deps.leadership.onChange(() => this.publish());
    for (const a of this.armed.values()) this.schedule(a);
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    for (const a of this.armed.values()) a.timer?.();
  }

  private schedule(a: Armed): void {
    a.timer?.();
    a.timer = this.deps.clock.setTimeout(() => void this.tick(a), a.probeIntervalMs);
  }

  private async tick(a: Armed): Promise<void> {
    if (!this.running || this.armed.get(a.service) !== a) return;
    try {
      await this.sync(a);
      if (this.deps.leadership.isLeader() && this.armed.get(a.service) === a) {
        await this.observe(a);
        await this.share(a);
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message, service: a.service }, 'failover probe round failed');
    }
    if (this.running && this.armed.get(a.service) === a) this.schedule(a);
  }

  private async observe(a: Armed): Promise<void> {
    const probes = await Promise.all(a.primaries.map((e) => tcpProbe(e.address, e.port, a.probeTimeoutMs)));
    if (this.armed.get(a.service) !== a) return;
    const now = this.deps.clock.now();
    // An endpoint that accepts connections but fails requests is not healthy either.
    const results = probes.map((r, i) => {
      if (!r.ok || a.maxErrorRate === undefined || !this.deps.features) return r;
      const er = this.deps.features.latest(a.service, endpointKey(a.primaries[i]!), 'error_rate');
      return er && now - er.at <= TELEMETRY_FRESH_MS && er.value > a.maxErrorRate ? { ok: false, ms: r.ms, outcome: `error_rate ${Math.round(er.value * 1000) / 1000}` } : r;
    });
    const healthy = results.filter((r) => r.ok);
    const o: Observation = {
      at: now,
      healthy: healthy.length,
      total: results.length,
      ...(healthy.length && { latencyMs: Math.max(...healthy.map((r) => r.ms)) }),
      detail: Object.fromEntries(a.primaries.map((e, i) => [endpointKey(e), results[i]!.ok ? `ok ${results[i]!.ms.toFixed(1)}ms` : results[i]!.outcome])),
    };
    a.last = o;
    const { next, transitions } = step(a.machine, o, a.settings);
    a.machine = next;
    if (transitions.length) {
      this.publish();
      for (const t of transitions) this.record(a, t);
    }
  }

  /** Adopts the shared state when it is newer than this replica's (no store: nothing to do). */
  private async sync(a: Armed): Promise<void> {
    const store = this.deps.stateStore;
    if (!store) return;
    let shared;
    try {
      shared = await store.load(a.service);
      this.storeOk();
    } catch (err) {
      this.storeFailed(err);
      return;
    }
    if (!shared || shared.version <= a.version) return;
    const served = primaryServes(a.machine.state);
    a.machine = shared.machine;
    a.version = shared.version;
    if (primaryServes(a.machine.state) !== served) {
      this.log.info({ service: a.service, state: a.machine.state, from: shared.replica, version: shared.version }, 'failover state adopted from the shared store');
      this.publish();
    }
  }

  /** Writes this replica's state as the next version; when another write came first, adopts that instead. */
  private async share(a: Armed): Promise<boolean> {
    const store = this.deps.stateStore;
    if (!store) return true;
    const next = a.version + 1;
    try {
      const ok = await store.compareAndSet(a.service, a.version, { version: next, machine: a.machine, replica: this.deps.replica, savedAt: this.deps.clock.now() });
      this.storeOk();
      if (ok) a.version = next;
      else await this.sync(a);
      return ok;
    } catch (err) {
      this.storeFailed(err);
      return false;
    }
  }

  private storeFailing = false;

  private storeOk(): void {
    if (this.storeFailing) this.log.info('failover state store reachable again');
    this.storeFailing = false;
  }

  private storeFailed(err: unknown): void {
    // Failover goes on from this replica's own state; the store catches up when it is back.
    if (!this.storeFailing) this.log.warn({ err: (err as Error).message }, 'failover state store unavailable; acting on this replica\'s state');
    this.storeFailing = true;
  }

  private record(a: Armed, t: Transition, revertOf?: string): AuditEntry {
    const entry = this.deps.audit.append({
      actor: { module: revertOf ? 'operator' : 'failover', replica: this.deps.replica },
      action: 'failover.transition',
      subject: a.service,
      reason: t.reason,
      evidence: { policy: a.policy, ...t.evidence },
      before: { state: t.from, primaryServes: primaryServes(t.from) },
      after: { state: t.to, primaryServes: primaryServes(t.to), ...(primaryServes(t.to) ? {} : { primaryPriority: a.demotedPriority }), dwellMs: a.machine.dwellMs },
      // Only the moves that change who serves can be undone in one step.
      revertible: t.to === 'failing-over' || t.to === 'failing-back' || (revertOf !== undefined && primaryServes(t.from) !== primaryServes(t.to)),
      ...(revertOf !== undefined && { revertOf }),
    });
    this.log.info({ service: a.service, from: t.from, to: t.to, reason: t.reason, audit: entry.id }, 'failover transition');
    this.metrics.transitions.inc({ service: a.service, to: t.to });
    if (a.webhook) void this.notify(a.webhook, entry);
    return entry;
  }

  private async notify(url: string, entry: AuditEntry): Promise<void> {
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entry), signal: AbortSignal.timeout(5000) });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, url }, 'failover webhook failed');
    }
  }

  /** The endpoints slice: demoted primaries of every service whose primary does not serve. */
  private publish(): void {
    const endpoints: EndpointDecision[] = [];
    for (const a of this.armed.values()) {
      if (primaryServes(a.machine.state)) continue;
      for (const e of a.primaries) endpoints.push({ service: a.service, endpoint: endpointKey(e), priority: a.demotedPriority });
    }
    if (endpoints.length) this.deps.publisher.publish({ endpoints });
    else this.deps.publisher.clear();
  }

  private armedFor(service: string): Armed {
    const a = this.armed.get(service);
    if (!a) throw new FailoverError('PRESCIENT_FAILOVER_UNKNOWN_SERVICE', `no armed FailoverPolicy for Service "${service}"; \`prescient failover status\` lists them`);
    return a;
  }

  /**
   * An operator's move, on the state every replica shares: adopt the newest, apply, write; if
   * another write lands in between, adopt it and apply again (a few tries).
   */
  private async shared(a: Armed, move: () => void): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.sync(a);
      move();
      if (await this.share(a)) return;
      if (!this.deps.stateStore || this.storeFailing) return;
    }
  }

  /** Freezes the machine where it is (operator), audited. */
  async hold(service: string, held: boolean): Promise<AuditEntry> {
    const a = this.armedFor(service);
    await this.shared(a, () => {
      a.machine = { ...a.machine, held };
    });
    return this.deps.audit.append({
      actor: { module: 'operator', replica: this.deps.replica },
      action: held ? 'failover.hold' : 'failover.release',
      subject: service,
      reason: held ? 'automatic transitions paused by an operator' : 'automatic transitions resumed by an operator',
      evidence: { state: a.machine.state },
      before: { held: !held },
      after: { held },
      revertible: false,
    });
  }

  /** Undoes a transition: back to who served before it, held there until released. */
  private async revert(entry: AuditEntry): Promise<AuditEntry> {
    const a = this.armedFor(entry.subject);
    const to = (entry.before as { primaryServes?: boolean }).primaryServes ? 'primary' : 'on-shadow';
    let transition!: Transition;
    await this.shared(a, () => {
      const forced = force(a.machine, to, this.deps.clock.now(), true);
      a.machine = forced.next;
      transition = forced.transition;
    });
    this.publish();
    return this.record(a, { ...transition, reason: `revert of audit entry ${entry.id}` }, entry.id);
  }

  status() {
    return {
      leader: this.deps.leadership.isLeader(),
      services: [...this.armed.values()].map((a) => ({
        service: a.service,
        policy: a.policy,
        state: a.machine.state,
        since: a.machine.since,
        held: a.machine.held,
        switches: a.machine.switches,
        dwellMs: a.machine.dwellMs,
        primaries: a.primaries.map(endpointKey),
        demotedPriority: a.demotedPriority,
        last: a.last,
        ...(this.deps.stateStore && { sharedVersion: a.version }),
      })),
      ...(this.deps.stateStore && { stateStore: this.storeFailing ? 'unavailable' : 'ok' }),
      unarmed: this.unarmed,
    };
  }
}
