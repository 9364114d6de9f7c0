/**
 * One metric of one endpoint: a ring of fixed-resolution buckets identified by absolute bucket
 * number (`floor(at / resolution)`). `head` is the newest bucket written; the ring holds
 * `(head - size, head]`. Moving `head` forward clears the skipped cells, so a record costs O(1)
 * amortised (at most one pass over the ring per `size` buckets of elapsed time).
 */
import type { Aggregation } from './aggregation.ts';
import type { Ring } from './bucket-pool.ts';

const MAX_COUNT = 255;

export class Series {
  head = Number.NEGATIVE_INFINITY;
  /** Time of the newest observation (not the newest arrival). */
  latestAt = Number.NEGATIVE_INFINITY;
  /**
   * Ring cell of `head`. Cells are found by distance from head rather than `bucket % size`:
   * absolute bucket numbers exceed V8's small-integer range, and float modulo in the read loop
   * costs several times the rest of it.
   */
  private headCell = 0;
  /** Oldest bucket written since the ring was last cleared: bounds the fill-forward seed scan. */
  private firstBucket = Number.POSITIVE_INFINITY;
  /** Multiplier from stored value to read value (1 / bucket seconds for `rate`). */
  private readonly scale: number;

  constructor(
    readonly ring: Ring,
    readonly size: number,
    readonly aggregation: Aggregation,
    bucketSeconds: number,
  ) {
    this.scale = aggregation === 'rate' ? 1 / bucketSeconds : 1;
  }

  /** Adds one value; false when its bucket has already left the ring. */
  add(bucket: number, value: number, at: number): boolean {
    if (bucket > this.head) this.advance(bucket);
    else if (bucket <= this.head - this.size) return false;
    if (bucket < this.firstBucket) this.firstBucket = bucket;
    const { values, counts } = this.ring;
    const cell = this.ring.base + this.cellOf(bucket);
    const n = counts[cell]!;
    if (n === 0) values[cell] = value;
    else {
      const prev = values[cell]!;
      switch (this.aggregation) {
        case 'mean':
          // Past 255 samples the weight stops shrinking: an EWMA with α = 1/256, documented drift.
          values[cell] = prev + (value - prev) / (n + 1);
          break;
        case 'max':
          if (value > prev) values[cell] = value;
          break;
        case 'last':
          values[cell] = value;
          break;
        case 'rate':
          values[cell] = prev + value;
          break;
      }
    }
    if (n < MAX_COUNT) counts[cell] = n + 1;
    if (at > this.latestAt) this.latestAt = at;
    return true;
  }

  /** Value of the newest bucket, in read units. */
  headValue(): number {
    return this.ring.values[this.ring.base + this.headCell]! * this.scale;
  }

  /**
   * Writes buckets `[end - length + 1, end]` into `out` from `offset`, oldest first. Buckets
   * before `oldest` (outside the retention as seen from `end`) are unknown. Empty buckets repeat
   * the previous known value (`rate` series read 0 instead); NaN before the first known value.
   */
  readWindow(out: Float32Array, offset: number, end: number, length: number): void {
    const size = this.size;
    const head = this.head;
    const start = end - length + 1;
    const oldest = Math.max(head, end) - size + 1;
    const seedFloor = Math.max(oldest, this.firstBucket);
    const { values, counts, base } = this.ring;
    const scale = this.scale;
    const isRate = this.aggregation === 'rate';

    let carry = Number.NaN;
    const seedTop = Math.min(start - 1, head);
    if (seedTop >= seedFloor) {
      let cell = this.cellOf(seedTop);
      for (let n = seedTop - seedFloor; n >= 0; n--) {
        if (counts[base + cell]! > 0) {
          carry = isRate ? 0 : values[base + cell]! * scale;
          break;
        }
        cell = cell === 0 ? size - 1 : cell - 1;
      }
    }
    let i = offset;
    const stop = offset + length;
    // Before the retention: unknown.
    const unknown = Math.min(Math.max(oldest - start, 0), length);
    for (let k = 0; k < unknown; k++) out[i++] = Number.NaN;
    const first = Math.max(start, oldest);
    const stored = Math.max(Math.min(end, head) - first + 1, 0);
    if (stored > 0) {
      let cell = this.cellOf(first);
      for (let k = 0; k < stored; k++) {
        const c = base + cell;
        if (counts[c]! > 0) {
          const v = values[c]! * scale;
          out[i++] = v;
          carry = isRate ? 0 : v;
        } else out[i++] = carry;
        cell = cell === size - 1 ? 0 : cell + 1;
      }
    }
    // After the newest bucket: nothing recorded yet.
    while (i < stop) out[i++] = carry;
  }

  /** Cell of a bucket inside `(head - size, head]`. */
  private cellOf(bucket: number): number {
    const cell = this.headCell - (this.head - bucket);
    return cell < 0 ? cell + this.size : cell;
  }

  private advance(bucket: number): void {
    const { counts, base } = this.ring;
    const size = this.size;
    const skipped = bucket - this.head;
    if (!(skipped < size)) {
      counts.fill(0, base, base + size);
      this.headCell = bucket % size;
      this.firstBucket = bucket;
    } else {
      // Clear cells of buckets (head, bucket], which may wrap around the end of the ring.
      const a = this.headCell + 1 === size ? 0 : this.headCell + 1;
      const z = (this.headCell + skipped) % size;
      if (a <= z) counts.fill(0, base + a, base + z + 1);
      else {
        counts.fill(0, base + a, base + size);
        counts.fill(0, base, base + z + 1);
      }
      this.headCell = z;
    }
    this.head = bucket;
  }
}
