/**
 * Prometheus metrics of the capture sink, declared in one place, in one registry per running
 * Prescient (the root merges it into /metrics). `protocol` is one of http/1.1, h2, grpc.
 */
import client from 'prom-client';

export interface CaptureMetrics {
  readonly registry: client.Registry;
  readonly requests: client.Counter<'protocol'>;
  readonly written: client.Counter;
  readonly shed: client.Counter;
}

export function createCaptureMetrics(registry = new client.Registry()): CaptureMetrics {
  return {
    registry,
    requests: new client.Counter({ name: 'prescient_capture_requests_total', help: 'Requests the capture sink answered, by protocol', labelNames: ['protocol'] as const, registers: [registry] }),
    written: new client.Counter({ name: 'prescient_capture_records_written_total', help: 'Request records written to the capture store', registers: [registry] }),
    shed: new client.Counter({ name: 'prescient_capture_records_shed_total', help: 'Request records dropped because the write queue was full or the disk failed (requests were still answered)', registers: [registry] }),
  };
}
