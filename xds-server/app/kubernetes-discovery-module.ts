/**
 * Endpoints from Kubernetes (issue 11): every Service document with `spec.discovery.kubernetes`
 * gets its endpoints from the EndpointSlices of one Kubernetes Service (label
 * `kubernetes.io/service-name`) or of every Service whose slices match a label selector. One
 * watch per (namespace, selector), shared by the Services that name it; watches start and stop
 * as the config changes.
 *
 * Discovered endpoints are ingest data, not config: the module hands the whole set to
 * `onEndpoints` (the root keeps it beside the declared config, `withDiscoveredEndpoints`), only
 * when it changed, at most once per burst of watch events. A failing watch keeps its last known
 * slices, so its Services keep their endpoints; the module says so in its status, a metric and a
 * log line (code PRESCIENT_KUBE_WATCH). Idle (no Kubernetes access at all) while no Service uses
 * discovery.
 */
import type { EndpointSpec, MeshConfig } from '../../api/config.ts';
import type { Clock } from '../../api/clock.ts';
import { discoveryServices, type DiscoveredEndpoints } from '../config/discovered-endpoints.ts';
import { createDiscoveryMetrics, type DiscoveredServiceMeasure, type DiscoveryMetrics } from '../kube/discovery-metrics.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../kube/kube-config.ts';
import { endpointsFromSlices, portSelector, type PortSelector, type SliceEndpoints } from '../kube/slice-endpoints.ts';
import { SliceWatch, type SliceWatchOptions } from '../kube/slice-watch.ts';
import type { Logger } from '../log.ts';
import type { PrescientModule } from './module.ts';

export interface KubernetesDiscoveryOptions {
  /** `--kubeconfig`; unset: in-cluster when KUBERNETES_SERVICE_HOST is set, else the default kubeconfig. */
  readonly kubeconfig?: string;
  /** Watch tuning (tests shorten them); see SliceWatchOptions. */
  readonly watch?: Pick<SliceWatchOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'resyncMs' | 'watchTimeoutSeconds'>;
}

export interface KubernetesDiscoveryDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The discovered endpoints of every discovery Service, each time they change. */
  readonly onEndpoints: (discovered: DiscoveredEndpoints) => void;
}

/** What one Service document asks to discover. */
interface Source {
  readonly namespace: string;
  /** The Kubernetes Service, or the selector as written. */
  readonly from: { readonly service: string } | { readonly selector: Record<string, string> };
  readonly labelSelector: string;
  readonly port: PortSelector;
  readonly portText: string;
}

function sourceKey(s: { namespace: string; labelSelector: string }): string {
  return `${s.namespace}/${s.labelSelector}`;
}

/** Discovery Services of `config` → what each watches. */
export function discoverySources(config: MeshConfig): Map<string, Source> {
  const out = new Map<string, Source>();
  for (const doc of discoveryServices(config)) {
    const k = doc.spec.discovery!.kubernetes;
    const labels = k.service !== undefined ? undefined : (k.selector?.matchLabels ?? {});
    const labelSelector = labels
      ? Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => `${key}=${v}`).join(',')
      : `kubernetes.io/service-name=${k.service}`;
    const port = portSelector(k.port, doc.spec.ports?.[0]?.name);
    out.set(doc.metadata.name, {
      namespace: k.namespace,
      from: labels ? { selector: labels } : { service: k.service! },
      labelSelector,
      port,
      portText: port.by === 'name' ? port.name : port.by === 'number' ? String(port.port) : '(the only port)',
    });
  }
  return out;
}

export class KubernetesDiscoveryModule implements PrescientModule {
  readonly name = 'kubernetes-discovery';
  readonly metrics: DiscoveryMetrics;
  private sources = new Map<string, Source>();
  private readonly watches = new Map<string, SliceWatch>();
  private readonly results = new Map<string, SliceEndpoints>();
  private kube: LoadedKubeConfig | undefined;
  private kubeError: string | undefined;
  private started = false;
  private flushQueued = false;
  private published = '';
  private readonly reportedProblems = new Map<string, string>();

  constructor(
    private readonly options: KubernetesDiscoveryOptions,
    private readonly deps: KubernetesDiscoveryDeps,
  ) {
    this.metrics = createDiscoveryMetrics(() => this.measure());
  }

  onConfig(config: MeshConfig): void {
    this.sources = discoverySources(config);
    if (this.started) this.reconcile();
    this.queueFlush();
  }

  /** Throws PRESCIENT_KUBE_CONFIG when an explicit `--kubeconfig` cannot be loaded: `serve` then exits 1. */
  start(): void {
    if (this.started) return;
    if (this.options.kubeconfig !== undefined && !this.kube) this.kube = loadKubeConfig({ path: this.options.kubeconfig });
    this.started = true;
    this.reconcile();
  }

  /**
   * Starts watching `config`'s discovery Services and resolves once each watch has listed its
   * slices (or failed once, or `timeoutMs` passed), with the endpoints handed over. The root
   * awaits it before the xDS port opens: proxies reconnecting to a restarted Prescient must not
   * be sent discovery Services without endpoints while the first lists are in flight.
   */
  async initialSync(config: MeshConfig, timeoutMs: number): Promise<void> {
    this.onConfig(config);
    this.start();
    const deadline = this.deps.clock.now() + timeoutMs;
    const settled = () => [...this.watches.values()].every((w) => {
      const s = w.status();
      return s.lastSyncAt !== undefined || s.failures > 0;
    });
    while (!settled() && this.deps.clock.now() < deadline) {
      await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, 20));
    }
    if (!settled()) this.deps.logger.warn({ code: 'PRESCIENT_KUBE_WATCH', timeoutMs }, 'EndpointSlices not listed in time; serving discovery Services with what is known so far');
    this.flush();
  }

  stop(): void {
    this.started = false;
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
  }

  status() {
    const watches = new Map([...this.watches].map(([k, w]) => [k, w.status()]));
    return {
      kubeconfig: this.kube?.source ?? null,
      ...(this.kubeError && { kubeconfigError: this.kubeError }),
      services: Object.fromEntries(
        [...this.sources].map(([name, s]) => {
          const r = this.results.get(name);
          const w = watches.get(sourceKey(s));
          return [
            name,
            {
              namespace: s.namespace,
              ...s.from,
              port: s.portText,
              endpoints: { serving: r?.serving ?? 0, draining: r?.draining ?? 0, excluded: r?.excluded ?? 0 },
              problems: r?.problems ?? [],
              watch: w ? { state: w.state, stale: w.stale, slices: w.slices, lastSyncAt: w.lastSyncAt, consecutiveFailures: w.consecutiveFailures, failures: w.failures, relists: w.relists, lastError: w.lastError } : null,
            },
          ];
        }),
      ),
    };
  }

  /** Kubernetes access, loaded when first needed; undefined (and said once) when there is none. */
  private kubeConfig(): LoadedKubeConfig | undefined {
    if (this.kube || this.kubeError) return this.kube;
    try {
      this.kube = loadKubeConfig({ path: this.options.kubeconfig });
    } catch (err) {
      this.kubeError = (err as Error).message;
      this.deps.logger.error({ code: 'PRESCIENT_KUBE_CONFIG', err: this.kubeError, services: [...this.sources.keys()] }, 'Services use Kubernetes discovery but there is no Kubernetes access; they have no endpoints');
    }
    return this.kube;
  }

  /** Starts the watches the sources need and stops the ones they no longer do. */
  private reconcile(): void {
    const wanted = new Map<string, Source>();
    for (const s of this.sources.values()) wanted.set(sourceKey(s), s);
    for (const [key, w] of this.watches) {
      if (!wanted.has(key)) {
        w.stop();
        this.watches.delete(key);
      }
    }
    if (wanted.size === 0) return;
    const kube = this.kubeConfig();
    if (!kube) return;
    for (const [key, s] of wanted) {
      if (this.watches.has(key)) continue;
      const w = new SliceWatch({
        kubeConfig: kube.kubeConfig,
        namespace: s.namespace,
        labelSelector: s.labelSelector,
        clock: this.deps.clock,
        onChange: () => this.queueFlush(),
        onFailure: (err, consecutive) => this.onWatchFailure(key, err, consecutive),
        onRecovered: (downMs) => {
          this.deps.logger.info({ watch: key, downMs }, 'EndpointSlice watch recovered');
          this.queueFlush();
        },
        ...this.options.watch,
      });
      this.watches.set(key, w);
      w.start();
    }
  }

  private onWatchFailure(key: string, err: Error, consecutive: number): void {
    this.metrics.watchFailures.inc();
    const services = [...this.sources].filter(([, s]) => sourceKey(s) === key).map(([name]) => name);
    const kept = services.reduce((n, name) => n + (this.results.get(name)?.endpoints.length ?? 0), 0);
    // The first failure of a streak is a warning; the retries after it only every tenth time.
    if (consecutive <= 1 || consecutive % 10 === 0) {
      this.deps.logger.warn({ code: 'PRESCIENT_KUBE_WATCH', watch: key, services, consecutive, err: err.message }, `EndpointSlice watch failed; the last known ${kept} endpoint(s) keep serving while it reconnects`);
    }
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // A relist delivers every slice synchronously: recompute once after the burst.
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const discovered = new Map<string, readonly EndpointSpec[]>();
    this.results.clear();
    for (const [name, s] of this.sources) {
      const slices = this.watches.get(sourceKey(s))?.slices() ?? [];
      const r = endpointsFromSlices(slices, s.port);
      this.results.set(name, r);
      discovered.set(name, r.endpoints);
      const problems = r.problems.join('; ');
      if (problems && this.reportedProblems.get(name) !== problems) {
        this.deps.logger.warn({ code: 'PRESCIENT_KUBE_SLICE', service: name, problems: r.problems }, 'EndpointSlices the Service cannot use');
      }
      this.reportedProblems.set(name, problems);
    }
    const text = JSON.stringify([...discovered]);
    if (text === this.published) return;
    this.published = text;
    this.metrics.updates.inc();
    this.deps.onEndpoints(discovered);
  }

  private measure(): DiscoveredServiceMeasure[] {
    return [...this.sources].map(([service, s]) => {
      const r = this.results.get(service);
      const w = this.watches.get(sourceKey(s))?.status();
      const lastSyncAt = w?.lastSyncAt ? Date.parse(w.lastSyncAt) : undefined;
      return { service, serving: r?.serving ?? 0, draining: r?.draining ?? 0, stale: w?.stale ?? false, ...(lastSyncAt !== undefined && { lastSyncAt }) };
    });
  }
}
