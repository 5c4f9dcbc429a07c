/**
 * The one poller: follows something OVH does asynchronously (an OfficeTask, an order's delivery, a tenant's
 * creation) until it settles, with exponential backoff so long waits cost few API calls.
 */
export interface PollSchedule {
  /** Delay before the first look, in milliseconds. */
  readonly firstDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
}

/**
 * 500 ms, then ×1.5 up to every 10 s: a task of 1 s is seen done after 2 looks (1.25 s), one of 10 s after 6
 * (10.4 s), one of 1 min after 12 (measured in test/bench). Doubling from 250 ms looked less often on long
 * tasks but saw a 10 s task only at 15.75 s.
 */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstDelayMs: 500, factor: 1.5, maxDelayMs: 10_000 };

/** Lets tests and the benchmark shrink or stretch every wait in the provider. */
export function pollScheduleFromEnv(env: Record<string, string | undefined> = process.env): PollSchedule {
  const first = Number(env.OVH_OFFICE_POLL_FIRST_DELAY_MS);
  const max = Number(env.OVH_OFFICE_POLL_MAX_DELAY_MS);
  return {
    firstDelayMs: Number.isFinite(first) && first >= 0 ? first : DEFAULT_POLL_SCHEDULE.firstDelayMs,
    factor: DEFAULT_POLL_SCHEDULE.factor,
    maxDelayMs: Number.isFinite(max) && max > 0 ? max : DEFAULT_POLL_SCHEDULE.maxDelayMs,
  };
}

export class PollTimeoutError extends Error {
  override readonly name = "PollTimeoutError";
}

export interface PollOptions<T> {
  /** Reads the current state once (one API call, usually). */
  readonly look: () => Promise<T>;
  /** True once the state is final (success or failure; the caller interprets it). */
  readonly isSettled: (state: T) => boolean;
  readonly timeoutMs: number;
  /** Describes what is awaited, for the timeout message: "task 42 (changeQuantity) on tenant x". */
  readonly what: string;
  /** Called after each look that is not settled yet. */
  readonly onProgress?: (state: T, looks: number) => void;
  readonly schedule?: PollSchedule;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function pollUntilSettled<T>(options: PollOptions<T>): Promise<T> {
  const schedule = options.schedule ?? pollScheduleFromEnv();
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let delay = schedule.firstDelayMs;
  let looks = 0;
  let last: T | undefined;
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    await sleep(Math.min(delay, remaining));
    last = await options.look();
    looks += 1;
    if (options.isSettled(last)) return last;
    options.onProgress?.(last, looks);
    delay = Math.min(Math.max(delay, 1) * schedule.factor, schedule.maxDelayMs);
  }
  throw new PollTimeoutError(
    `Timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}` +
      (last === undefined ? "" : ` (last state: ${JSON.stringify(last)})`) +
      ". OVH may still complete it: run `pulumi refresh` before retrying, or raise the timeout with customTimeouts.",
  );
}
