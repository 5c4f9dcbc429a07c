/**
 * Client-side request limiter: a token bucket (sustained rate + burst) and a concurrency cap,
 * served in strict FIFO order.
 *
 * Defaults: no sustained rate limit, 8 requests in flight. OVH documents no request rate limit for its API (the
 * only figure is a 2019 maintainer remark that under 60 requests/minute per consumer key "should be ok"), OVH's
 * own Terraform provider sends unthrottled by default, and OVH answers 429 when it does throttle, which the
 * client waits out (Retry-After) and retries for every method (a 429 proves the call was not executed). A
 * 1 request/s default made a 10-subscription estate take 100 s instead of 12 s. The concurrency cap keeps the
 * load bounded; `ovh:apiRateLimit` (with `ovh:apiBurst`) sets a sustained rate where an account needs one.
 */

/** 0 = no client-side rate limit (see above). */
export const DEFAULT_RATE_PER_SECOND = 0;
/** Bucket size when a rate limit is set. */
export const DEFAULT_BURST = 60;
export const DEFAULT_MAX_CONCURRENCY = 8;

/** Time source and timer, injectable so tests can run on a fake clock. */
export interface LimiterClock {
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns a function that cancels the timer. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: LimiterClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

export interface LimiterOptions {
  /** Sustained requests per second. 0 or Infinity disables the rate limit. */
  readonly ratePerSecond?: number;
  /** Bucket size: how many requests may go at once after a quiet period. */
  readonly burst?: number;
  /** Requests in flight at most. Infinity disables the cap. */
  readonly maxConcurrency?: number;
  readonly clock?: LimiterClock;
}

/** Call once when the request is finished (success or failure). Extra calls are ignored. */
export type Release = () => void;

export class RequestLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxConcurrency: number;
  private readonly clock: LimiterClock;
  private tokens: number;
  private lastRefill: number;
  private inFlight = 0;
  private readonly queue: Array<(release: Release) => void> = [];
  private cancelTimer: (() => void) | undefined;

  constructor(options: LimiterOptions = {}) {
    const rate = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
    const burst = options.burst ?? DEFAULT_BURST;
    const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    if (!(rate >= 0)) throw new RangeError("ratePerSecond must be ≥ 0 (0 or Infinity disables the limit)");
    if (!(burst >= 1)) throw new RangeError("burst must be ≥ 1");
    if (!(maxConcurrency >= 1)) throw new RangeError("maxConcurrency must be ≥ 1");
    this.rate = rate === 0 ? Infinity : rate;
    this.burst = burst;
    this.maxConcurrency = maxConcurrency;
    this.clock = options.clock ?? systemClock;
    this.tokens = burst;
    this.lastRefill = this.clock.now();
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Takes a slot at once when one is free and nobody is waiting (no promise, no queue), else undefined: the
   * caller then waits with `acquire()`. Same accounting as `acquire()`.
   */
  tryAcquire(): Release | undefined {
    if (this.queue.length > 0 || this.inFlight >= this.maxConcurrency) return undefined;
    if (this.rate !== Infinity) {
      this.refill();
      if (this.tokens < 1) return undefined;
      this.tokens -= 1;
    }
    this.inFlight += 1;
    return this.makeRelease();
  }

  /** Waits for a rate token and a concurrency slot, in arrival order. */
  acquire(): Promise<Release> {
    return new Promise<Release>((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  private refill(): void {
    if (this.rate === Infinity) return;
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.lastRefill);
    this.lastRefill = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxConcurrency) {
      this.refill();
      if (this.rate !== Infinity && this.tokens < 1) {
        this.scheduleRefill();
        return;
      }
      if (this.rate !== Infinity) this.tokens -= 1;
      this.inFlight += 1;
      const next = this.queue.shift() as (release: Release) => void;
      next(this.makeRelease());
    }
  }

  private scheduleRefill(): void {
    if (this.cancelTimer) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.pump();
    }, waitMs);
  }

  private makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.pump();
    };
  }
}
