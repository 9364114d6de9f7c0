/**
 * Envoy outlier detection for one client's cluster (source/common/upstream/outlier_detection_impl):
 * - consecutive 5xx: the Nth failure in a row ejects the host at once (connection failures count,
 *   as they do when local-origin errors are not split);
 * - success rate, every interval: among hosts with at least `requestVolume` requests in the
 *   interval, and only if there are `minimumHosts` of them, a host below mean − factor × stdev is
 *   ejected;
 * - an ejected host returns after base_ejection_time × its ejection count (capped at
 *   max(base, max_ejection_time)); the count drops by one each interval the host spends un-ejected;
 * - at most max_ejection_percent of the hosts are ejected at once, but at least one may be.
 */
import type { DecodedOutlierDetection } from '../decode/decoded-types.ts';
import type { SimHost } from './sim-host.ts';

interface HostState {
  consecutive: number;
  ejections: number;
  ejectedAt: number;
  success: number;
  total: number;
}

export class OutlierDetector {
  private readonly state = new Map<SimHost, HostState>();
  ejectionsTotal = 0;

  constructor(
    readonly config: DecodedOutlierDetection,
    /** Called when the ejected set changes (the client rebuilds its pickers). */
    private readonly onChange: () => void,
  ) {}

  private of(h: SimHost): HostState {
    let s = this.state.get(h);
    if (!s) this.state.set(h, (s = { consecutive: 0, ejections: 0, ejectedAt: 0, success: 0, total: 0 }));
    return s;
  }

  /** Forgets hosts no longer in the cluster. */
  retain(hosts: readonly SimHost[]): void {
    const keep = new Set(hosts);
    for (const h of this.state.keys()) if (!keep.has(h)) this.state.delete(h);
  }

  onResult(h: SimHost, ok: boolean, now: number, hosts: readonly SimHost[]): void {
    const s = this.of(h);
    s.total++;
    if (ok) {
      s.success++;
      s.consecutive = 0;
      return;
    }
    s.consecutive++;
    if (s.consecutive >= this.config.consecutive5xx && !h.ejected && this.config.enforcingConsecutive5xx >= 100) {
      s.consecutive = 0;
      this.eject(h, s, now, hosts);
    }
  }

  private canEject(hosts: readonly SimHost[]): boolean {
    const ejected = hosts.reduce((n, x) => n + (x.ejected ? 1 : 0), 0);
    return ejected === 0 || ((ejected + 1) * 100) / hosts.length <= this.config.maxEjectionPercent;
  }

  private eject(h: SimHost, s: HostState, now: number, hosts: readonly SimHost[]): void {
    if (!this.canEject(hosts)) return;
    h.ejected = true;
    s.ejections++;
    s.ejectedAt = now;
    this.ejectionsTotal++;
    this.onChange();
  }

  /** The interval timer: un-ejects, decays ejection counts, runs success-rate ejection. */
  onInterval(now: number, hosts: readonly SimHost[]): void {
    const c = this.config;
    let changed = false;
    for (const h of hosts) {
      const s = this.of(h);
      if (h.ejected) {
        const duration = Math.min(c.baseEjectionTimeMs * s.ejections, Math.max(c.baseEjectionTimeMs, c.maxEjectionTimeMs));
        if (now - s.ejectedAt >= duration) {
          h.ejected = false;
          changed = true;
        }
      } else if (s.ejections > 0) {
        s.ejections--;
      }
    }
    const sample = hosts.filter((h) => this.of(h).total >= c.successRateRequestVolume);
    if (sample.length >= c.successRateMinimumHosts && c.enforcingSuccessRate >= 100) {
      const rates = sample.map((h) => this.of(h).success / this.of(h).total);
      const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
      const stdev = Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length);
      const limit = mean - c.successRateStdevFactor * stdev;
      sample.forEach((h, i) => {
        if (!h.ejected && rates[i]! < limit) this.eject(h, this.of(h), now, hosts);
      });
    }
    for (const h of hosts) {
      const s = this.of(h);
      s.success = 0;
      s.total = 0;
    }
    if (changed) this.onChange();
  }
}
