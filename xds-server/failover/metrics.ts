/**
 * Prometheus metrics of failover (FailoverPolicy), in one registry per running Prescient (the
 * root merges it into /metrics). Labels are bounded by the config: one `service` per armed
 * FailoverPolicy, `state` and `to` one of the machine's five states.
 */
import client from 'prom-client';
import type { FailoverState } from '../../mirror/failover-machine.ts';

export const FAILOVER_STATES: readonly FailoverState[] = ['primary', 'failing-over', 'on-shadow', 'verifying', 'failing-back'];

export interface FailoverMetrics {
  readonly registry: client.Registry;
  readonly state: client.Gauge<'service' | 'state'>;
  readonly held: client.Gauge<'service'>;
  readonly transitions: client.Counter<'service' | 'to'>;
}

export interface ArmedFailover {
  readonly service: string;
  readonly state: FailoverState;
  readonly held: boolean;
}

/**
 * `measure` is read at scrape time and returns the armed services, or undefined on a replica
 * that does not lead failover (its machines do not move, so it exports no state at all: a
 * dashboard taking the max over replicas sees the leader's).
 */
export function createFailoverMetrics(measure: () => readonly ArmedFailover[] | undefined, registry = new client.Registry()): FailoverMetrics {
  return {
    registry,
    held: new client.Gauge({
      name: 'prescient_failover_held',
      help: '1 while an operator holds the service\'s failover machine where it is (prescient failover hold)',
      labelNames: ['service'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const a of measure() ?? []) this.set({ service: a.service }, a.held ? 1 : 0);
      },
    }),
    state: new client.Gauge({
      name: 'prescient_failover_state',
      help: 'Failover state of each service with a FailoverPolicy: 1 for the current state, 0 for the others (leader of failover only)',
      labelNames: ['service', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const a of measure() ?? []) for (const s of FAILOVER_STATES) this.set({ service: a.service, state: s }, s === a.state ? 1 : 0);
      },
    }),
    transitions: new client.Counter({
      name: 'prescient_failover_transitions_total',
      help: 'Failover state changes, by service and the state entered',
      labelNames: ['service', 'to'] as const,
      registers: [registry],
    }),
  };
}
