/**
 * What a run measures: the latency of every successful request (an HDR histogram, microsecond
 * resolution, 3 significant digits), errors, requests within the SLO, and per-second series of
 * each endpoint's requests and the share of the weight the clients were last sent for it.
 */
import * as hdr from 'hdr-histogram-js';

export class Recorder {
  readonly latency = hdr.build({ bitBucketSize: 'packed', lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  total = 0;
  errors = 0;
  good = 0;
  /** bins × endpoints: requests answered per endpoint per second. */
  readonly perSecond: Uint32Array;
  /** bins × endpoints: weight share last applied by client 0 (NaN = not listed). */
  readonly weightShare: Float32Array;
  readonly bins: number;

  constructor(
    readonly endpoints: number,
    durationS: number,
    private readonly sloMs: number,
  ) {
    this.bins = Math.ceil(durationS);
    this.perSecond = new Uint32Array(this.bins * endpoints);
    this.weightShare = new Float32Array(this.bins * endpoints).fill(Number.NaN);
  }

  record(endpoint: number, tMs: number, latencyMs: number, ok: boolean): void {
    this.total++;
    const bin = Math.min(this.bins - 1, Math.floor(tMs / 1000));
    this.perSecond[bin * this.endpoints + endpoint]!++;
    if (!ok) {
      this.errors++;
      return;
    }
    this.latency.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    if (latencyMs <= this.sloMs) this.good++;
  }

  private readonly updates: { bin: number; shares: ReadonlyMap<number, number> }[] = [];

  /** Weight shares (endpoint index → share) in force from `tMs` on. */
  weights(tMs: number, shares: ReadonlyMap<number, number>): void {
    this.updates.push({ bin: Math.min(this.bins - 1, Math.max(0, Math.floor(tMs / 1000))), shares });
  }

  /** Fills the weight series from the updates (call once, after the run). */
  finish(): void {
    let u = 0;
    let current: ReadonlyMap<number, number> | undefined;
    for (let b = 0; b < this.bins; b++) {
      while (u < this.updates.length && this.updates[u]!.bin <= b) current = this.updates[u++]!.shares;
      if (current) for (let e = 0; e < this.endpoints; e++) this.weightShare[b * this.endpoints + e] = current.get(e) ?? Number.NaN;
    }
  }

  percentileMs(p: number): number {
    return this.latency.totalCount ? this.latency.getValueAtPercentile(p) / 1000 : 0;
  }
}
