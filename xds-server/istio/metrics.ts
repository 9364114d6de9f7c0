/**
 * Prometheus metrics of Prescient as istiod's config source (docs/istio.md), one registry per
 * running Prescient (the root merges it into /metrics). `kind` is one of the Istio kinds Prescient
 * produces (ServiceEntry, DestinationRule, VirtualService) or `other` for the types it answers
 * empty (MeshConfig, Gateway, …), so labels stay bounded.
 */
import client from 'prom-client';

export interface IstioMetrics {
  readonly registry: client.Registry;
  /** Resources in the set istiod is served, per kind. */
  readonly resources: client.Gauge<'kind'>;
  /** MCP responses sent (each carries the whole set of its kind). */
  readonly pushes: client.Counter<'kind'>;
  /** Responses istiod rejected (NACKed). */
  readonly rejects: client.Counter<'kind'>;
  /** Models the Istio translation could not render or encode (the previous set keeps serving). */
  readonly renderErrors: client.Counter;
  /** Streams subscribed to at least one Istio type (istiod replicas). */
  readonly subscribers: client.Gauge;
  /** Streams refused Istio config by the access rules (docs/security.md). */
  readonly refused: client.Counter;
}

export function createIstioMetrics(registry = new client.Registry()): IstioMetrics {
  return {
    registry,
    resources: new client.Gauge({ name: 'prescient_istio_resources', help: 'Istio resources in the config served to istiod over MCP, per kind', labelNames: ['kind'] as const, registers: [registry] }),
    pushes: new client.Counter({ name: 'prescient_istio_pushes_total', help: 'MCP-over-xDS responses sent to istiod, per kind (each is the whole set of that kind)', labelNames: ['kind'] as const, registers: [registry] }),
    rejects: new client.Counter({ name: 'prescient_istio_rejects_total', help: 'MCP responses istiod rejected (NACKed), per kind', labelNames: ['kind'] as const, registers: [registry] }),
    renderErrors: new client.Counter({ name: 'prescient_istio_render_errors_total', help: 'Models the Istio translation failed on; istiod keeps the previous config', registers: [registry] }),
    subscribers: new client.Gauge({ name: 'prescient_istio_subscribers', help: 'xDS streams subscribed to Istio config (istiod instances)', registers: [registry] }),
    refused: new client.Counter({ name: 'prescient_istio_refused_total', help: 'Streams refused Istio config by the access rules (not an allowed istiod identity)', registers: [registry] }),
  };
}

/** The bounded `kind` label of a type URL. */
export function kindLabel(typeUrl: string): string {
  const kind = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  return kind === 'ServiceEntry' || kind === 'DestinationRule' || kind === 'VirtualService' ? kind : 'other';
}
