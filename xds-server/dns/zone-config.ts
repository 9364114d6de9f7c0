/**
 * A validated DnsZone document (schema: xds-server/config/schemas/DnsZone.schema.json) → what the
 * DNS sink runs, with every default applied in this one place. Pure.
 */
import type { DnsZoneSpec } from '../../api/config.ts';
import { parseDurationMs } from '../../api/duration.ts';
import type { DnsZoneConfig } from './dns-sink.ts';
import { DEFAULT_THRESHOLDS } from './endpoint-selection.ts';
import { normalizeName } from './wire.ts';

/** The `spec` of a DnsZone document (api/config.ts), as the schema accepts it. */
export type { DnsZoneSpec } from '../../api/config.ts';

export const DNS_DEFAULTS = {
  port: 53,
  ttl: '30s',
  timeoutMs: 2000,
  attempts: 3,
  maxUpdatesPerMinute: 60,
  srvWeightTolerance: 10,
  maxRecords: 8,
  minRecords: 1,
  srvService: '_grpc',
  srvProtocol: '_tcp',
  rereadMs: 30_000,
} as const;

/** `api` → `api.<zone>`; a name already inside the zone (or ending in a dot) stays as it is. */
export function absoluteName(name: string, zone: string): string {
  const z = normalizeName(zone);
  if (name.endsWith('.')) return normalizeName(name);
  const n = normalizeName(name);
  return n === z || n.endsWith(`.${z}`) ? n : `${n}.${z}`;
}

/** Whether `name` lies in `zone` (UPDATE can only touch names inside its zone). */
export function inZone(name: string, zone: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zone);
  return n === z || n.endsWith(`.${z}`);
}

export function dnsZoneConfig(id: string, spec: DnsZoneSpec): DnsZoneConfig {
  const ttlSeconds = Math.max(1, Math.round(parseDurationMs(spec.ttl ?? DNS_DEFAULTS.ttl) / 1000));
  const zone = normalizeName(spec.zone);
  return {
    id,
    server: { address: spec.server.address, port: spec.server.port ?? DNS_DEFAULTS.port },
    key: spec.tsigKey,
    settings: {
      zone,
      ttlSeconds,
      thresholds: { ...DEFAULT_THRESHOLDS, ...spec.thresholds },
      srvWeightTolerance: spec.srvWeightTolerance ?? DNS_DEFAULTS.srvWeightTolerance,
      publish: spec.publish.map((p) => ({
        service: p.service,
        target: {
          name: absoluteName(p.name, zone),
          addresses: p.addresses ?? true,
          ...(p.srv ? { srv: { service: p.srv.service ?? DNS_DEFAULTS.srvService, protocol: p.srv.protocol ?? DNS_DEFAULTS.srvProtocol } } : {}),
        },
        limits: { maxRecords: p.maxRecords ?? DNS_DEFAULTS.maxRecords, minRecords: p.minRecords ?? DNS_DEFAULTS.minRecords },
      })),
    },
    hysteresisMs: spec.hysteresis !== undefined ? parseDurationMs(spec.hysteresis) : ttlSeconds * 1000,
    maxUpdatesPerMinute: spec.maxUpdatesPerMinute ?? DNS_DEFAULTS.maxUpdatesPerMinute,
    timeoutMs: spec.server.timeout !== undefined ? parseDurationMs(spec.server.timeout) : DNS_DEFAULTS.timeoutMs,
    attempts: spec.server.attempts ?? DNS_DEFAULTS.attempts,
    rereadMs: DNS_DEFAULTS.rereadMs,
  };
}
