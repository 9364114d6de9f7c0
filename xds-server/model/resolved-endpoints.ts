/**
 * Endpoints written as host names (DESIGN §4.4: proxyless gRPC accepts only IP addresses in EDS).
 * A name some decision slice resolved becomes one endpoint per address, each with the config
 * endpoint's weight, priority and health, its key `address:port` and `resolvedFrom` the name; a
 * name nobody resolved yet stays as written (Envoy resolves it itself; translate leaves it out
 * for gRPC). Pure.
 */
import type { ModelEndpoint } from '../../api/mesh-model.ts';

/**
 * The schema admits IPv4, IPv6 or a host name as an endpoint address; host names have no ':' and
 * are not all digits and dots.
 */
export function isHostName(address: string): boolean {
  return !address.includes(':') && !/^[0-9.]+$/.test(address);
}

export function resolvedNameKey(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

export function expandResolved(endpoints: readonly ModelEndpoint[], resolved: ReadonlyMap<string, readonly string[]>): ModelEndpoint[] {
  return endpoints.flatMap((e) => {
    if (!isHostName(e.address)) return [e];
    const addresses = resolved.get(resolvedNameKey(e.address));
    if (!addresses?.length) return [e];
    return addresses.map((address) => ({ ...e, key: `${address}:${e.port}`, address, resolvedFrom: e.address, hostname: e.hostname ?? e.address }));
  });
}
