/**
 * Backing memory of every series: fixed-size rings carved from large typed-array chunks, so a
 * store with hundreds of thousands of series holds a few hundred arrays instead of a million, and
 * the total is bounded up front (`maxSeries × buckets × BYTES_PER_BUCKET`). Freed rings are reused.
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
    return ring;
  }

  release(ring: Ring): void {
    this.free.push(ring);
  }

  /** Rings handed out and not released. */
  get inUse(): number {
    return this.allocated - this.free.length;
  }

  private grow(): void {
    const n = Math.min(CHUNK_SERIES, this.maxSeries - this.allocated);
    const values = new Float32Array(n * this.buckets);
    const counts = new Uint8Array(n * this.buckets);
    // Pushed in reverse so rings are handed out in address order.
    for (let i = n - 1; i >= 0; i--) this.free.push({ values, counts, base: i * this.buckets });
    this.allocated += n;
  }
}
