/**
 * Predictive scaling as a module of the root (DESIGN §6). Per ScalingPolicy, every `interval` the
 * leader of the "scaling" key reads the policy's metric for the Service's endpoints from the
 * scorer's feature store (mean or sum per 1 s bucket), forecasts it one start-up time ahead (a
 * least-squares trend over the last 30 s: the scorer's ONNX forecaster is not wired in yet) and
 * asks the pure decider (mirror/scaling-decider.ts). A decision goes to the actuator (dry run,
 * webhook or a Kubernetes scale subresource; none in forecast-only mode), the decision list
 * (`/debug/scaling`, `prescient scale decisions`) and the audit trail. The replicas it starts from
 * are what the actuator reads from the target where it can (Kubernetes), else the Service's
 * endpoint count clamped to [min, max] and, after each applied decision, the decision's target.
 */
import type { MeshConfig, ScalingPolicyDocument } from '../../api/config.ts';
import { endpointKey } from '../../api/config.ts';
import type { CancelTimer, Clock } from '../../api/clock.ts';
import { parseDurationMs } from '../../api/duration.ts';
import type { Leadership } from '../../api/leadership.ts';
import type { FeatureStore, MetricName } from '../../api/telemetry.ts';
import { decideScaling, trendForecast, type Sample, type ScalingDecision, type ScalingSettings } from '../../mirror/scaling-decider.ts';
import { AuditError, type AuditEntry, type AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../log.ts';
import { dryRunActuator, webhookActuator, type Actuator } from '../scaling/actuators.ts';
import type { KubeRest } from '../kube/kube-rest.ts';
import { KubeScaleActuator, ScaleError } from '../kube/kube-scale-actuator.ts';
import type { PrescientModule } from './module.ts';

const METRICS: Record<ScalingPolicyDocument['spec']['metric'], { name: MetricName; sum: boolean }> = {
  cpu: { name: 'cpu', sum: false },
  memory: { name: 'custom:memory', sum: false },
  network: { name: 'custom:network', sum: true },
  rps: { name: 'rps', sum: true },
  latency: { name: 'latency_ms', sum: false },
};
const TREND_WINDOW_MS = 30_000;
const MAX_DECISIONS = 1000;

export interface RecordedDecision extends ScalingDecision {
  readonly at: number;
  readonly service: string;
  readonly policy: string;
  readonly mode: 'act' | 'forecastOnly';
  readonly actuator: string;
  readonly applied: boolean;
  readonly error?: string;
  readonly audit: string;
}

interface Armed {
  readonly doc: ScalingPolicyDocument;
  readonly settings: ScalingSettings;
  readonly intervalMs: number;
  readonly endpoints: string[];
  readonly actuator: Actuator;
  readonly actuatorKey: string;
  replicas: number;
  lastActionAt?: number;
  timer?: CancelTimer;
  /** Why the actuator could not read the target's replicas, last time it tried. */
  readError?: string;
  lastValue?: number;
  lastForecast?: number;
}

export interface ScalingModuleDeps {
  /** The scorer's feature store; without it nothing is evaluated (status says so). */
  readonly features: (FeatureStore & { readonly resolutionMs: number }) | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly leadership: Leadership;
  readonly audit: AuditLog;
  readonly replica: string;
  /** The Kubernetes API for the kubernetes actuator, connected on first use; throws when none is configured. */
  readonly kube?: () => KubeAccess;
}

export interface KubeAccess {
  readonly rest: KubeRest;
  /** Where targets without a namespace live (Prescient's own). */
  readonly namespace: string;
}

/** An actuator that cannot work (no Kubernetes API): every decision fails with `message`. */
function brokenActuator(name: string, message: string): Actuator {
  return {
    name,
    apply: async () => {
      throw new ScaleError('PRESCIENT_SCALE_FAILED', message);
    },
  };
}

function settingsOf(doc: ScalingPolicyDocument): ScalingSettings {
  const s = doc.spec;
  const ms = (v: string | undefined, d: number) => (v === undefined ? d : parseDurationMs(v));
  return {
    scaleOutAbove: s.scaleOutAbove,
    scaleInBelow: s.scaleInBelow ?? s.scaleOutAbove / 2,
    durationMs: ms(s.duration, 60_000),
    cooldownMs: ms(s.cooldown, 300_000),
    min: s.minReplicas ?? 1,
    max: s.maxReplicas,
    step: s.step ?? 1,
    startupMs: ms(s.startupTime, 30_000),
  };
}

export class ScalingModule implements PrescientModule {
  readonly name = 'scaling';
  private armed = new Map<string, Armed>();
  private decisions: RecordedDecision[] = [];
  private running = false;
  private readonly log: Logger;

  constructor(private readonly deps: ScalingModuleDeps) {
    this.log = deps.logger.child({ component: 'scaling' });
    deps.audit.onRevert('scaling.', (entry) => this.revert(entry));
  }

  /**
   * `audit revert` of an applied scaling decision (or of such an undo): the policy's actuator sets
   * the replicas back to the entry's `before` in one step. The policy's cooldown starts again, so
   * it decides anew only after it (mode forecastOnly stops it acting at all).
   */
  private async revert(entry: AuditEntry): Promise<AuditEntry> {
    const policy = String(entry.evidence.policy ?? '');
    const a = this.armed.get(policy);
    const from = (entry.after as { replicas?: number }).replicas;
    const to = (entry.before as { replicas?: number }).replicas;
    if (!a) throw new AuditError('PRESCIENT_AUDIT_NOT_REVERTIBLE', `audit entry ${entry.id}: ScalingPolicy "${policy}" is no longer configured, so there is no actuator to scale back with`);
    if (typeof from !== 'number' || typeof to !== 'number' || from === to) throw new AuditError('PRESCIENT_AUDIT_NOT_REVERTIBLE', `audit entry ${entry.id} changed no replicas`);
    const now = this.deps.clock.now();
    const decision: ScalingDecision = { action: to > from ? 'scale-out' : 'scale-in', from, to, basis: 'operator', reason: `revert of audit entry ${entry.id}`, evidence: { revertOf: entry.id } };
    try {
      await a.actuator.apply({ ...decision, service: a.doc.spec.service, policy, at: now });
    } catch (err) {
      throw new AuditError('PRESCIENT_AUDIT_REVERT_FAILED', `scaling ${a.doc.spec.service} back to ${to} replicas through ${a.actuator.name} failed: ${(err as Error).message}; the replicas stay at ${from}`);
    }
    a.replicas = to;
    a.lastActionAt = now;
    const undo = this.deps.audit.append({
      actor: { module: 'operator', replica: this.deps.replica },
      action: 'scaling.revert',
      subject: a.doc.spec.service,
      reason: decision.reason,
      evidence: { policy, actuator: a.actuator.name, revertOf: entry.id },
      before: { replicas: from },
      after: { replicas: to },
      revertible: true,
      revertOf: entry.id,
    });
    this.decisions.push({ ...decision, at: now, service: a.doc.spec.service, policy, mode: 'act', actuator: a.actuator.name, applied: true, audit: undo.id });
    if (this.decisions.length > MAX_DECISIONS) this.decisions.shift();
    this.log.info({ policy, from, to, revertOf: entry.id }, 'scaling decision reverted');
    return undo;
  }

  onConfig(config: MeshConfig): void {
    const next = new Map<string, Armed>();
    for (const doc of config.scalingPolicies?.values() ?? []) {
      const service = config.services.get(doc.spec.service);
      if (!service) continue;
      const settings = settingsOf(doc);
      const old = this.armed.get(doc.metadata.name);
      old?.timer?.();
      const actuatorKey = JSON.stringify([doc.spec.actuator ?? null, settings.min, settings.max]);
      const a: Armed = {
        doc,
        settings,
        intervalMs: doc.spec.interval ? parseDurationMs(doc.spec.interval) : 10_000,
        endpoints: service.spec.endpoints.map(endpointKey),
        // An unchanged actuator is kept (its resolved Kubernetes resource with it).
        actuator: old && old.actuatorKey === actuatorKey ? old.actuator : this.actuatorFor(doc, settings),
        actuatorKey,
        replicas: old?.replicas ?? Math.min(settings.max, Math.max(settings.min, service.spec.endpoints.length)),
        ...(old?.lastActionAt !== undefined && { lastActionAt: old.lastActionAt }),
      };
      next.set(doc.metadata.name, a);
    }
    for (const [name, old] of this.armed) if (!next.has(name)) old.timer?.();
    this.armed = next;
    if (this.running) for (const a of this.armed.values()) this.schedule(a);
  }

  private actuatorFor(doc: ScalingPolicyDocument, settings: ScalingSettings): Actuator {
    const spec = doc.spec.actuator;
    if (spec?.type === 'webhook') return webhookActuator(spec.url!);
    if (spec?.type !== 'kubernetes') return dryRunActuator;
    let kube: KubeAccess;
    try {
      if (!this.deps.kube) throw new Error('this server has no Kubernetes API configured');
      kube = this.deps.kube();
    } catch (err) {
      return brokenActuator('kubernetes', `ScalingPolicy ${doc.metadata.name}: cannot reach Kubernetes (${(err as Error).message}); run in a cluster or give --kubeconfig`);
    }
    return new KubeScaleActuator({ target: spec.target!, rest: kube.rest, defaultNamespace: kube.namespace, minReplicas: settings.min, maxReplicas: settings.max });
  }

  start(): void {
    this.running = true;
    for (const a of this.armed.values()) this.schedule(a);
  }

  stop(): void {
    this.running = false;
    for (const a of this.armed.values()) a.timer?.();
  }

  private schedule(a: Armed): void {
    a.timer?.();
    a.timer = this.deps.clock.setTimeout(() => void this.tick(a), a.intervalMs);
  }

  private async tick(a: Armed): Promise<void> {
    if (!this.running || this.armed.get(a.doc.metadata.name) !== a) return;
    try {
      if (this.deps.leadership.isLeader() && this.deps.features) await this.evaluate(a, this.deps.features);
    } catch (err) {
      this.log.error({ err: (err as Error).message, policy: a.doc.metadata.name }, 'scaling evaluation failed');
    }
    if (this.running && this.armed.get(a.doc.metadata.name) === a) this.schedule(a);
  }

  /** One evaluation (exposed for tests and the admin API's forecast-only reports). */
  async evaluate(a: Armed, features: FeatureStore & { readonly resolutionMs: number }): Promise<RecordedDecision | undefined> {
    const now = this.deps.clock.now();
    const res = features.resolutionMs;
    const metric = METRICS[a.doc.spec.metric];
    const length = Math.ceil(Math.max(a.settings.durationMs, TREND_WINDOW_MS) / res) + 1;
    const windows = a.endpoints.map((e) => features.window(a.doc.spec.service, e, metric.name, length, now));
    const observed: Sample[] = [];
    const bucketEnd = Math.floor(now / res) * res;
    for (let i = 0; i < length; i++) {
      const values = windows.map((w) => w[i]!).filter(Number.isFinite);
      const value = values.length ? values.reduce((x, y) => x + y, 0) / (metric.sum ? 1 : values.length) : Number.NaN;
      observed.push({ at: bucketEnd - (length - 1 - i) * res, value });
    }
    const forecast = trendForecast(observed.filter((s) => s.at > now - TREND_WINDOW_MS), a.settings.startupMs);
    if ((a.doc.spec.mode ?? 'act') === 'act' && a.actuator.readReplicas) {
      // The target's own count wins over what this module believes (a person or a former leader changed it).
      try {
        a.replicas = await a.actuator.readReplicas();
        delete a.readError;
      } catch (err) {
        a.readError = (err as Error).message;
      }
    }
    a.lastValue = observed.at(-1)?.value;
    a.lastForecast = forecast;
    const decision = decideScaling({ at: now, replicas: a.replicas, observed, resolutionMs: res, ...(forecast !== undefined && { forecast }), ...(a.lastActionAt !== undefined && { lastActionAt: a.lastActionAt }) }, a.settings);
    if (!decision) return undefined;
    const mode = a.doc.spec.mode ?? 'act';
    let error: string | undefined;
    if (mode === 'act') {
      try {
        await a.actuator.apply({ ...decision, service: a.doc.spec.service, policy: a.doc.metadata.name, at: now });
      } catch (err) {
        error = (err as Error).message;
      }
    }
    const applied = mode === 'act' && error === undefined;
    // Forecast-only follows its own decisions too, so its report shows a consistent course.
    if (applied || mode === 'forecastOnly') {
      a.replicas = decision.to;
      a.lastActionAt = now;
    }
    const entry = this.deps.audit.append({
      actor: { module: 'scaling', replica: this.deps.replica },
      action: 'scaling.decision',
      subject: a.doc.spec.service,
      reason: decision.reason,
      evidence: { policy: a.doc.metadata.name, metric: a.doc.spec.metric, basis: decision.basis, mode, actuator: a.actuator.name, ...decision.evidence, ...(error && { error }) },
      before: { replicas: decision.from },
      after: { replicas: applied || mode === 'forecastOnly' ? decision.to : decision.from, wanted: decision.to },
      // An applied decision can be scaled back in one step (`revert`); a forecast or a failure changed nothing.
      revertible: applied,
    });
    const recorded: RecordedDecision = { ...decision, at: now, service: a.doc.spec.service, policy: a.doc.metadata.name, mode, actuator: mode === 'act' ? a.actuator.name : 'none', applied, ...(error && { error }), audit: entry.id };
    this.decisions.push(recorded);
    if (this.decisions.length > MAX_DECISIONS) this.decisions.shift();
    this.log.info({ policy: recorded.policy, action: recorded.action, from: recorded.from, to: recorded.to, basis: recorded.basis, applied, error }, 'scaling decision');
    return recorded;
  }

  /** Evaluates one policy now (tests; the timer does the same on its own). */
  evaluateNow(policy: string): Promise<RecordedDecision | undefined> {
    const a = this.armed.get(policy);
    if (!a || !this.deps.features) return Promise.resolve(undefined);
    return this.evaluate(a, this.deps.features);
  }

  status() {
    return {
      leader: this.deps.leadership.isLeader(),
      telemetry: this.deps.features !== undefined,
      policies: [...this.armed.values()].map((a) => ({
        policy: a.doc.metadata.name,
        service: a.doc.spec.service,
        metric: a.doc.spec.metric,
        mode: a.doc.spec.mode ?? 'act',
        actuator: a.actuator.name,
        replicas: a.replicas,
        ...(a.readError && { readError: a.readError }),
        lastActionAt: a.lastActionAt,
        lastValue: a.lastValue,
        forecast: a.lastForecast,
      })),
      decisions: this.decisions.slice(-100),
    };
  }
}
