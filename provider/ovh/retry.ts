/**
 * Retry policy: pure decision functions and backoff arithmetic. No I/O, no timers.
 *
 * GET requests are safe to repeat: they are retried on 408, 429, 500, 502, 503, 504 and on any network failure.
 * Other methods (POST/PUT/DELETE can order, change seats or cancel) are retried ONLY when OVH provably did not
 * act (the same rule as `provesNotExecuted` in outcome.ts) and sending again can help: a connection failure before
 * any byte was sent (see NOT_SENT_CODES), or OVH's rate limiter turning the call away with a readable 429. Any
 * other answer to a write (an unreadable 429 page included) is surfaced at once: OVH may have acted, and only the
 * caller can look before sending again.
 * (The OAuth2 "401 → refresh the token and retry once" rule lives in the client: a 401 means the call was not
 * executed.)
 */

export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_BACKOFF_BASE_MS = 500;
export const DEFAULT_BACKOFF_CAP_MS = 20_000;
/** A `Retry-After` longer than this is not waited for: the error is surfaced instead. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

/** HTTP statuses worth repeating for a request that is safe to repeat. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Error codes that can only happen while opening the connection, before the request was written,
 * so OVH cannot have seen the request:
 *  - ECONNREFUSED: the TCP connection was refused (RST to SYN).
 *  - ENOTFOUND, EAI_AGAIN, EAI_FAIL, EAI_NONAME, EAI_NODATA: DNS resolution failed (getaddrinfo).
 *  - UND_ERR_CONNECT_TIMEOUT: undici's connect timeout (TCP connect + TLS handshake did not finish).
 *  - ERR_TLS_CERT_ALTNAME_INVALID, certificate verification errors (DEPTH_ZERO_SELF_SIGNED_CERT, ...)
 *    and ERR_TLS_HANDSHAKE_TIMEOUT: the TLS handshake failed, so no HTTP byte was sent.
 *  - ERR_SSL_WRONG_VERSION_NUMBER and the handshake-alert ERR_SSL_* codes below.
 * Deliberately NOT in the list (the request may have been written on a reused or established connection):
 * ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, UND_ERR_SOCKET ("other side closed"),
 * UND_ERR_HEADERS_TIMEOUT, UND_ERR_BODY_TIMEOUT, UND_ERR_ABORTED, EPROTO and other ERR_SSL_* codes.
 */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EAI_NODATA",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_TLS_HANDSHAKE_TIMEOUT",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "HOSTNAME_MISMATCH",
  "ERR_SSL_WRONG_VERSION_NUMBER",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
  "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
  "ERR_SSL_UNSUPPORTED_PROTOCOL",
  "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
]);

/**
 * Codes of failures raised by the client itself before anything was sent, where repeating cannot help
 * (bad argument, client already closed). Not retried, but known not to have reached OVH.
 */
export const NOT_SENT_FATAL_CODES: ReadonlySet<string> = new Set([
  "UND_ERR_INVALID_ARG",
  "UND_ERR_DESTROYED",
  "UND_ERR_CLOSED",
  "ERR_INVALID_URL",
]);

const CODE_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "temporary DNS failure",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for the response headers",
  UND_ERR_BODY_TIMEOUT: "timed out reading the response body",
  UND_ERR_SOCKET: "the connection was closed by the other side",
  ECONNRESET: "the connection was reset",
  EPIPE: "the connection was closed while sending",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_ABORTED: "the request was aborted",
};

export interface NetworkFailure {
  /** The most specific error code found on the error, its causes, or its aggregated errors. */
  readonly code: string | undefined;
  /** True when the request provably was not sent (see NOT_SENT_CODES / NOT_SENT_FATAL_CODES). */
  readonly notSent: boolean;
  /** Whether repeating could help at all (false for client-side programming/lifecycle errors). */
  readonly transient: boolean;
  /** Short human-readable reason, without any request detail. */
  readonly reason: string;
}

/** Collects `code` values along an error's `cause` chain and inside AggregateErrors. */
function collectCodes(err: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 5 || err === null || typeof err !== "object") return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string") out.push(e.code);
  if (Array.isArray(e.errors)) for (const inner of e.errors) collectCodes(inner, depth + 1, out);
  if (e.cause !== undefined) collectCodes(e.cause, depth + 1, out);
  return out;
}

/** Classifies an error thrown by the transport (undici or an injected one). */
export function classifyNetworkError(err: unknown): NetworkFailure {
  const codes = collectCodes(err);
  // Innermost-first is most specific for fetch-style wrappers ("fetch failed" → cause ECONNREFUSED).
  const code = codes.find((c) => NOT_SENT_CODES.has(c) || NOT_SENT_FATAL_CODES.has(c)) ?? codes[0];
  // Not sent only if every code seen says so (an AggregateError mixing reasons stays ambiguous).
  const allNotSent =
    codes.length > 0 && codes.every((c) => NOT_SENT_CODES.has(c) || NOT_SENT_FATAL_CODES.has(c));
  const fatal = codes.some((c) => NOT_SENT_FATAL_CODES.has(c));
  const known = code === undefined ? undefined : CODE_REASONS[code];
  const reason =
    code === undefined
      ? "network error"
      : known
        ? `${known} (${code})`
        : NOT_SENT_CODES.has(code) && !code.startsWith("E")
          ? `TLS handshake failed (${code})`
          : `network error (${code})`;
  return { code, notSent: allNotSent, transient: !fatal, reason };
}

/** The outcome of one attempt that did not succeed. */
export type AttemptFailure =
  | {
      readonly kind: "status";
      readonly status: number;
      readonly retryAfter?: string | undefined;
      /** The answer is a readable OVH refusal (see `isClearRefusal` in outcome.ts). */
      readonly clearRefusal?: boolean;
    }
  | { readonly kind: "network"; readonly failure: NetworkFailure };

/** True when the request can be repeated without risk of doing something twice. */
export function isIdempotentMethod(method: string): boolean {
  return method.toUpperCase() === "GET";
}

/** Whether a failed attempt may be repeated, ignoring the retry budget. */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure.kind === "status") {
    if (idempotent) return RETRYABLE_STATUSES.has(failure.status);
    return failure.status === 429 && failure.clearRefusal === true;
  }
  if (!failure.failure.transient) return false;
  return idempotent || failure.failure.notSent;
}

/**
 * Parses `Retry-After`: delta seconds or an HTTP date. Returns milliseconds to wait (≥ 0),
 * or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly capMs?: number;
  /** Returns a number in [0, 1). Defaults to Math.random. */
  readonly random?: () => number;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(retry-1))]. `retry` starts at 1. */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryDecisionInput {
  readonly failure: AttemptFailure;
  readonly idempotent: boolean;
  /** Retries already done for this request (0 after the first attempt). */
  readonly retriesDone: number;
  readonly maxRetries: number;
  readonly nowMs: number;
  readonly backoff?: BackoffOptions;
  readonly maxRetryAfterMs?: number;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly why: "not-retryable" | "budget-exhausted" | "retry-after-too-long" };

/** The whole policy in one pure function. */
export function decideRetry(input: RetryDecisionInput): RetryDecision {
  if (!isRetryable(input.failure, input.idempotent)) return { retry: false, why: "not-retryable" };
  if (input.retriesDone >= input.maxRetries) return { retry: false, why: "budget-exhausted" };
  const retryAfter =
    input.failure.kind === "status" ? parseRetryAfter(input.failure.retryAfter, input.nowMs) : undefined;
  if (retryAfter !== undefined) {
    if (retryAfter > (input.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) {
      return { retry: false, why: "retry-after-too-long" };
    }
    return { retry: true, delayMs: retryAfter };
  }
  return { retry: true, delayMs: backoffDelay(input.retriesDone + 1, input.backoff) };
}
