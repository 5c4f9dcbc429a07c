import type { HttpMethod } from "./request";

/** Fields of an OVH error answer, as OVH sends them (`class`, `message`, `errorCode`, `details`). */
export interface OvhErrorBody {
  readonly errorClass?: string;
  readonly message: string;
  readonly errorCode?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * True when the body was not an OVH error document (an HTML page from a proxy, a truncated or empty answer):
   * whoever answered, we cannot tell what OVH did with the request.
   */
  readonly unreadable?: boolean;
}

/** OVH answered, with a status outside 2xx. */
export class OvhApiError extends Error {
  override readonly name = "OvhApiError";
  readonly status: number;
  readonly errorClass: string | undefined;
  readonly ovhMessage: string;
  readonly errorCode: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** OVH's request id (`X-Ovh-QueryID`): quote it to OVH support. */
  readonly queryId: string | undefined;
  readonly method: HttpMethod;
  readonly path: string;
  /** The answer was not an OVH error document we could read (see OvhErrorBody.unreadable). */
  readonly unreadable: boolean;

  constructor(init: {
    status: number;
    method: HttpMethod;
    path: string;
    body: OvhErrorBody;
    queryId?: string;
  }) {
    const { status, method, path, body, queryId } = init;
    const klass = body.errorClass ? ` ${body.errorClass}` : "";
    const code = body.errorCode ? ` [${body.errorCode}]` : "";
    const qid = queryId ? ` (X-Ovh-QueryID: ${queryId})` : "";
    super(`OVH API ${method} ${path} failed: HTTP ${status}${klass}${code}: ${body.message}${qid}`);
    this.status = status;
    this.errorClass = body.errorClass;
    this.ovhMessage = body.message;
    this.errorCode = body.errorCode;
    this.details = body.details;
    this.queryId = queryId;
    this.method = method;
    this.path = path;
    this.unreadable = body.unreadable === true;
  }

  /** 404, or 460 (OVH's "service expired/suspended"): the thing is gone. */
  get isGone(): boolean {
    return this.status === 404 || this.status === 460;
  }

  /** 409: OVH refuses because something is in progress (a pending task, an order being paid). */
  get isConflict(): boolean {
    return this.status === 409;
  }

  /** 400: OVH refuses the request as it is (a value, a limit, a state it does not accept). */
  get isInvalidRequest(): boolean {
    return this.status === 400;
  }

  /** 401 or 403: the credentials are refused, or lack the access rule for this call. */
  get isAccessRefused(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** 429: OVH's rate limiter turned the call away. */
  get isRateLimited(): boolean {
    return this.status === 429;
  }

  /** 5xx: OVH failed on its side (it may or may not have acted). */
  get isServerFailure(): boolean {
    return this.status >= 500;
  }

  /** 404, 405 or 501 on a call that exists in some API versions only: this API does not offer it. */
  get isUnsupportedCall(): boolean {
    return this.status === 404 || this.status === 405 || this.status === 501;
  }
}

/** OVH answered that the object does not exist (any other failure, or none: false). */
export function isGoneAtOvh(error: unknown): boolean {
  return error instanceof OvhApiError && error.isGone;
}

/** OVH refused because something is in progress on the object (any other failure, or none: false). */
export function isConflictAtOvh(error: unknown): boolean {
  return error instanceof OvhApiError && error.isConflict;
}

/**
 * No usable answer from OVH: connection refused or reset, timeout, TLS failure.
 * `mayHaveReachedServer` is true when the request could have been received and acted on:
 * a mutating call in that state must be checked, never blindly replayed.
 */
export class OvhNetworkError extends Error {
  override readonly name = "OvhNetworkError";
  readonly method: HttpMethod;
  readonly path: string;
  readonly mayHaveReachedServer: boolean;

  constructor(init: {
    method: HttpMethod;
    path: string;
    reason: string;
    mayHaveReachedServer: boolean;
    cause?: unknown;
  }) {
    super(
      `OVH API ${init.method} ${init.path} got no answer: ${init.reason}` +
        (init.mayHaveReachedServer ? " (the request may have reached OVH)" : ""),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.method = init.method;
    this.path = init.path;
    this.mayHaveReachedServer = init.mayHaveReachedServer;
  }
}

/** The configuration (endpoint, credentials, limits) is unusable. The message says which setting to fix. */
export class OvhConfigError extends Error {
  override readonly name = "OvhConfigError";
}
