/**
 * Every Prometheus metric of scorer/, declared in one place (DESIGN §11). Per-endpoint series
 * are bounded by `MAX_ENDPOINT_SERIES` in the code that sets them.
 */
import client from 'prom-client';

export const registry = new client.Registry();

export const telemetryMetrics = {
  rejected: new client.Counter({
    name: 'prescient_telemetry_rejected_total',
    help: 'Telemetry inputs rejected as malformed or oversized, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  accepted: new client.Counter({
    name: 'prescient_telemetry_accepted_total',
    help: 'Telemetry observations accepted, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
};
