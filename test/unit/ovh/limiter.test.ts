import { RequestLimiter, type Release } from "../../../provider/ovh/limiter";
import { FakeClock, flush } from "./fakeOvh";

function track(limiter: RequestLimiter, n: number): { granted: number[]; releases: Release[] } {
  const granted: number[] = [];
  const releases: Release[] = [];
  for (let i = 0; i < n; i++) {
    void limiter.acquire().then((release) => {
      granted.push(i);
      releases.push(release);
    });
  }
  return { granted, releases };
}

describe("RequestLimiter", () => {
  it("lets a burst through, then one request per 1/rate seconds", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ ratePerSecond: 2, burst: 3, maxConcurrency: Infinity, clock });
    const { granted } = track(limiter, 6);
    await flush();
    expect(granted).toEqual([0, 1, 2]);
    await clock.advance(499);
    expect(granted).toHaveLength(3);
    await clock.advance(1);
    expect(granted).toEqual([0, 1, 2, 3]);
    await clock.advance(1000);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("defaults to no rate limit and 8 in flight", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ clock, maxConcurrency: Infinity });
    const { granted } = track(limiter, 500);
    await flush();
    expect(granted).toHaveLength(500);
    const capped = new RequestLimiter({ clock });
    const second = track(capped, 10);
    await flush();
    expect(second.granted).toHaveLength(8);
  });

  it("with a rate set, lets the default burst of 60 through, then one per 1/rate seconds", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ clock, ratePerSecond: 1, maxConcurrency: Infinity });
    const { granted } = track(limiter, 62);
    await flush();
    expect(granted).toHaveLength(60);
    await clock.advance(1000);
    expect(granted).toHaveLength(61);
  });

  it("tryAcquire takes a free slot at once, never ahead of a waiter, and spends the same tokens", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ ratePerSecond: 1, burst: 2, maxConcurrency: 2, clock });
    const first = limiter.tryAcquire();
    expect(first).toBeDefined();
    expect(limiter.active).toBe(1);
    const second = limiter.tryAcquire();
    expect(second).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined(); // concurrency cap (and no token left)
    first!();
    first!(); // extra releases are ignored
    expect(limiter.active).toBe(1);
    expect(limiter.tryAcquire()).toBeUndefined(); // a slot is free, but the burst is spent
    const queued = track(limiter, 1);
    await clock.advance(1000);
    expect(queued.granted).toEqual([0]); // the waiter got the refilled token
    second!();
    await clock.advance(1000);
    expect(limiter.tryAcquire()).toBeDefined(); // token refilled, nobody waiting
    const unlimited = new RequestLimiter({ ratePerSecond: 0, maxConcurrency: 1, clock });
    const held = unlimited.tryAcquire();
    const waiting = track(unlimited, 1);
    await flush();
    expect(waiting.granted).toEqual([]);
    held!();
    await flush();
    expect(waiting.granted).toEqual([0]);
    expect(unlimited.tryAcquire()).toBeUndefined(); // the waiter holds the only slot
  });

  it("caps concurrency and serves waiters in FIFO order", async () => {
    const limiter = new RequestLimiter({
      ratePerSecond: Infinity,
      maxConcurrency: 2,
      clock: new FakeClock(),
    });
    const { granted, releases } = track(limiter, 5);
    await flush();
    expect(granted).toEqual([0, 1]);
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(3);
    releases[1]?.();
    releases[1]?.(); // a second call is ignored
    await flush();
    expect(granted).toEqual([0, 1, 2]);
    releases[0]?.();
    await flush();
    expect(granted).toEqual([0, 1, 2, 3]);
    expect(limiter.active).toBe(2);
  });

  it("disables the rate limit with 0", async () => {
    const limiter = new RequestLimiter({
      ratePerSecond: 0,
      burst: 1,
      maxConcurrency: Infinity,
      clock: new FakeClock(),
    });
    const { granted } = track(limiter, 100);
    await flush();
    expect(granted).toHaveLength(100);
  });

  it("keeps FIFO order across the rate limit and the concurrency cap together", async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ ratePerSecond: 1, burst: 1, maxConcurrency: 1, clock });
    const { granted, releases } = track(limiter, 3);
    await flush();
    expect(granted).toEqual([0]);
    await clock.advance(5000); // tokens are back, but the slot is busy
    expect(granted).toEqual([0]);
    releases[0]?.();
    await flush();
    expect(granted).toEqual([0, 1]);
    releases[1]?.();
    await flush();
    expect(granted).toEqual([0, 1]); // only one token accrued while waiting (burst 1)
    await clock.advance(1000);
    expect(granted).toEqual([0, 1, 2]);
  });

  it("rejects invalid settings", () => {
    expect(() => new RequestLimiter({ burst: 0 })).toThrow(RangeError);
    expect(() => new RequestLimiter({ maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => new RequestLimiter({ ratePerSecond: -1 })).toThrow(RangeError);
  });
});
