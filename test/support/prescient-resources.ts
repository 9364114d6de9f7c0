/**
 * Prescient custom resources through a real API server, for tests: create, merge-patch, read,
 * delete, and the Accepted condition Prescient writes back.
 */
import * as k8s from '@kubernetes/client-node';
import { API_VERSION } from '../../api/config.ts';
import { CRD_GROUP, CRD_VERSION, pluralOf } from '../../xds-server/config/crd.ts';

export interface CustomObject {
  metadata: { name: string; namespace: string; generation?: number; resourceVersion?: string };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    servingGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string; observedGeneration?: number; lastTransitionTime: string }[];
    errors?: { code: string; path: string; message: string }[];
  };
}

export class PrescientResources {
  private readonly api: k8s.CustomObjectsApi;

  constructor(kubeConfig: k8s.KubeConfig) {
    this.api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
  }

  async create(kind: string, namespace: string, name: string, spec: unknown, labels?: Record<string, string>): Promise<CustomObject> {
    const body = { apiVersion: API_VERSION, kind, metadata: { name, namespace, ...(labels && { labels }) }, spec };
    return (await this.api.createNamespacedCustomObject({ group: CRD_GROUP, version: CRD_VERSION, namespace, plural: pluralOf(kind), body })) as CustomObject;
  }

  /** A JSON merge patch of the spec (lists are replaced whole). */
  async patchSpec(kind: string, namespace: string, name: string, spec: unknown): Promise<CustomObject> {
    return (await this.api.patchNamespacedCustomObject(
      { group: CRD_GROUP, version: CRD_VERSION, namespace, plural: pluralOf(kind), name, body: { spec } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    )) as CustomObject;
  }

  async get(kind: string, namespace: string, name: string): Promise<CustomObject> {
    return (await this.api.getNamespacedCustomObject({ group: CRD_GROUP, version: CRD_VERSION, namespace, plural: pluralOf(kind), name })) as CustomObject;
  }

  async delete(kind: string, namespace: string, name: string): Promise<void> {
    await this.api.deleteNamespacedCustomObject({ group: CRD_GROUP, version: CRD_VERSION, namespace, plural: pluralOf(kind), name });
  }

  /** The Accepted condition with the generation it is about, once it is about `generation` (else undefined). */
  async accepted(kind: string, namespace: string, name: string, generation?: number): Promise<CustomObject['status'] | undefined> {
    const obj = await this.get(kind, namespace, name);
    const status = obj.status;
    const cond = status?.conditions?.find((c) => c.type === 'Accepted');
    if (!cond) return undefined;
    if (generation !== undefined && status?.observedGeneration !== generation) return undefined;
    return status;
  }
}
