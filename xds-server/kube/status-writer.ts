/**
 * Writes statuses to custom resources through their status subresource (a JSON Patch replacing
 * `/status`), one request at a time; a newer status for the same resource replaces a queued one.
 *
 * No write loops: a status write never moves `metadata.generation`, so the watch does not call it
 * a change (custom-resource-watch.ts), and a status is written only when it differs from the
 * object's — or, until the watch has caught up with a write, from the status last written. A
 * failed write (PRESCIENT_KUBE_STATUS_WRITE) is logged and counted; the next resync tries again.
 */
import * as k8s from '@kubernetes/client-node';
import { CRD_GROUP, CRD_VERSION, pluralOf } from '../config/crd.ts';
import type { Logger } from '../log.ts';
import type { XdsMetrics } from '../metrics.ts';
import { originOf, type PrescientObject, type ResourceRef } from './custom-resource-document.ts';
import { sameStatus, type PrescientStatus } from './resource-status.ts';

interface Written {
  status: PrescientStatus;
  /** The object's resourceVersion before and after the write. */
  before?: string;
  after?: string;
}

interface Job {
  ref: ResourceRef;
  status: PrescientStatus;
  resourceVersion?: string;
}

export class StatusWriter {
  private readonly api: k8s.CustomObjectsApi;
  private readonly written = new Map<string, Written>();
  private readonly queue = new Map<string, Job>();
  private running: Promise<void> | undefined;
  private closed = false;
  writes = 0;
  failures = 0;

  constructor(
    kubeConfig: k8s.KubeConfig,
    private readonly logger: Logger,
    private readonly metrics: XdsMetrics,
  ) {
    this.api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }

  /** Queues `status` for `obj` unless it already carries it (or was just given it). */
  offer(ref: ResourceRef, obj: PrescientObject, status: PrescientStatus): void {
    if (this.closed || sameStatus(obj.status, status)) return;
    const origin = originOf(ref);
    const last = this.written.get(origin);
    const rv = obj.metadata?.resourceVersion;
    // The watch has not delivered our last write yet, or the API server pruned part of it.
    if (last && sameStatus(last.status, status) && (rv === last.before || rv === last.after)) return;
    this.queue.set(origin, { ref, status, resourceVersion: rv });
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Forgets resources that no longer exist (every origin not in `origins`). */
  retain(origins: ReadonlySet<string>): void {
    for (const origin of [...this.written.keys()]) if (!origins.has(origin)) this.written.delete(origin);
    for (const origin of [...this.queue.keys()]) if (!origins.has(origin)) this.queue.delete(origin);
  }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.clear();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.queue.entries().next();
      if (next.done || this.closed) return;
      const [origin, job] = next.value;
      this.queue.delete(origin);
      await this.write(origin, job);
    }
  }

  private async write(origin: string, job: Job): Promise<void> {
    const { ref, status } = job;
    try {
      const updated = (await this.api.patchNamespacedCustomObjectStatus(
        { group: CRD_GROUP, version: CRD_VERSION, namespace: ref.namespace, plural: pluralOf(ref.kind), name: ref.name, body: [{ op: 'add', path: '/status', value: status }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      )) as PrescientObject;
      this.written.set(origin, { status, before: job.resourceVersion, after: updated?.metadata?.resourceVersion });
      this.writes++;
      this.metrics.configResourceStatusWrites.inc({ result: 'written' });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Deleted meanwhile: nothing to report on.
      if (code === 404) return;
      this.failures++;
      this.metrics.configResourceStatusWrites.inc({ result: 'error' });
      this.logger.warn({ code: 'PRESCIENT_KUBE_STATUS_WRITE', resource: origin, err: (err as Error).message?.slice(0, 500) }, 'cannot write the status of a custom resource; retrying at the next resync');
    }
  }
}
