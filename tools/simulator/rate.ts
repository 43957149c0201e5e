/**
 * Meta's two sending limits as token buckets on the simulator's clock:
 * - throughput: `perSecond` messages per second per business number (80 by default), error 130429;
 * - pair rate: one message per 6 s to the same user, with a burst of up to 45 that "borrows" from the future
 *   (a burst of 20 then needs ~2 minutes: 20 × 6 s), error 131056.
 */

/** A token bucket: `capacity` tokens, one more every `refillMs`. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly refillMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket is back to full (an idle recipient; its entry can be dropped). */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) / this.refillMs);
      this.at = now;
    }
  }
}

/** Pair-rate settings: one message per `intervalMs` per recipient, `burst` at most at once. */
export interface PairRateOptions {
  intervalMs: number;
  burst: number;
}

/** Meta's documented pair rate: 1 message / 6 s, bursts of up to 45. */
export const DEFAULT_PAIR_RATE: PairRateOptions = { intervalMs: 6_000, burst: 45 };

/** One bucket per recipient; idle buckets are swept so memory follows active recipients only. */
export class PairLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweep = 0;

  constructor(private readonly options: PairRateOptions) {}

  /** Takes a send slot for `waId`; false means 131056. */
  take(waId: string, now: number): boolean {
    this.sweep(now);
    let bucket = this.buckets.get(waId);
    if (!bucket) {
      bucket = new TokenBucket(this.options.burst, this.options.intervalMs, now);
      this.buckets.set(waId, bucket);
    }
    return bucket.take(now);
  }

  private sweep(now: number): void {
    const fullAfter = this.options.burst * this.options.intervalMs;
    if (now - this.lastSweep < fullAfter || this.buckets.size < 10_000) return;
    this.lastSweep = now;
    for (const [waId, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(waId);
  }
}
