/**
 * How Prescient names things in Istio (docs/istio.md "Names"): a cluster `payments` becomes the
 * host `payments.<namespace>.<domain>` (by default `payments.prescient.svc.cluster.local`), its
 * ServiceEntry and DestinationRule `<namespace>/payments`; a Route `shop` becomes the
 * VirtualService `<namespace>/route.shop`, the mirror-only VirtualService of a Service without a
 * Route `<namespace>/service.payments`. Prescient names are DNS-1123 names, so hosts are valid
 * FQDNs; a decided cluster whose name is not one is left out (with a note).
 */
import type { Locality } from '../../../api/config.ts';
import type { IstioTranslateOptions } from './types.ts';

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsName(name: string): boolean {
  return name.length <= 200 && DNS_1123_SUBDOMAIN.test(name);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What is wrong with the options (the namespace must be a DNS label, the domain a DNS name), or undefined. */
export function istioOptionsProblem(o: IstioTranslateOptions): string | undefined {
  if (!DNS_LABEL.test(o.namespace)) return `Istio namespace "${o.namespace}" is not a DNS label (lowercase letters, digits, '-')`;
  if (!isDnsName(o.domain)) return `Istio domain "${o.domain}" is not a DNS name (lowercase labels separated by dots)`;
  return undefined;
}

export function istioHost(cluster: string, o: IstioTranslateOptions): string {
  return `${cluster}.${o.namespace}.${o.domain}`;
}

export function routeVirtualServiceName(route: string): string {
  return `route.${route}`;
}

export function serviceVirtualServiceName(service: string): string {
  return `service.${service}`;
}

/** Istio's locality string `region/zone/subzone`, trailing empty parts dropped; undefined when empty. */
export function istioLocality(l: Locality | undefined): string | undefined {
  if (!l) return undefined;
  const s = [l.region ?? '', l.zone ?? '', l.subZone ?? ''].join('/').replace(/\/+$/, '');
  return s || undefined;
}

// Kubernetes label syntax (istiod validates WorkloadEntry labels with it).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function validLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && LABEL_PREFIX.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

/** The metadata entries that are valid Kubernetes labels; the others, by key. */
export function labelsOf(metadata: Readonly<Record<string, string>> | undefined): { labels: Record<string, string>; dropped: string[] } {
  const labels: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (validLabelKey(k) && LABEL_VALUE.test(v)) labels[k] = v;
    else dropped.push(k);
  }
  return { labels, dropped };
}
