/**
 * OVH server time. v1 signatures carry a timestamp that must match OVH's clock, so the client reads
 * `GET /auth/time` (unsigned) once, keeps `offset = server - local` and reuses it for every request.
 * Concurrent callers share one fetch (single flight); a failed fetch is not cached.
 */

/** Thrown when the server time cannot be read: the OVH API is unreachable (or not an OVH API). */
export class ServerTimeUnavailableError extends Error {
  override readonly name = "ServerTimeUnavailableError";
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`the OVH API is unreachable: could not read the server time (GET /auth/time): ${detail}`, {
      cause,
    });
  }
}

export class ServerClock {
  private offsetSeconds: number | undefined;
  private inFlight: Promise<number> | undefined;

  /**
   * @param fetchServerTime reads `GET /auth/time` and resolves with the server's UNIX time in seconds.
   * @param now local time in milliseconds (injectable for tests).
   */
  constructor(
    private readonly fetchServerTime: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  /** `server - local` in whole seconds; fetched on first use. */
  async offset(): Promise<number> {
    if (this.offsetSeconds !== undefined) return this.offsetSeconds;
    if (!this.inFlight) {
      this.inFlight = this.load().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** The current server-corrected UNIX time in seconds. Requires `offset()` to have resolved. */
  timestampWith(offset: number): number {
    return Math.round(this.now() / 1000) + offset;
  }

  /** Forgets the offset; the next `offset()` reads the server time again. */
  reset(): void {
    this.offsetSeconds = undefined;
  }

  private async load(): Promise<number> {
    let serverTime: unknown;
    try {
      serverTime = await this.fetchServerTime();
    } catch (err) {
      throw new ServerTimeUnavailableError(err);
    }
    if (typeof serverTime !== "number" || !Number.isFinite(serverTime)) {
      throw new ServerTimeUnavailableError(new Error("the answer was not a number of seconds"));
    }
    const offset = Math.round(serverTime) - Math.round(this.now() / 1000);
    this.offsetSeconds = offset;
    return offset;
  }
}
