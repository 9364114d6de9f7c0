/**
 * Backing memory of every series: fixed-size rings carved from large typed-array chunks, so a
 * store with hundreds of thousands of series holds a few hundred arrays instead of a million, and
 * the total is bounded up front (`maxSeries × buckets × BYTES_PER_BUCKET`). Freed rings are reused;
 * `trim` hands chunks with no ring in use back to the garbage collector, so memory a flood took
 * is returned after the sweep that frees its series, not kept for the life of the process.
 */

/** Float32 value + Uint8 sample count per bucket. */
export const BYTES_PER_BUCKET = 5;

const CHUNK_SERIES = 256;

/** One ring: `buckets` consecutive cells starting at `base` in the shared arrays. */
export interface Ring {
  readonly values: Float32Array;
  /** Samples aggregated into each cell, saturating at 255; 0 marks an empty bucket. */
  readonly counts: Uint8Array;
  readonly base: number;
  /** The chunk this ring was carved from (shared by up to CHUNK_SERIES rings). */
  readonly chunk: { inUse: number };
}

export class BucketPool {
  private readonly free: Ring[] = [];
  private allocated = 0;

  constructor(
    readonly buckets: number,
    readonly maxSeries: number,
  ) {}

  /** A cleared ring, or undefined when `maxSeries` rings are in use. */
  alloc(): Ring | undefined {
    let ring = this.free.pop();
    if (!ring) {
      if (this.allocated >= this.maxSeries) return undefined;
      this.grow();
      ring = this.free.pop()!;
    }
    ring.counts.fill(0, ring.base, ring.base + this.buckets);
    ring.chunk.inUse++;
    return ring;
  }

  release(ring: Ring): void {
    ring.chunk.inUse--;
    this.free.push(ring);
  }

  /** Drops every chunk none of whose rings is in use; returns how many rings' memory that frees. */
  trim(): number {
    const keep = this.free.filter((r) => r.chunk.inUse > 0);
    const dropped = this.free.length - keep.length;
    if (dropped === 0) return 0;
    this.free.length = 0;
    for (const r of keep) this.free.push(r);
    this.allocated -= dropped;
    return dropped;
  }

  /** Rings whose memory is allocated (in use or free). */
  get allocatedRings(): number {
    return this.allocated;
  }

  /** Rings handed out and not released. */
  get inUse(): number {
    return this.allocated - this.free.length;
  }

  private grow(): void {
    const n = Math.min(CHUNK_SERIES, this.maxSeries - this.allocated);
    const values = new Float32Array(n * this.buckets);
    const counts = new Uint8Array(n * this.buckets);
    const chunk = { inUse: 0 };
    // Pushed in reverse so rings are handed out in address order.
    for (let i = n - 1; i >= 0; i--) this.free.push({ values, counts, base: i * this.buckets, chunk });
    this.allocated += n;
  }
}
