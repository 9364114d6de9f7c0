/**
 * Checks of a schema-valid DnsZone document that JSON Schema cannot express, in the config
 * loader's Finding shape, and the Service names it refers to (for the loader's reference check).
 * Pure.
 */
import { parseDurationMs } from '../../api/duration.ts';
import { CONFIG_ERROR } from '../config/errors.ts';
import type { Finding } from '../config/value-checks.ts';
import { absoluteName, inZone, type DnsZoneSpec, DNS_DEFAULTS } from './zone-config.ts';

export function dnsZoneFindings(spec: DnsZoneSpec): Finding[] {
  const out: Finding[] = [];
  const ttl = spec.ttl ?? DNS_DEFAULTS.ttl;
  const ttlMs = parseDurationMs(ttl);
  if (ttlMs < 1000 || ttlMs % 1000 !== 0) {
    out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'ttl'], message: `must be whole seconds, at least 1s (got "${ttl}"); DNS TTLs are seconds` });
  }
  if (spec.hysteresis !== undefined && parseDurationMs(spec.hysteresis) < 100) {
    out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'hysteresis'], message: `must be at least 100ms (got "${spec.hysteresis}") so one endpoint cannot cause an update storm` });
  }
  if (spec.server.timeout !== undefined && parseDurationMs(spec.server.timeout) <= 0) {
    out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'server', 'timeout'], message: 'must be longer than zero' });
  }
  const seen = new Map<string, number>();
  spec.publish.forEach((p, i) => {
    const name = absoluteName(p.name, spec.zone);
    if (!inZone(name, spec.zone)) {
      out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'publish', i, 'name'], message: `("${name}") is outside zone ${spec.zone}; an update can only change names inside its zone` });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      out.push({ code: CONFIG_ERROR.duplicate, segments: ['spec', 'publish', i, 'name'], message: `publishes ${name} again (first at publish[${first}]); one name, one service` });
    } else seen.set(name, i);
    if ((p.minRecords ?? DNS_DEFAULTS.minRecords) > (p.maxRecords ?? DNS_DEFAULTS.maxRecords)) {
      out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'publish', i, 'minRecords'], message: `(${p.minRecords}) is above maxRecords (${p.maxRecords ?? DNS_DEFAULTS.maxRecords})` });
    }
    if (p.addresses === false && !p.srv) {
      out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'publish', i], message: 'publishes nothing: set srv, or leave addresses on' });
    }
  });
  return out;
}

export function dnsZoneServiceReferences(spec: DnsZoneSpec): { segments: (string | number)[]; name: string }[] {
  return spec.publish.map((p, i) => ({ segments: ['spec', 'publish', i, 'service'], name: p.service }));
}
