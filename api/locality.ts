/**
 * Proxyless gRPC applies weights only between localities, so for gRPC clients each endpoint is
 * rendered in a locality of its own (DESIGN §4.4). Its `sub_zone` carries the endpoint key, which
 * also lets LRS per-locality reports from gRPC be attributed to single endpoints.
 */
import type { Locality } from './config.ts';

const SEPARATOR = '/ep=';

/** The locality an endpoint gets when rendered one-endpoint-per-locality. */
export function endpointLocality(locality: Locality | undefined, endpointKey: string): Required<Locality> {
  return {
    region: locality?.region ?? '',
    zone: locality?.zone ?? '',
    subZone: `${locality?.subZone ?? ''}${SEPARATOR}${endpointKey}`,
  };
}

/** The endpoint key carried in a sub_zone by `endpointLocality`, if any. */
export function endpointKeyFromSubZone(subZone: string): string | undefined {
  const i = subZone.lastIndexOf(SEPARATOR);
  return i < 0 ? undefined : subZone.slice(i + SEPARATOR.length);
}
