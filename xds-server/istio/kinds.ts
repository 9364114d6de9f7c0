/**
 * The Istio config kinds Prescient serves istiod over MCP-over-xDS (docs/istio.md): the type URL
 * istiod asks for (its `group/version/Kind`, as `gvk.String()` prints it) and the proto message
 * the spec is, packed in an `istio.mcp.v1alpha1.Resource` body.
 */
export const ISTIO_KINDS = {
  ServiceEntry: { typeUrl: 'networking.istio.io/v1/ServiceEntry', message: 'istio.networking.v1alpha3.ServiceEntry' },
  DestinationRule: { typeUrl: 'networking.istio.io/v1/DestinationRule', message: 'istio.networking.v1alpha3.DestinationRule' },
  VirtualService: { typeUrl: 'networking.istio.io/v1/VirtualService', message: 'istio.networking.v1alpha3.VirtualService' },
} as const;

export type IstioKind = keyof typeof ISTIO_KINDS;

export const ISTIO_KIND_NAMES = Object.keys(ISTIO_KINDS) as IstioKind[];

/** `google.protobuf.Any` type URL of each entry in an MCP response. */
export const MCP_RESOURCE_TYPE_URL = 'type.googleapis.com/istio.mcp.v1alpha1.Resource';

/**
 * An Istio config type URL: `group/version/Kind` (istiod's first requests also ask for
 * `core/v1alpha1/MeshConfig`, security.istio.io kinds, Gateways, Sidecars…). Envoy's types are
 * `type.googleapis.com/…` and never match. Bounded so a made-up URL cannot grow anything.
 */
const ISTIO_TYPE_URL = /^[a-z0-9]([a-z0-9.-]{0,62})\/v[0-9][a-z0-9]{0,15}\/[A-Z][A-Za-z0-9]{0,62}$/;

export function isIstioTypeUrl(typeUrl: string): boolean {
  return ISTIO_TYPE_URL.test(typeUrl);
}

/** The kind a type URL names, when Prescient produces it (the exact version istiod asks for). */
export function servedKind(typeUrl: string): IstioKind | undefined {
  return ISTIO_KIND_NAMES.find((kind) => ISTIO_KINDS[kind].typeUrl === typeUrl);
}
