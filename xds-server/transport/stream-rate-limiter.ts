/**
 * Cap on new streams per second, for reconnect storms (DESIGN §4.5): a token bucket holding at
 * most one second's worth of streams, refilled continuously. Refused clients retry with their own
 * backoff, which spreads the storm.
 */
export class StreamRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {
    if (!(perSecond > 0)) throw new RangeError(`XDS_STREAM_RATE: maxNewStreamsPerSecond must be > 0, got ${perSecond}`);
    this.tokens = perSecond;
    this.last = clock();
  }

  tryAcquire(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
