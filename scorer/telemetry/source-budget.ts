/**
 * Per-source budgets for pushed telemetry: each source (a client address) may deliver at most
 * `perWindow` observations per `windowMs`, a token bucket refilled continuously, so one noisy or
 * hostile client cannot monopolise ingest however many requests it sends. The table of sources is
 * bounded too (`maxSources`, oldest-touched evicted first), so addresses cannot grow it.
 */
export interface SourceBudgetOptions {
  /** Observations per window per source; default 60,000 (1,000 a second on average). */
  perWindow?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Sources tracked at once; default 4,096. */
  maxSources?: number;
  clock?: { now(): number };
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SourceBudget {
  readonly perWindow: number;
  readonly windowMs: number;
  private readonly maxSources: number;
  private readonly clock: { now(): number };
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: SourceBudgetOptions = {}) {
    this.perWindow = options.perWindow ?? 60_000;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxSources = options.maxSources ?? 4096;
    this.clock = options.clock ?? Date;
  }

  /**
   * Takes `n` observations from `source`'s budget; true when they fit. A refused batch takes
   * nothing, so a client that splits its batch can still send what fits.
   */
  take(source: string, n: number): boolean {
    const now = this.clock.now();
    let bucket = this.buckets.get(source);
    if (bucket) this.buckets.delete(source);
    else {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.perWindow, at: now };
    }
    bucket.tokens = Math.min(this.perWindow, bucket.tokens + ((now - bucket.at) * this.perWindow) / this.windowMs);
    bucket.at = now;
    this.buckets.set(source, bucket);
    if (n > bucket.tokens) return false;
    bucket.tokens -= n;
    return true;
  }

  /** Milliseconds until `n` observations fit for `source` (for Retry-After). */
  waitMs(source: string, n: number): number {
    const tokens = this.buckets.get(source)?.tokens ?? this.perWindow;
    return Math.max(0, Math.ceil(((Math.min(n, this.perWindow) - tokens) * this.windowMs) / this.perWindow));
  }

  get sources(): number {
    return this.buckets.size;
  }
}
