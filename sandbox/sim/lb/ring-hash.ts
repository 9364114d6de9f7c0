/**
 * Envoy RING_HASH (Ketama-style): each host gets entries on a ring in proportion to its weight,
 * scaled so the ring has between the minimum and maximum size; a request's hash picks the first
 * entry clockwise. Envoy hashes "address:port_i" with xxHash64; this uses a 32-bit FNV-1a mixed
 * with a finaliser, which places entries differently but keeps the property the simulation
 * relies on (each host's share of the hash space ≈ its share of entries).
 */
import type { HostPicker, SimHost } from './sim-host.ts';

export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function ringHashPicker(hosts: readonly SimHost[], minRingSize = 1024, maxRingSize = 8 * 1024 * 1024): HostPicker {
  const total = hosts.reduce((s, h) => s + h.weight, 0);
  const minNormalised = Math.min(...hosts.map((h) => h.weight / total));
  // Envoy: scale so the smallest host gets at least one entry and the ring is ≥ minRingSize.
  const scale = Math.min(Math.ceil(minNormalised * minRingSize) / minNormalised, maxRingSize);
  const entries: { hash: number; host: SimHost }[] = [];
  let target = 0;
  let current = 0;
  for (const h of hosts) {
    target += (h.weight / total) * scale;
    let i = 0;
    while (current < target) {
      entries.push({ hash: hash32(`${h.key}_${i}`), host: h });
      i++;
      current++;
    }
  }
  entries.sort((a, b) => a.hash - b.hash || (a.host.key < b.host.key ? -1 : 1));
  const hashes = Uint32Array.from(entries.map((e) => e.hash));
  const ring = entries.map((e) => e.host);
  return {
    pick(hashKey: number) {
      let lo = 0;
      let hi = hashes.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (hashes[mid]! < hashKey) lo = mid + 1;
        else hi = mid;
      }
      return ring[lo === hashes.length ? 0 : lo]!;
    },
  };
}
