/**
 * An Envoy sidecar's view of one cluster: the hosts of every priority from EDS (weights, health),
 * priority load and panic (priority-load.ts), outlier detection from the Cluster's
 * outlier_detection, and the Cluster's lb_policy within a priority. Locality weights are honoured
 * only when the Cluster sets locality_weighted_lb_config (Envoy ignores them otherwise). Pickers are
 * rebuilt whenever the host set, a weight or a host's health changes, as Envoy rebuilds its
 * per-priority load balancers.
 */
import type { DecodedAssignment, DecodedCluster, DecodedMesh } from '../decode/decoded-types.ts';
import type { SeededRng } from '../rng.ts';
import type { ClientAlgorithm, SimClient } from './client-types.ts';
import { leastRequestPicker } from './least-request.ts';
import { OutlierDetector } from './outlier-detector.ts';
import { PeakEwma, peakEwmaPicker } from './peak-ewma.ts';
import { priorityLoad, type PriorityLoad } from './priority-load.ts';
import { randomPicker } from './random.ts';
import { ringHashPicker } from './ring-hash.ts';
import { roundRobinPicker } from './round-robin.ts';
import { SimHost, type HostPicker } from './sim-host.ts';

export interface EnvoyClientOptions {
  readonly name: string;
  readonly cluster: string;
  readonly rng: SeededRng;
  /** Virtual now (ms). */
  readonly now: () => number;
  /** Endpoint key → simulation index. */
  readonly indexOf: (key: string) => number;
  readonly algorithm?: ClientAlgorithm;
  readonly peakEwma?: PeakEwma;
  /** Schedules the outlier-detection interval timer. */
  readonly every?: (ms: number, fn: () => void) => void;
}

interface Level {
  hosts: SimHost[];
  picker: HostPicker | undefined;
  /** Locality-weighted: per locality its hosts and picker, and the locality weights. */
  localities?: { weight: number; hosts: SimHost[]; picker: HostPicker | undefined }[];
}

export class EnvoyClient implements SimClient {
  readonly name: string;
  private cluster: DecodedCluster | undefined;
  private assignment: DecodedAssignment | undefined;
  private readonly byKey = new Map<string, SimHost>();
  private all: SimHost[] = [];
  private levels: Level[] = [];
  private load: PriorityLoad = { load: [], panic: [] };
  private outlier: OutlierDetector | undefined;
  private dirty = true;
  readonly peakEwma: PeakEwma;

  constructor(private readonly o: EnvoyClientOptions) {
    this.name = o.name;
    this.peakEwma = o.peakEwma ?? new PeakEwma();
  }

  apply(mesh: DecodedMesh): void {
    const cluster = mesh.clusters.get(this.o.cluster);
    const assignment = mesh.assignments.get(this.o.cluster);
    if (!cluster || !assignment) return;
    if (cluster.outlierDetection && !this.outlier) {
      this.outlier = new OutlierDetector(cluster.outlierDetection, () => (this.dirty = true));
      const od = this.outlier;
      this.o.every?.(cluster.outlierDetection.intervalMs, () => od.onInterval(this.o.now(), this.all));
    }
    this.cluster = cluster;
    this.assignment = assignment;
    const seen = new Set<string>();
    for (const level of assignment.priorities) {
      for (const loc of level) {
        for (const e of loc.endpoints) {
          seen.add(e.key);
          let h = this.byKey.get(e.key);
          if (!h) this.byKey.set(e.key, (h = new SimHost(e.key, this.o.indexOf(e.key))));
          h.weight = e.weight;
          h.edsHealthy = e.health === 'HEALTHY';
          h.zone = e.zone;
        }
      }
    }
    for (const k of [...this.byKey.keys()]) if (!seen.has(k)) this.byKey.delete(k);
    this.all = [...this.byKey.values()];
    this.outlier?.retain(this.all);
    this.dirty = true;
  }

  hosts(): readonly SimHost[] {
    return this.all;
  }

  get ejections(): number {
    return this.outlier?.ejectionsTotal ?? 0;
  }

  private makePicker(hosts: SimHost[]): HostPicker | undefined {
    if (hosts.length === 0) return undefined;
    if (this.o.algorithm === 'PEAK_EWMA') return peakEwmaPicker(hosts, this.o.rng, this.peakEwma, this.o.now);
    const c = this.cluster!;
    switch (c.lbPolicy) {
      case 'LEAST_REQUEST':
        return leastRequestPicker(hosts, this.o.rng);
      case 'RANDOM':
        return randomPicker(hosts, this.o.rng);
      case 'RING_HASH':
      case 'MAGLEV':
        return ringHashPicker(hosts, c.ringSize?.min, c.ringSize?.max);
      default:
        return roundRobinPicker(hosts, this.o.rng);
    }
  }

  private rebuild(): void {
    this.dirty = false;
    const a = this.assignment;
    if (!a) return;
    const counts = a.priorities.map((level) => {
      let healthy = 0;
      let total = 0;
      for (const loc of level)
        for (const e of loc.endpoints) {
          total++;
          if (this.byKey.get(e.key)!.healthy) healthy++;
        }
      return { healthy, total };
    });
    this.load = priorityLoad(counts);
    this.levels = a.priorities.map((level, p) => {
      const panic = this.load.panic[p]!;
      const eligible = (keys: readonly { key: string }[]) => keys.map((e) => this.byKey.get(e.key)!).filter((h) => panic || h.healthy);
      const hosts = eligible(level.flatMap((l) => l.endpoints));
      if (!this.cluster!.localityWeighted) return { hosts, picker: this.makePicker(hosts) };
      const localities = level.map((l) => {
        const lh = eligible(l.endpoints);
        // Envoy scales a locality's weight by its availability (with overprovisioning).
        const availability = l.endpoints.length ? Math.min(1, (1.4 * lh.length) / l.endpoints.length) : 0;
        return { weight: l.weight * availability, hosts: lh, picker: this.makePicker(lh) };
      });
      return { hosts, picker: undefined, localities };
    });
  }

  pick(hashKey: number): SimHost | undefined {
    if (this.dirty) this.rebuild();
    const levels = this.levels;
    if (levels.length === 0) return undefined;
    let p = 0;
    if (levels.length > 1) {
      let r = this.o.rng.next() * 100;
      const load = this.load.load;
      for (p = 0; p < load.length - 1; p++) {
        r -= load[p]!;
        if (r < 0) break;
      }
    }
    const level = levels[p]!;
    if (level.localities) {
      const total = level.localities.reduce((s, l) => s + (l.picker ? l.weight : 0), 0);
      if (total > 0) {
        let r = this.o.rng.next() * total;
        for (const l of level.localities) {
          if (!l.picker) continue;
          r -= l.weight;
          if (r < 0) return l.picker.pick(hashKey);
        }
      }
      return level.localities.find((l) => l.picker)?.picker!.pick(hashKey);
    }
    return level.picker?.pick(hashKey);
  }

  onResult(host: SimHost, ok: boolean, rttMs: number, _refused: boolean): void {
    if (this.o.algorithm === 'PEAK_EWMA' && !_refused) this.peakEwma.observe(host, rttMs, this.o.now());
    if (this.outlier) {
      const before = host.ejected;
      this.outlier.onResult(host, ok, this.o.now(), this.all);
      if (host.ejected !== before) this.dirty = true;
    }
  }
}
