import {
  backoffDelay,
  classifyNetworkError,
  decideRetry,
  isRetryable,
  parseRetryAfter,
  type AttemptFailure,
} from "../../../provider/ovh/retry";

const status = (s: number, retryAfter?: string): AttemptFailure => ({
  kind: "status",
  status: s,
  retryAfter,
});
const network = (code: string | undefined): AttemptFailure => ({
  kind: "network",
  failure: classifyNetworkError(
    code === undefined ? new Error("boom") : Object.assign(new Error(code), { code }),
  ),
});

describe("isRetryable", () => {
  it.each([408, 429, 500, 502, 503, 504])("retries GET on %i", (s) => {
    expect(isRetryable(status(s), true)).toBe(true);
  });
  it.each([400, 401, 403, 404, 409, 460, 501])("does not retry GET on %i", (s) => {
    expect(isRetryable(status(s), true)).toBe(false);
  });
  it("retries a non-GET on an HTTP answer only when it is OVH's readable 429 (a clear refusal)", () => {
    for (const s of [408, 429, 500, 502, 503, 504, 400, 404])
      expect(isRetryable(status(s), false)).toBe(false);
    expect(isRetryable({ kind: "status", status: 429, clearRefusal: true }, false)).toBe(true);
    expect(isRetryable({ kind: "status", status: 503, clearRefusal: true }, false)).toBe(false);
  });
  it("retries GET on any transient network failure", () => {
    for (const code of [
      "ECONNRESET",
      "UND_ERR_SOCKET",
      "UND_ERR_HEADERS_TIMEOUT",
      "ECONNREFUSED",
      undefined,
    ]) {
      expect(isRetryable(network(code), true)).toBe(true);
    }
  });
  it("retries a non-GET only when the request provably was not sent", () => {
    for (const code of [
      "ECONNREFUSED",
      "ENOTFOUND",
      "EAI_AGAIN",
      "UND_ERR_CONNECT_TIMEOUT",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
    ]) {
      expect(isRetryable(network(code), false)).toBe(true);
    }
    for (const code of [
      "ECONNRESET",
      "EPIPE",
      "ETIMEDOUT",
      "UND_ERR_SOCKET",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
      "UND_ERR_ABORTED",
      "EPROTO",
      undefined,
    ]) {
      expect(isRetryable(network(code), false)).toBe(false);
    }
  });
  it("never retries client-side fatal errors", () => {
    expect(isRetryable(network("UND_ERR_INVALID_ARG"), true)).toBe(false);
    expect(isRetryable(network("UND_ERR_DESTROYED"), true)).toBe(false);
  });
});

describe("classifyNetworkError", () => {
  it("finds the code in a fetch-style cause chain", () => {
    const err = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    expect(classifyNetworkError(err)).toMatchObject({ code: "ECONNREFUSED", notSent: true, transient: true });
  });
  it("treats an AggregateError as not sent only when every inner error is a connect failure", () => {
    const refused = Object.assign(new Error("a"), { code: "ECONNREFUSED" });
    const reset = Object.assign(new Error("b"), { code: "ECONNRESET" });
    expect(classifyNetworkError(new AggregateError([refused, refused])).notSent).toBe(true);
    expect(classifyNetworkError(new AggregateError([refused, reset])).notSent).toBe(false);
  });
  it("gives a readable reason with the code", () => {
    expect(classifyNetworkError(Object.assign(new Error(), { code: "ECONNREFUSED" })).reason).toBe(
      "connection refused (ECONNREFUSED)",
    );
    expect(classifyNetworkError(Object.assign(new Error(), { code: "CERT_HAS_EXPIRED" })).reason).toBe(
      "TLS handshake failed (CERT_HAS_EXPIRED)",
    );
    expect(classifyNetworkError("weird").reason).toBe("network error");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delta seconds", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads an HTTP date", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("uses full jitter under an exponential, capped ceiling", () => {
    const opts = { baseMs: 100, capMs: 1000 };
    expect(backoffDelay(1, { ...opts, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(2, { ...opts, random: () => 0.5 })).toBe(100);
    expect(backoffDelay(3, { ...opts, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(10, { ...opts, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(4, { ...opts, random: () => 0 })).toBe(0);
  });
});

describe("decideRetry", () => {
  const base = { idempotent: true, retriesDone: 0, maxRetries: 4, nowMs: 0, backoff: { random: () => 0.5 } };
  it("honours Retry-After over backoff", () => {
    expect(decideRetry({ ...base, failure: status(429, "7") })).toEqual({ retry: true, delayMs: 7000 });
  });
  it("gives up when Retry-After is longer than the maximum wait", () => {
    expect(decideRetry({ ...base, failure: status(429, "3600") })).toEqual({
      retry: false,
      why: "retry-after-too-long",
    });
  });
  it("stops when the budget is spent", () => {
    expect(decideRetry({ ...base, retriesDone: 4, failure: status(503) })).toEqual({
      retry: false,
      why: "budget-exhausted",
    });
  });
  it("backs off exponentially otherwise", () => {
    expect(decideRetry({ ...base, failure: status(503) })).toEqual({ retry: true, delayMs: 250 });
    expect(decideRetry({ ...base, retriesDone: 2, failure: status(503) })).toEqual({
      retry: true,
      delayMs: 1000,
    });
  });
  it("refuses non-retryable failures", () => {
    expect(decideRetry({ ...base, idempotent: false, failure: status(503) })).toEqual({
      retry: false,
      why: "not-retryable",
    });
  });
});
