/**
 * `prescient shadow render`: Kubernetes manifests for a Service's shadow workload, derived from
 * the primary's Deployment (plain objects in, plain objects out; the CLI reads and writes YAML).
 *
 * - Deployment `<name>-shadow`: replicas × factor (rounded up, at least 1), every container's
 *   cpu/memory requests and limits × factor (rounded up: 1m cpu, 1Mi memory), labels
 *   `prescient.dev/shadow: "true"` and `prescient.dev/shadow-of: <name>`. The selector's label
 *   values get a `-shadow` suffix in the selector and the pod template, so the primary's Service
 *   (which selects the primary's labels) never sends primary traffic to shadow pods.
 * - NetworkPolicy `<name>-shadow-egress`: shadow pods may open connections only to other shadow
 *   pods, to cluster DNS and to Prescient's xDS port (for their sidecars): shadow traffic never
 *   reaches primary services.
 */
import { CodedError } from '../api/coded-error.ts';

export const SHADOW_LABEL = 'prescient.dev/shadow';
export const SHADOW_OF_LABEL = 'prescient.dev/shadow-of';

type Obj = Record<string, any>;

export interface ShadowRenderOptions {
  /** Fraction of the primary's replicas and resources, in (0, 1]. */
  factor: number;
  /** Labels of Prescient's pods (for the sidecars' xDS); default app.kubernetes.io/name=prescient. */
  prescientLabels?: Record<string, string>;
  xdsPort?: number;
}

export class ShadowRenderError extends CodedError<'PRESCIENT_SHADOW_RENDER'> {
  constructor(message: string) {
    super('PRESCIENT_SHADOW_RENDER', message);
  }
}

const CPU = /^([0-9]+(?:\.[0-9]+)?)(m?)$/;
const MEMORY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)$/;
const MEMORY_UNIT: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Scales a Kubernetes cpu quantity ("500m", "2", "0.5"): result in millicores, at least 1m. */
export function scaleCpu(q: string | number, factor: number): string {
  const m = CPU.exec(String(q));
  if (!m) throw new ShadowRenderError(`cpu quantity "${q}" is not understood (use e.g. "500m" or "2")`);
  const milli = Number(m[1]) * (m[2] ? 1 : 1000);
  return `${Math.max(1, Math.ceil(milli * factor))}m`;
}

/** Scales a memory quantity ("256Mi", "1G", bytes): result in Mi, rounded up, at least 1Mi. */
export function scaleMemory(q: string | number, factor: number): string {
  const m = MEMORY.exec(String(q));
  if (!m) throw new ShadowRenderError(`memory quantity "${q}" is not understood (use e.g. "256Mi" or "1Gi")`);
  const bytes = Number(m[1]) * MEMORY_UNIT[m[2]!]!;
  return `${Math.max(1, Math.ceil((bytes * factor) / 2 ** 20))}Mi`;
}

function scaleResources(r: Obj | undefined, factor: number): Obj | undefined {
  if (!r) return r;
  const out: Obj = {};
  for (const kind of ['requests', 'limits']) {
    if (!r[kind]) continue;
    out[kind] = { ...r[kind] };
    if (r[kind].cpu !== undefined) out[kind].cpu = scaleCpu(r[kind].cpu, factor);
    if (r[kind].memory !== undefined) out[kind].memory = scaleMemory(r[kind].memory, factor);
  }
  return { ...r, ...out };
}

export function renderShadow(deployment: Obj, o: ShadowRenderOptions): Obj[] {
  if (deployment?.kind !== 'Deployment') throw new ShadowRenderError(`expected a Deployment, got ${deployment?.kind ?? 'nothing'}`);
  if (!(o.factor > 0 && o.factor <= 1)) throw new ShadowRenderError(`factor ${o.factor} must be above 0 and at most 1`);
  const name: string = deployment.metadata?.name;
  const selector: Record<string, string> = deployment.spec?.selector?.matchLabels ?? {};
  if (!name || !Object.keys(selector).length) throw new ShadowRenderError('the Deployment needs metadata.name and spec.selector.matchLabels');
  const shadowName = `${name}-shadow`;
  const marks = { [SHADOW_LABEL]: 'true', [SHADOW_OF_LABEL]: name };
  const shadowSelector = { ...Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, `${v}-shadow`])), ...marks };
  const template = deployment.spec.template ?? {};
  const podSpec = template.spec ?? {};
  const meta = deployment.metadata;
  const shadowDeployment: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: shadowName,
      ...(meta.namespace && { namespace: meta.namespace }),
      labels: { ...(meta.labels ?? {}), ...marks },
      annotations: { 'prescient.dev/shadow-factor': String(o.factor) },
    },
    spec: {
      ...deployment.spec,
      replicas: Math.max(1, Math.ceil((deployment.spec.replicas ?? 1) * o.factor)),
      selector: { matchLabels: shadowSelector },
      template: {
        ...template,
        metadata: { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), ...shadowSelector } },
        spec: {
          ...podSpec,
          containers: (podSpec.containers ?? []).map((c: Obj) => ({ ...c, ...(c.resources && { resources: scaleResources(c.resources, o.factor) }) })),
          ...(podSpec.initContainers && { initContainers: podSpec.initContainers.map((c: Obj) => ({ ...c, ...(c.resources && { resources: scaleResources(c.resources, o.factor) }) })) }),
        },
      },
    },
  };
  const policy: Obj = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${shadowName}-egress`, ...(meta.namespace && { namespace: meta.namespace }), labels: marks },
    spec: {
      podSelector: { matchLabels: { [SHADOW_OF_LABEL]: name } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { [SHADOW_LABEL]: 'true' } } }] },
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: o.prescientLabels ?? { 'app.kubernetes.io/name': 'prescient' } } }], ports: [{ protocol: 'TCP', port: o.xdsPort ?? 18000 }] },
      ],
    },
  };
  return [shadowDeployment, policy];
}
