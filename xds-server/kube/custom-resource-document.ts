/**
 * A Prescient custom resource as the API server serves it → the config document the loader
 * checks, named by an origin that takes the place of a file (`k8s:Service/team-a/greeter`).
 *
 * Only what Prescient's schemas describe is kept: apiVersion, kind, metadata.name, namespace and
 * labels, and spec. Server-set metadata (uid, resourceVersion, managedFields, kubectl's
 * last-applied annotation) and status are dropped, so a status write or a re-apply of the same
 * spec is not a change; metadata.generation travels beside the document, for observedGeneration.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceDocument } from '../pipeline/admit-resources.ts';

export const ORIGIN_PREFIX = 'k8s:';

/** A custom resource of any Prescient kind, as listed or watched. */
export interface PrescientObject extends KubernetesObject {
  spec?: unknown;
  status?: unknown;
}

export interface ResourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export function originOf(ref: ResourceRef): string {
  return `${ORIGIN_PREFIX}${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** The reference an origin names, or undefined for an origin of another source. */
export function refOfOrigin(origin: string): ResourceRef | undefined {
  const m = /^k8s:([^/]+)\/([^/]+)\/([^/]+)$/.exec(origin);
  return m ? { kind: m[1], namespace: m[2], name: m[3] } : undefined;
}

export function refOf(kind: string, obj: PrescientObject): ResourceRef {
  return { kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

/** `kind` is the kind whose CRD the object came from (a watch never mixes kinds). */
export function toResourceDocument(kind: string, obj: PrescientObject): ResourceDocument {
  const meta = obj.metadata ?? {};
  const labels = meta.labels && Object.keys(meta.labels).length > 0 ? { labels: { ...meta.labels } } : {};
  const value = {
    apiVersion: obj.apiVersion,
    kind: obj.kind ?? kind,
    metadata: { name: meta.name, ...(meta.namespace && { namespace: meta.namespace }), ...labels },
    // The API server requires spec (the CRDs say so); an object without one fails the schema here too.
    ...(obj.spec !== undefined && { spec: obj.spec }),
  };
  return { origin: originOf(refOf(kind, obj)), value, ...(typeof meta.generation === 'number' && { generation: meta.generation }) };
}

/**
 * What a change must touch to matter: generation moves with every spec change (the status
 * subresource keeps status writes from moving it), labels are part of the document.
 */
export function contentKey(obj: PrescientObject): string {
  const meta = obj.metadata ?? {};
  return JSON.stringify([meta.generation ?? null, meta.labels ?? {}, meta.generation === undefined ? obj.spec : null]);
}
