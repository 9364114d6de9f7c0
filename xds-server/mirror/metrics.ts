/**
 * Prometheus metrics of mirroring, declared in one place, in one registry per running Prescient
 * (the root merges it into /metrics). No labels: rule names are on /debug/mirrors.
 */
import client from 'prom-client';

export interface MirrorMetrics {
  readonly registry: client.Registry;
  readonly rules: client.Gauge;
  readonly notApplied: client.Gauge;
}

/** `measure` is read at scrape time, so the gauges always match the connected clients. */
export function createMirrorMetrics(measure: () => { rules: number; notApplied: number }, registry = new client.Registry()): MirrorMetrics {
  return {
    registry,
    rules: new client.Gauge({
      name: 'prescient_mirror_rules',
      help: 'Enabled MirrorRules rendered into the mirrors decision slice',
      registers: [registry],
      collect() {
        this.set(measure().rules);
      },
    }),
    notApplied: new client.Gauge({
      name: 'prescient_mirror_rules_not_applied',
      help: 'Enabled MirrorRules that at least one connected client carries but cannot apply (proxyless gRPC ignores mirror policies)',
      registers: [registry],
      collect() {
        this.set(measure().notApplied);
      },
    }),
  };
}
