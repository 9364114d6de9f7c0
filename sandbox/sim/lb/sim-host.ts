/**
 * One upstream host as a client sees it: what EDS said (weight, health, zone) and the client's own
 * state (requests in flight, outlier ejection, connection state, latency estimate). Each client
 * has its own hosts, as each Envoy or gRPC channel does.
 */
export class SimHost {
  weight = 1;
  /** EDS health. */
  edsHealthy = true;
  zone = '';
  /** Requests sent and not yet answered by this client. */
  active = 0;
  /** Ejected by outlier detection. */
  ejected = false;
  /** gRPC subchannel in TRANSIENT_FAILURE (connection refused) until `downUntil`. */
  downUntil = 0;
  downBackoffMs = 0;
  /** Peak-EWMA round-trip estimate (ms) and when it was last updated. */
  ewmaMs = 0;
  ewmaAt = 0;

  constructor(
    readonly key: string,
    /** Index of the endpoint in the simulation (stable across EDS updates). */
    readonly index: number,
  ) {}

  get healthy(): boolean {
    return this.edsHealthy && !this.ejected;
  }
}

/** Picks one host of a fixed list; rebuilt whenever the list or the weights change. */
export interface HostPicker {
  pick(hashKey: number): SimHost;
}
