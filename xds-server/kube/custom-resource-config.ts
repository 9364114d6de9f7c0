/**
 * Prescient's custom resources as a config source beside the files: watches every kind's CRD
 * (custom-resource-watch.ts), hands the current resources and their last accepted versions to
 * each reload (`input()`, admitted by admit-resources.ts), and after each reload records the
 * verdicts, writes them to each resource's status (resource-status.ts, status-writer.ts) and
 * counts them in prescient_config_custom_resources.
 *
 * The root asks for a reload (the same debounced path as a file edit) whenever `onChange` fires,
 * and calls `settle` with every reload result. Every `resyncMs` the statuses are checked again
 * against the objects, so a status someone else overwrote or a write that failed is redone.
 */
import type * as k8s from '@kubernetes/client-node';
import type { Clock, CancelTimer } from '../../api/clock.ts';
import type { Leadership } from '../../api/leadership.ts';
import { formatConfigError, isInMemoryOrigin, readSchemaSet } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { XdsMetrics } from '../metrics.ts';
import type { AdmissionResult, ResourceDocument, ResourceInput, ResourceVerdict } from '../pipeline/admit-resources.ts';
import { refOfOrigin } from './custom-resource-document.ts';
import { loadKubeConfig } from './kube-config.ts';
import { CustomResourceWatch, type KindWatchState } from './custom-resource-watch.ts';
import { conditionOf, ACCEPTED, statusFor } from './resource-status.ts';
import { StatusWriter } from './status-writer.ts';

/** What the root is given (`prescient serve --config-source kubernetes`). */
export interface CustomResourceSourceOptions {
  /** The credentials to use; else loaded from `kubeconfig` (kube-config.ts: file, in-cluster or default). */
  kubeConfig?: k8s.KubeConfig;
  kubeconfig?: string;
  /** Watch only this namespace; all namespaces when unset. */
  namespace?: string;
  /** How long `start` waits for the first list of every kind before serving without them. Default 10 s. */
  initialSyncTimeoutMs?: number;
  /** How often statuses are checked against the objects again. Default 60 s. */
  resyncMs?: number;
  /** Watch retry backoff (tests shorten it). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface CustomResourceConfigOptions {
  kubeConfig: k8s.KubeConfig;
  /** Watch only this namespace; all namespaces when unset. */
  namespace?: string;
  /** Default: every kind with a schema. */
  kinds?: readonly string[];
  clock: Clock;
  logger: Logger;
  metrics: XdsMetrics;
  /** How long `start` waits for the first list of every kind before serving without them. Default 10 s. */
  initialSyncTimeoutMs?: number;
  /** How often statuses are checked against the objects again. Default 60 s. */
  resyncMs?: number;
  /** Watch retry backoff (tests shorten it). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ResourceReport {
  origin: string;
  generation?: number;
  state: ResourceVerdict['state'];
  servingGeneration?: number;
  errors: string[];
}

export class CustomResourceConfig {
  private readonly watch: CustomResourceWatch;
  private readonly writer: StatusWriter;
  private readonly kinds: readonly string[];
  private readonly lastAccepted = new Map<string, ResourceDocument>();
  private verdicts: ResourceVerdict[] = [];
  /** Formatted errors outside custom resources that refused the last reload (empty when it passed). */
  private blockers: string[] = [];
  private listener: (reason: string) => void = () => undefined;
  private resync: CancelTimer | undefined;
  private lastSettled: string | undefined;
  private stopped = false;
  private statusLeader: Pick<Leadership, 'isLeader' | 'onChange'> | undefined;
  private unsubscribe: (() => void) | undefined;

  private constructor(private readonly options: CustomResourceConfigOptions) {
    this.kinds = options.kinds ?? [...readSchemaSet().kinds.keys()];
    const log = options.logger;
    this.writer = new StatusWriter(options.kubeConfig, log, options.metrics);
    this.watch = new CustomResourceWatch({
      kubeConfig: options.kubeConfig,
      kinds: this.kinds,
      namespace: options.namespace,
      clock: options.clock,
      onChange: (reason) => this.listener(reason),
      onWatchError: (kind, message) => {
        options.metrics.configResourceWatchUp.set({ kind }, 0);
        log.warn({ code: 'PRESCIENT_KUBE_CONFIG_WATCH', kind }, message);
      },
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
    });
  }

  /** Builds the source from the root's options (loading the kubeconfig) and starts it. */
  static async open(source: CustomResourceSourceOptions, context: { clock: Clock; logger: Logger; metrics: XdsMetrics }): Promise<CustomResourceConfig> {
    const { kubeConfig: given, kubeconfig, ...rest } = source;
    const kubeConfig = given ?? loadKubeConfig({ path: kubeconfig }).kubeConfig;
    return CustomResourceConfig.start({ ...rest, kubeConfig, ...context });
  }

  /**
   * Starts the watches and waits (up to initialSyncTimeoutMs) until every kind has been listed, so
   * the first configuration already holds the custom resources. Kinds that could not be listed
   * by then (API server unreachable, CRD not installed) are logged and keep retrying; their
   * resources arrive with a reload when they can be read.
   */
  static async start(options: CustomResourceConfigOptions): Promise<CustomResourceConfig> {
    const source = new CustomResourceConfig(options);
    await source.watch.start();
    const synced = await source.watch.listed(options.initialSyncTimeoutMs ?? 10_000);
    if (!synced) {
      const missing = source.watch.state().filter((s) => !s.listed);
      options.logger.warn(
        { code: 'PRESCIENT_KUBE_CONFIG_SYNC', kinds: missing.map((s) => s.kind), errors: missing.map((s) => s.lastError?.message) },
        'custom resources of some kinds could not be listed; serving without them until they can be (retrying)',
      );
    }
    source.updateWatchGauge();
    source.armResync();
    return source;
  }

  /** Called on every change that should cause a reload (the root debounces). */
  onChange(listener: (reason: string) => void): void {
    this.listener = (reason) => {
      this.updateWatchGauge();
      listener(reason);
    };
  }

  /** What the next reload admits: every current resource and the last accepted versions. */
  input(): ResourceInput {
    return { current: this.watch.documents(), lastAccepted: [...this.lastAccepted.values()] };
  }

  /** Records a reload's verdicts (after the config state applied it) and writes statuses. */
  settle(result: AdmissionResult): void {
    if (this.stopped) return;
    const present = new Set(result.resources.map((v) => v.origin));
    for (const origin of [...this.lastAccepted.keys()]) if (!present.has(origin)) this.lastAccepted.delete(origin);
    this.writer.retain(present);
    for (const v of result.resources) {
      if (!result.ok) continue; // refused as a whole: what serves did not change
      if (v.serving) this.lastAccepted.set(v.origin, v.serving);
      else this.lastAccepted.delete(v.origin);
    }
    this.verdicts = result.resources;
    this.blockers = result.ok ? [] : result.errors.filter((e) => !isInMemoryOrigin(e.file)).map(formatConfigError);
    this.count();
    this.logChanges();
    this.reconcile();
  }

  /** Per resource: state, generations and errors, for /debug/config. */
  status(): { namespace: string; writesStatus: boolean; watches: KindWatchState[]; resources: ResourceReport[]; statusWrites: { written: number; failed: number } } {
    return {
      namespace: this.options.namespace ?? '(all)',
      writesStatus: this.statusLeader?.isLeader() ?? true,
      watches: this.watch.state(),
      resources: this.verdicts.map((v) => ({
        origin: v.origin,
        ...(v.generation !== undefined && { generation: v.generation }),
        state: v.state,
        ...(v.serving?.generation !== undefined && { servingGeneration: v.serving.generation }),
        errors: v.errors.map(formatConfigError),
      })),
      statusWrites: { written: this.writer.writes, failed: this.writer.failures },
    };
  }

  /**
   * Writes statuses only while `leadership` is held: replicas with the same files reach the same
   * verdicts, and one writer keeps two replicas mid-rollout (different files) from overwriting
   * each other's statuses. Without this call, this source always writes.
   */
  writeStatusWhile(leadership: Pick<Leadership, 'isLeader' | 'onChange'>): void {
    this.unsubscribe?.();
    this.statusLeader = leadership;
    this.unsubscribe = leadership.onChange((leader) => {
      if (leader) this.reconcile();
    });
  }

  /** Resolves when every queued status write is done (tests). */
  async statusWritten(): Promise<void> {
    await this.writer.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resync?.();
    this.unsubscribe?.();
    this.writer.close();
    await this.watch.stop();
  }

  /** Offers each resource its status; objects that moved past the checked generation wait for their reload. */
  private reconcile(): void {
    if (this.stopped || (this.statusLeader && !this.statusLeader.isLeader())) return;
    const now = this.options.clock.now();
    for (const v of this.verdicts) {
      const ref = refOfOrigin(v.origin);
      const obj = ref && this.watch.object(ref.kind, ref.namespace, ref.name);
      if (!ref || !obj || obj.metadata?.generation !== v.generation) continue;
      // Refused as a whole, but this generation was accepted before and still serves: say nothing new.
      if (v.state === 'refused' && this.lastAccepted.get(v.origin)?.generation === v.generation && conditionOf(obj.status, ACCEPTED)?.status === 'True') continue;
      this.writer.offer(ref, obj, statusFor(v, this.blockers, obj.status, now));
    }
  }

  private count(): void {
    const gauge = this.options.metrics.configResources;
    gauge.reset();
    for (const kind of this.kinds) for (const state of ['accepted', 'rejected', 'refused']) gauge.set({ kind, state }, 0);
    for (const v of this.verdicts) {
      const kind = refOfOrigin(v.origin)?.kind;
      if (kind) gauge.inc({ kind, state: v.state });
    }
  }

  private updateWatchGauge(): void {
    for (const s of this.watch.state()) this.options.metrics.configResourceWatchUp.set({ kind: s.kind }, s.watching ? 1 : 0);
  }

  private logChanges(): void {
    const summary = JSON.stringify(this.verdicts.map((v) => [v.origin, v.generation, v.state]));
    if (summary === this.lastSettled) return;
    this.lastSettled = summary;
    for (const v of this.verdicts) {
      if (v.state === 'rejected') {
        this.options.logger.warn({ resource: v.origin, generation: v.generation, servingGeneration: v.serving?.generation, errors: v.errors.map(formatConfigError) }, 'custom resource rejected');
      }
    }
  }

  private armResync(): void {
    const ms = this.options.resyncMs ?? 60_000;
    this.resync = this.options.clock.setTimeout(() => {
      if (this.stopped) return;
      this.updateWatchGauge();
      this.reconcile();
      this.armResync();
    }, ms);
  }
}
