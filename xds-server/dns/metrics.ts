/**
 * Prometheus metrics of the DNS sink, declared in one place, in one registry per running
 * Prescient (the root merges it into /metrics). Labels are bounded by config: `zone` is a DnsZone
 * document name, `name` a name it publishes, `outcome` one of the fixed words below.
 */
import client from 'prom-client';

export type UpdateOutcome = 'applied' | 'conflict' | 'refused' | 'unverified' | 'unreachable';

export interface DnsMetrics {
  readonly registry: client.Registry;
  readonly updates: client.Counter<'zone' | 'outcome'>;
  readonly records: client.Gauge<'zone' | 'name'>;
  readonly publishDelay: client.Histogram<'zone'>;
}

export function createDnsMetrics(registry = new client.Registry()): DnsMetrics {
  return {
    registry,
    updates: new client.Counter({
      name: 'prescient_dns_updates_total',
      help: 'RFC 2136 UPDATE messages sent, by outcome (failures: every outcome but applied)',
      labelNames: ['zone', 'outcome'] as const,
      registers: [registry],
    }),
    records: new client.Gauge({
      name: 'prescient_dns_records',
      help: 'Address and SRV records published per name',
      labelNames: ['zone', 'name'] as const,
      registers: [registry],
    }),
    publishDelay: new client.Histogram({
      name: 'prescient_dns_publish_delay_seconds',
      help: 'From the first sync that saw a name differ from the endpoint state to the applied update (hysteresis and retries included)',
      labelNames: ['zone'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
