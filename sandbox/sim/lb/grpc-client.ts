/**
 * A proxyless gRPC channel's view of one cluster (grpc-js-xds 1.14): xds_cluster_impl → priority →
 * weighted_target over localities (a random draw weighted by locality weight, as grpc-js's
 * weighted-target picker does) → round_robin within the locality. Prescient renders one locality
 * per endpoint whose weight carries the endpoint's weight, so the locality weights are the
 * weights. Health comes only from connectivity: a refused connection puts the subchannel in
 * TRANSIENT_FAILURE for a reconnect backoff (1 s, ×1.6 up to 120 s); pickers skip such
 * subchannels, localities with none left are skipped, and the priority policy fails over to the
 * next priority when every locality of a priority is down. gRPC has no outlier detection unless
 * configured, and ignores endpoint weights under round robin.
 */
import type { DecodedAssignment, DecodedMesh } from '../decode/decoded-types.ts';
import type { SeededRng } from '../rng.ts';
import type { SimClient } from './client-types.ts';
import { SimHost } from './sim-host.ts';

export interface GrpcClientOptions {
  readonly name: string;
  readonly cluster: string;
  readonly rng: SeededRng;
  readonly now: () => number;
  readonly indexOf: (key: string) => number;
}

interface Loc {
  weight: number;
  hosts: SimHost[];
  next: number;
}

const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 120_000;

export class GrpcClient implements SimClient {
  readonly name: string;
  private readonly byKey = new Map<string, SimHost>();
  private all: SimHost[] = [];
  private priorities: Loc[][] = [];

  constructor(private readonly o: GrpcClientOptions) {
    this.name = o.name;
  }

  apply(mesh: DecodedMesh): void {
    const a: DecodedAssignment | undefined = mesh.assignments.get(this.o.cluster);
    if (!a) return;
    const seen = new Set<string>();
    this.priorities = a.priorities.map((level) =>
      level
        .filter((l) => l.weight > 0)
        .map((l) => {
          const hosts = l.endpoints.map((e) => {
            seen.add(e.key);
            let h = this.byKey.get(e.key);
            if (!h) this.byKey.set(e.key, (h = new SimHost(e.key, this.o.indexOf(e.key))));
            h.weight = e.weight;
            h.edsHealthy = e.health === 'HEALTHY';
            h.zone = l.zone;
            return h;
          });
          return { weight: l.weight, hosts: hosts.filter((h) => h.edsHealthy), next: this.o.rng.int(Math.max(1, hosts.length)) };
        }),
    );
    for (const k of [...this.byKey.keys()]) if (!seen.has(k)) this.byKey.delete(k);
    this.all = [...this.byKey.values()];
  }

  hosts(): readonly SimHost[] {
    return this.all;
  }

  private ready(l: Loc, now: number): boolean {
    for (const h of l.hosts) if (h.downUntil <= now) return true;
    return false;
  }

  pick(): SimHost | undefined {
    const now = this.o.now();
    for (const level of this.priorities) {
      let total = 0;
      for (const l of level) if (this.ready(l, now)) total += l.weight;
      if (total === 0) continue;
      let r = this.o.rng.next() * total;
      for (const l of level) {
        if (!this.ready(l, now)) continue;
        r -= l.weight;
        if (r < 0) {
          for (let i = 0; i < l.hosts.length; i++) {
            const h = l.hosts[l.next++ % l.hosts.length]!;
            if (h.downUntil <= now) return h;
          }
        }
      }
    }
    // Everything is in TRANSIENT_FAILURE: the RPC waits for a connection; the caller sends it to
    // the first host, where it fails as the connection would.
    return this.priorities[0]?.[0]?.hosts[0];
  }

  onResult(host: SimHost, _ok: boolean, _rttMs: number, refused: boolean): void {
    if (refused) {
      host.downBackoffMs = host.downBackoffMs ? Math.min(MAX_BACKOFF_MS, host.downBackoffMs * 1.6) : INITIAL_BACKOFF_MS;
      host.downUntil = this.o.now() + host.downBackoffMs;
    } else {
      host.downBackoffMs = 0;
    }
  }
}
