/**
 * The Kubernetes scale actuator: applies a ScalingPolicy's decisions to a workload's `scale`
 * subresource (`autoscaling/v1` Scale), so anything scalable works — Deployments, StatefulSets,
 * ReplicaSets and any custom resource whose CRD declares a scale subresource.
 *
 * - The target's resource (plural) comes from API discovery of its `apiVersion` (as kubectl's
 *   RESTMapper finds it), cached per actuator and looked up again when the API says 404.
 * - Each decision reads `/scale`, clamps the decision's target to the policy's [min, max] and
 *   replaces `spec.replicas` with the read `resourceVersion` (optimistic concurrency; a 409 from a
 *   concurrent writer such as an HPA or kubectl is retried on a fresh read, a few times).
 * - Failures are ScaleErrors whose message says what to do: 403 names the verb and resource the
 *   ServiceAccount lacks, 404 names the target (or the kind the API does not serve).
 */
import { CodedError } from '../../api/coded-error.ts';
import type { Actuator, ScaleRequest } from '../scaling/actuators.ts';
import { statusMessage, type KubeResponse, type KubeRest } from './kube-rest.ts';

export type ScaleErrorCode =
  /** RBAC refused a verb on the scale subresource (or on discovery). */
  | 'PRESCIENT_SCALE_FORBIDDEN'
  /** The target object, or its kind at that apiVersion, does not exist. */
  | 'PRESCIENT_SCALE_NOT_FOUND'
  /** The kind exists but has no scale subresource. */
  | 'PRESCIENT_SCALE_NOT_SCALABLE'
  /** Concurrent writers kept changing the scale; the decision was not applied. */
  | 'PRESCIENT_SCALE_CONFLICT'
  /** The API server could not be reached or answered something else. */
  | 'PRESCIENT_SCALE_FAILED';

export class ScaleError extends CodedError<ScaleErrorCode> {}

/** A ScalingPolicy's `actuator.target`. */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  /** Default: the namespace Prescient runs in. */
  readonly namespace?: string;
  readonly name: string;
}

export interface KubeScaleActuatorOptions {
  readonly target: ScaleTarget;
  readonly rest: KubeRest;
  /** Used when the target names none. */
  readonly defaultNamespace: string;
  /** The policy's bounds; every write is clamped to them. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Read-modify-write attempts on 409; default 3. */
  readonly attempts?: number;
}

interface Resolved {
  /** `/apis/apps/v1/namespaces/ns/deployments/name` */
  readonly objectPath: string;
  /** `deployments/scale` */
  readonly subresource: string;
  readonly group: string;
}

interface Scale {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

interface ResourceList {
  resources?: { name: string; kind: string; namespaced?: boolean }[];
}

/** A KubeScaleActuator is an Actuator that can also say how many replicas the target has now. */
export interface ReplicaReader {
  readReplicas(): Promise<number>;
}

export class KubeScaleActuator implements Actuator, ReplicaReader {
  readonly name = 'kubernetes';
  private resolved: Resolved | undefined;
  private readonly namespace: string;

  constructor(private readonly o: KubeScaleActuatorOptions) {
    this.namespace = o.target.namespace ?? o.defaultNamespace;
  }

  /** `Deployment shop/web (apps/v1)`, for messages. */
  get targetName(): string {
    const t = this.o.target;
    return `${t.kind} ${this.namespace}/${t.name} (${t.apiVersion})`;
  }

  async readReplicas(): Promise<number> {
    const scale = await this.readScale();
    return scale.spec?.replicas ?? 0;
  }

  async apply(request: ScaleRequest): Promise<void> {
    const wanted = Math.min(this.o.maxReplicas, Math.max(this.o.minReplicas, request.to));
    const attempts = this.o.attempts ?? 3;
    for (let i = 0; i < attempts; i++) {
      const scale = await this.readScale();
      if (scale.spec?.replicas === wanted) return;
      const r = this.resolved!;
      const body: Scale = {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: this.o.target.name, namespace: this.namespace, resourceVersion: scale.metadata?.resourceVersion },
        spec: { replicas: wanted },
      };
      const res = await this.call('PUT', `${r.objectPath}/scale`, body);
      if (res.status === 200 || res.status === 201) return;
      if (res.status !== 409) throw this.refused('update', res);
    }
    throw new ScaleError('PRESCIENT_SCALE_CONFLICT', `${this.targetName}: the scale changed under every one of ${attempts} attempts to set ${wanted} replicas (another autoscaler or a person is writing it); not applied`);
  }

  private async readScale(): Promise<Scale> {
    for (let fresh = 0; fresh < 2; fresh++) {
      const r = await this.resolve(fresh === 1);
      const res = await this.call<Scale>('GET', `${r.objectPath}/scale`);
      if (res.status === 200 && res.body) return res.body;
      // A 404 may mean the cached mapping is stale (a CRD was replaced): look it up once more.
      if (res.status === 404 && fresh === 0) continue;
      throw this.refused('get', res);
    }
    throw new Error('unreachable');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<KubeResponse<T>> {
    try {
      return await this.o.rest.request<T>(method, path, body);
    } catch (err) {
      throw new ScaleError('PRESCIENT_SCALE_FAILED', `${this.targetName}: ${method} ${path} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Maps apiVersion + kind to the resource path through API discovery (cached). */
  private async resolve(fresh: boolean): Promise<Resolved> {
    if (this.resolved && !fresh) return this.resolved;
    const t = this.o.target;
    const slash = t.apiVersion.indexOf('/');
    const group = slash < 0 ? '' : t.apiVersion.slice(0, slash);
    const base = group ? `/apis/${t.apiVersion}` : `/api/${t.apiVersion}`;
    const res = await this.call<ResourceList>('GET', base);
    if (res.status === 404) {
      throw new ScaleError('PRESCIENT_SCALE_NOT_FOUND', `${this.targetName}: the API server does not serve ${t.apiVersion} (is the CRD installed? check \`kubectl api-versions\`)`);
    }
    if (res.status !== 200 || !res.body) throw this.refused('get', res, base);
    const resources = res.body.resources ?? [];
    const main = resources.find((r) => r.kind === t.kind && !r.name.includes('/'));
    if (!main) {
      const kinds = [...new Set(resources.filter((r) => !r.name.includes('/')).map((r) => r.kind))].sort();
      throw new ScaleError('PRESCIENT_SCALE_NOT_FOUND', `${this.targetName}: ${t.apiVersion} has no kind ${t.kind} (it serves: ${kinds.join(', ') || 'nothing'}); kinds are case-sensitive`);
    }
    if (!resources.some((r) => r.name === `${main.name}/scale`)) {
      throw new ScaleError('PRESCIENT_SCALE_NOT_SCALABLE', `${this.targetName}: ${main.name} has no scale subresource; scale a Deployment, StatefulSet or a custom resource whose CRD declares subresources.scale`);
    }
    const objectPath = main.namespaced === false ? `${base}/${main.name}/${encodeURIComponent(t.name)}` : `${base}/namespaces/${encodeURIComponent(this.namespace)}/${main.name}/${encodeURIComponent(t.name)}`;
    this.resolved = { objectPath, subresource: `${main.name}/scale`, group };
    return this.resolved;
  }

  private refused(verb: string, res: KubeResponse, discoveryPath?: string): ScaleError {
    const said = statusMessage(res);
    if (discoveryPath) {
      const code = res.status === 403 ? 'PRESCIENT_SCALE_FORBIDDEN' : 'PRESCIENT_SCALE_FAILED';
      return new ScaleError(code, `${this.targetName}: API discovery (GET ${discoveryPath}) answered ${res.status}: ${said}`);
    }
    const r = this.resolved!;
    if (res.status === 403) {
      return new ScaleError(
        'PRESCIENT_SCALE_FORBIDDEN',
        `${this.targetName}: forbidden to ${verb} ${r.subresource} (API group "${r.group}") in namespace ${this.namespace}: grant Prescient's ServiceAccount the verbs get and update on "${r.subresource}" there (the ClusterRole prescient-scaler in manifests/components/scale-actuator). The API server said: ${said}`,
      );
    }
    if (res.status === 404) {
      return new ScaleError('PRESCIENT_SCALE_NOT_FOUND', `${this.targetName}: not found; check the ScalingPolicy's actuator.target (name, namespace, kind). The API server said: ${said}`);
    }
    return new ScaleError('PRESCIENT_SCALE_FAILED', `${this.targetName}: ${verb} ${r.subresource} answered ${res.status}: ${said}`);
  }
}
