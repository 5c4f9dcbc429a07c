/**
 * Did OVH act on a call that failed? The one rule, used by the retry policy (may a write be sent again by
 * itself?) and by the order-once kernel (`provider/resources/orderOnce.ts`: must we look before sending again?).
 *
 * A failure proves that OVH did NOT act only when:
 * - OVH refused it clearly: a 4xx status with an OVH error document we could read, other than 408 (the request
 *   timed out while OVH may have been working on it). A readable 429 is OVH's rate limiter turning the call
 *   away before it is processed: a refusal (the client may send it again after `Retry-After`);
 * - the request provably never left this machine (connection refused, DNS or TLS failure before any byte);
 * - it was stopped by our own configuration checks before sending.
 * Everything else — a 5xx, 408, an answer we could not read (even with a 2xx status: a proxy page, a
 * truncated body; a 4xx page that is not OVH's, 429 included), an answer of an unexpected shape, a connection lost after sending, an exception we did not
 * foresee — means OVH MAY have acted.
 */
import { OvhApiError, OvhConfigError, OvhNetworkError } from "./errors";

/** Statuses of the 4xx range that do not prove a refusal. */
const NOT_A_REFUSAL: ReadonlySet<number> = new Set([408]);

/** True only when the failure proves OVH did not act on the request (see the module comment). */
export function provesNotExecuted(error: unknown): boolean {
  if (error instanceof OvhNetworkError) return !error.mayHaveReachedServer;
  if (error instanceof OvhConfigError) return true;
  if (error instanceof OvhApiError) return isClearRefusal(error.status, error.unreadable);
  return false;
}

/** The negation of {@link provesNotExecuted}, named for call sites that decide to look before acting again. */
export function mayHaveExecuted(error: unknown): boolean {
  return !provesNotExecuted(error);
}

/** An HTTP answer that proves a refusal: a readable OVH error document with a 4xx status other than 408. */
export function isClearRefusal(status: number, unreadable: boolean): boolean {
  return status >= 400 && status < 500 && !NOT_A_REFUSAL.has(status) && !unreadable;
}
