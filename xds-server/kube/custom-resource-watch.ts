/**
 * Watches the custom resources of every Prescient kind (one informer per CRD, in one namespace or
 * all of them) and keeps the current objects. `onChange` fires when a resource is created,
 * deleted, or changed in what the config reads (spec through generation, labels); a status write
 * (Prescient's own, through the status subresource) does not fire it, so writing status never
 * triggers the reload that wrote it.
 *
 * A watch that fails (API server down, CRD not installed, RBAC) is restarted with backoff
 * (250 ms doubling to 10 s); meanwhile the objects last seen are kept, so an API server restart
 * withdraws nothing. A watch that expired (410 Gone) relists and reconciles: objects deleted
 * meanwhile are removed then. `state()` says which kinds are watching and the last failure.
 */
import * as k8s from '@kubernetes/client-node';
import type { CancelTimer, Clock } from '../../api/clock.ts';
import { CRD_GROUP, CRD_VERSION, pluralOf } from '../config/crd.ts';
import type { ResourceDocument } from '../pipeline/admit-resources.ts';
import { contentKey, originOf, refOf, toResourceDocument, type PrescientObject } from './custom-resource-document.ts';

export interface CustomResourceWatchOptions {
  kubeConfig: k8s.KubeConfig;
  /** The kinds to watch (each has a CRD `<plural>.prescient.dev`). */
  kinds: readonly string[];
  /** Only this namespace; all namespaces when unset. */
  namespace?: string;
  clock: Clock;
  /** Called on every change that matters (not debounced: the caller debounces). */
  onChange: (reason: string) => void;
  /** A watch failed and will be retried; `message` carries PRESCIENT_KUBE_CONFIG_WATCH. */
  onWatchError?: (kind: string, message: string) => void;
  /** First retry delay after a failure (doubles up to maxBackoffMs). Default 250 ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface KindWatchState {
  kind: string;
  /** True once the first list succeeded (objects are known). */
  listed: boolean;
  /** True while a watch is believed open (reset by a failure). */
  watching: boolean;
  objects: number;
  lastError?: { at: string; message: string };
  restarts: number;
}

interface KindWatch {
  readonly kind: string;
  readonly informer: k8s.Informer<PrescientObject> & k8s.ObjectCache<PrescientObject>;
  readonly state: KindWatchState;
  backoffMs: number;
  retry?: CancelTimer;
}

export class CustomResourceWatch {
  private readonly watches: KindWatch[] = [];
  /** origin → content key of the object last seen, to tell spec changes from status writes. */
  private readonly keys = new Map<string, string>();
  private closed = false;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private listedWaiters: (() => void)[] = [];

  constructor(private readonly options: CustomResourceWatchOptions) {
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    const api = options.kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    for (const kind of options.kinds) {
      const plural = pluralOf(kind);
      const ns = options.namespace;
      const path = ns ? `/apis/${CRD_GROUP}/${CRD_VERSION}/namespaces/${ns}/${plural}` : `/apis/${CRD_GROUP}/${CRD_VERSION}/${plural}`;
      const state: KindWatchState = { kind, listed: false, watching: false, objects: 0, restarts: 0 };
      const list = async (): Promise<k8s.KubernetesListObject<PrescientObject>> => {
        const body = (ns
          ? await api.listNamespacedCustomObject({ group: CRD_GROUP, version: CRD_VERSION, namespace: ns, plural })
          : await api.listClusterCustomObject({ group: CRD_GROUP, version: CRD_VERSION, plural })) as k8s.KubernetesListObject<PrescientObject>;
        // The list's items carry no kind; the watch's objects do. Fill it in so both read alike.
        for (const item of body.items ?? []) item.kind ??= kind;
        return body;
      };
      const informer = k8s.makeInformer<PrescientObject>(options.kubeConfig, path, async () => {
        const body = await list();
        state.listed = true;
        state.watching = true;
        this.backoffReset(kind);
        return body;
      });
      const w: KindWatch = { kind, informer, state, backoffMs: this.minBackoffMs };
      informer.on('add', (obj) => this.seen(kind, obj, 'added'));
      informer.on('update', (obj) => this.seen(kind, obj, 'updated'));
      informer.on('delete', (obj) => this.gone(kind, obj));
      informer.on('error', (err: unknown) => this.failed(w, err));
      informer.on('connect', () => {
        if (state.listed) state.watching = true;
      });
      this.watches.push(w);
    }
  }

  /** Starts every watch; resolves when each has tried its first list (listed or failed). */
  async start(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.informer.start().catch((err: unknown) => this.failed(w, err))));
  }

  /** Resolves when every kind has listed once, or after `timeoutMs` (returns whether all did). */
  async listed(timeoutMs: number): Promise<boolean> {
    if (this.allListed()) return true;
    return new Promise<boolean>((resolve) => {
      const cancel = this.options.clock.setTimeout(() => resolve(this.allListed()), timeoutMs);
      this.listedWaiters.push(() => {
        cancel();
        resolve(true);
      });
    });
  }

  /** Every current resource as a config document, in a stable order (oldest first, then origin). */
  documents(): ResourceDocument[] {
    const out: { doc: ResourceDocument; created: string }[] = [];
    for (const w of this.watches) {
      for (const obj of w.informer.list()) {
        out.push({ doc: toResourceDocument(w.kind, obj), created: String(obj.metadata?.creationTimestamp ?? '') });
      }
    }
    // Oldest first: when two resources claim one name, host or port, the older one keeps it.
    out.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.doc.origin < b.doc.origin ? -1 : 1));
    return out.map((o) => o.doc);
  }

  /** The object now held for `origin`'s kind, namespace and name. */
  object(kind: string, namespace: string, name: string): PrescientObject | undefined {
    return this.watches.find((w) => w.kind === kind)?.informer.get(name, namespace);
  }

  state(): KindWatchState[] {
    return this.watches.map((w) => ({ ...w.state, objects: w.informer.list().length }));
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const w of this.watches) w.retry?.();
    await Promise.all(this.watches.map((w) => w.informer.stop().catch(() => undefined)));
  }

  private allListed(): boolean {
    return this.watches.every((w) => w.state.listed);
  }

  private seen(kind: string, obj: PrescientObject, how: string): void {
    const origin = originOf(refOf(kind, obj));
    const key = contentKey(obj);
    if (this.keys.get(origin) === key) return;
    this.keys.set(origin, key);
    this.options.onChange(`${origin} ${how}`);
  }

  private gone(kind: string, obj: PrescientObject): void {
    const origin = originOf(refOf(kind, obj));
    this.keys.delete(origin);
    this.options.onChange(`${origin} deleted`);
  }

  private backoffReset(kind: string): void {
    const w = this.watches.find((x) => x.kind === kind);
    if (w) w.backoffMs = this.minBackoffMs;
    if (this.allListed()) {
      const waiters = this.listedWaiters;
      this.listedWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private failed(w: KindWatch, err: unknown): void {
    if (this.closed) return;
    const message = describe(err);
    w.state.watching = false;
    w.state.lastError = { at: new Date(this.options.clock.now()).toISOString(), message };
    this.options.onWatchError?.(w.kind, `PRESCIENT_KUBE_CONFIG_WATCH: watching ${pluralOf(w.kind)}.${CRD_GROUP} failed (${message}); the resources last seen stay, retrying in ${w.backoffMs} ms`);
    w.retry?.();
    const delay = w.backoffMs;
    w.backoffMs = Math.min(this.maxBackoffMs, w.backoffMs * 2);
    w.retry = this.options.clock.setTimeout(() => {
      w.retry = undefined;
      if (this.closed) return;
      w.state.restarts++;
      w.informer.start().catch((e: unknown) => this.failed(w, e));
    }, delay);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown; statusCode?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
    return code !== undefined && !err.message.includes(String(code)) ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}
