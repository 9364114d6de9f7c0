/**
 * One watch of `discovery.k8s.io/v1` EndpointSlices in one namespace, by label selector, on
 * client-node's ListWatch (list, then watch from the list's resourceVersion; a 410 Gone relists),
 * made to behave like client-go's reflector:
 *   - bookmarks are asked for and each watch has a server-side timeout (randomised, so many
 *     replicas do not reconnect together); a watch the server does not end by then is aborted;
 *   - a failed list or watch (API server down or restarting, network) is retried with
 *     exponential backoff and jitter; meanwhile the last known slices stay as they are (`stale`);
 *   - every `resyncMs` a full relist runs beside the live watch and replaces it once listed, so
 *     a missed event cannot linger.
 * `onChange` is called when the slices change (or a relist made them current); callers read
 * `slices()`. Time comes from the injected clock; the watch never throws at its caller.
 */
import { DiscoveryV1Api, ListWatch, Watch, type KubeConfig, type V1EndpointSlice } from '@kubernetes/client-node';
import type { CancelTimer, Clock } from '../../api/clock.ts';

export type SliceWatchState = 'starting' | 'watching' | 'failing' | 'stopped';

export interface SliceWatchOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** e.g. `kubernetes.io/service-name=api`, or `app=web,tier=backend`. */
  readonly labelSelector: string;
  readonly clock: Clock;
  readonly onChange: () => void;
  /** A list or watch failed (the watch retries by itself). */
  readonly onFailure?: (err: Error, consecutive: number) => void;
  /** A watch opened again after failures. */
  readonly onRecovered?: (downMs: number) => void;
  /** First retry delay; doubles up to `maxBackoffMs`. Default 250 ms. */
  readonly initialBackoffMs?: number;
  /** Default 5000 ms. */
  readonly maxBackoffMs?: number;
  /** Full relist period; default 5 min; 0 turns it off. */
  readonly resyncMs?: number;
  /** Server-side watch timeout, randomised in [t, 1.25 t]; default 300 s. */
  readonly watchTimeoutSeconds?: number;
  readonly random?: () => number;
}

export interface SliceWatchStatus {
  readonly namespace: string;
  readonly labelSelector: string;
  readonly state: SliceWatchState;
  readonly slices: number;
  /** When the slices were last known current (a list landed or a watch opened), ISO. */
  readonly lastSyncAt?: string;
  /** True while failing: the slices are the last known ones. */
  readonly stale: boolean;
  readonly consecutiveFailures: number;
  readonly failures: number;
  readonly relists: number;
  /** Bookmark events received: resourceVersions to resume from without any matching change. */
  readonly bookmarks: number;
  readonly lastError?: { readonly message: string; readonly at: string };
}

/** One ListWatch and the watch object it calls; a resync builds a new generation. */
interface Generation {
  readonly lw: ListWatch<V1EndpointSlice>;
  retired: boolean;
}

const SLICE_PATH = (ns: string) => `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`;

/**
 * client-node's Watch with what its ListWatch does not ask for: bookmarks, a server-side timeout
 * and a client-side deadline. Never throws (ListWatch would leave an unhandled rejection).
 */
class BookmarkWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly timeoutSeconds: () => number,
    private readonly clock: Clock,
    private readonly opened: () => void,
    private readonly retired: () => boolean,
    private readonly bookmark: () => void,
  ) {
    super(kc);
  }

  override async watch(path: string, params: Record<string, string | number | boolean | undefined>, callback: (phase: string, apiObj: any, watchObj?: any) => void, done: (err: any) => void): Promise<AbortController> {
    const timeout = this.timeoutSeconds();
    let ended = false;
    let cancel: CancelTimer = () => undefined;
    const finish = (err: unknown) => {
      if (ended) return;
      ended = true;
      cancel();
      done(err);
    };
    try {
      const seen = (phase: string, obj: unknown, raw: unknown) => {
        if (phase === 'BOOKMARK') this.bookmark();
        callback(phase, obj, raw);
      };
      const controller = await super.watch(path, { ...params, allowWatchBookmarks: true, timeoutSeconds: timeout }, seen, finish);
      // ListWatch.stop() cannot abort a watch still connecting; its generation may be retired by now.
      if (this.retired()) controller.abort();
      else if (!ended) {
        // The server ends the watch at `timeout`; one it does not end is dead (a half-open connection).
        cancel = this.clock.setTimeout(() => {
          controller.abort();
          finish(new Error(`watch was not ended by the server after ${timeout + 15} s; reconnecting`));
        }, (timeout + 15) * 1000);
        this.opened();
      }
      return controller;
    } catch (err) {
      finish(err);
      return new AbortController();
    }
  }
}

export class SliceWatch {
  private current: Generation | undefined;
  private pending: Generation | undefined;
  private state: SliceWatchState = 'starting';
  private lastSyncAt: number | undefined;
  private consecutiveFailures = 0;
  private failures = 0;
  private relists = 0;
  private bookmarks = 0;
  private failingSince: number | undefined;
  private lastError: { message: string; at: number } | undefined;
  private retry: CancelTimer | undefined;
  private resync: CancelTimer | undefined;
  private readonly api: DiscoveryV1Api;
  private readonly random: () => number;

  constructor(private readonly o: SliceWatchOptions) {
    this.api = o.kubeConfig.makeApiClient(DiscoveryV1Api);
    this.random = o.random ?? Math.random;
  }

  get key(): string {
    return `${this.o.namespace}/${this.o.labelSelector}`;
  }

  start(): void {
    if (this.current) return;
    this.current = this.generation();
    this.run(this.current);
    this.armResync();
  }

  stop(): void {
    this.state = 'stopped';
    this.retry?.();
    this.resync?.();
    for (const g of [this.current, this.pending]) this.retire(g);
    this.current = this.pending = undefined;
  }

  /** The last known slices (kept through watch failures). */
  slices(): readonly V1EndpointSlice[] {
    return this.current?.lw.list(this.o.namespace) ?? [];
  }

  status(): SliceWatchStatus {
    return {
      namespace: this.o.namespace,
      labelSelector: this.o.labelSelector,
      state: this.state,
      slices: this.slices().length,
      ...(this.lastSyncAt !== undefined && { lastSyncAt: new Date(this.lastSyncAt).toISOString() }),
      stale: this.state === 'failing',
      consecutiveFailures: this.consecutiveFailures,
      failures: this.failures,
      relists: this.relists,
      bookmarks: this.bookmarks,
      ...(this.lastError && { lastError: { message: this.lastError.message, at: new Date(this.lastError.at).toISOString() } }),
    };
  }

  private generation(): Generation {
    const o = this.o;
    const timeout = () => Math.round((o.watchTimeoutSeconds ?? 300) * (1 + 0.25 * this.random()));
    let g: Generation;
    const watch = new BookmarkWatch(o.kubeConfig, timeout, o.clock, () => this.opened(g), () => g.retired, () => this.bookmarks++);
    const list = async () => {
      const result = await this.api.listNamespacedEndpointSlice({ namespace: o.namespace, labelSelector: o.labelSelector });
      if (!g.retired) this.relists++;
      return result;
    };
    g = { lw: new ListWatch<V1EndpointSlice>(SLICE_PATH(o.namespace), watch, list, false, o.labelSelector), retired: false };
    const changed = () => {
      if (g === this.current && !g.retired) o.onChange();
    };
    g.lw.on('add', changed);
    g.lw.on('update', changed);
    g.lw.on('delete', changed);
    g.lw.on('error', (err: unknown) => this.failed(g, err));
    return g;
  }

  private run(g: Generation): void {
    g.lw.start().catch((err: unknown) => this.failed(g, err));
  }

  private retire(g: Generation | undefined): void {
    if (!g || g.retired) return;
    g.retired = true;
    void g.lw.stop();
  }

  /** A watch of `g` opened: its slices are current as of its resourceVersion. */
  private opened(g: Generation): void {
    if (g.retired) return;
    if (g === this.pending) {
      // The resync's relist landed: it replaces the live watch.
      this.retire(this.current);
      this.current = g;
      this.pending = undefined;
      this.o.onChange();
    }
    if (g !== this.current) return;
    const now = this.o.clock.now();
    if (this.state === 'failing' && this.failingSince !== undefined) this.o.onRecovered?.(now - this.failingSince);
    this.state = 'watching';
    this.failingSince = undefined;
    this.consecutiveFailures = 0;
    this.lastSyncAt = now;
  }

  private failed(g: Generation, raw: unknown): void {
    if (g.retired || this.state === 'stopped') return;
    const err = raw instanceof Error ? raw : new Error(String(raw));
    const now = this.o.clock.now();
    this.failures++;
    this.lastError = { message: describe(err), at: now };
    if (g === this.pending) {
      // A failed resync leaves the live watch alone; the next period tries again.
      this.retire(g);
      this.pending = undefined;
      this.o.onFailure?.(err, this.consecutiveFailures);
      return;
    }
    this.consecutiveFailures++;
    if (this.state !== 'failing') this.failingSince = now;
    this.state = 'failing';
    this.o.onFailure?.(err, this.consecutiveFailures);
    const base = Math.min(this.o.maxBackoffMs ?? 5000, (this.o.initialBackoffMs ?? 250) * 2 ** (this.consecutiveFailures - 1));
    this.retry?.();
    // ListWatch keeps its objects and resourceVersion: start() resumes the watch, or relists on 410.
    this.retry = this.o.clock.setTimeout(() => {
      if (g === this.current && !g.retired) this.run(g);
    }, base * (0.8 + 0.4 * this.random()));
  }

  private armResync(): void {
    const period = this.o.resyncMs ?? 300_000;
    if (period <= 0) return;
    this.resync = this.o.clock.setTimeout(() => {
      if (this.state === 'stopped') return;
      if (this.state === 'watching' && !this.pending) {
        this.pending = this.generation();
        this.run(this.pending);
      }
      this.armResync();
    }, period);
  }
}

/** A one-line reason: the API's Status message when there is one, else the error's. */
function describe(err: Error & { statusCode?: number; code?: number; body?: unknown }): string {
  const body = err.body as { message?: string } | string | undefined;
  const message = typeof body === 'object' && body?.message ? body.message : err.message;
  const status = err.statusCode ?? (typeof err.code === 'number' ? err.code : undefined);
  return status ? `HTTP ${status}: ${message}` : message;
}
