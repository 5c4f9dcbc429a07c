/**
 * The contract between the OVH HTTP client and everything that calls OVH.
 * API modules (`provider/api`) depend on this interface only, so tests can hand them a fake.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export type QueryValue = string | number | boolean | undefined;

export interface OvhRequest {
  readonly method: HttpMethod;
  /** Path below the API base URL, starting with "/", e.g. "/saas/csp2/{serviceName}" already filled in. */
  readonly path: string;
  /** Query string parameters; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON request body. Left out entirely when `undefined`. */
  readonly body?: unknown;
  /**
   * false for the routes OVH serves without authentication (`GET /auth/time`, most `/order/cart` routes).
   * Defaults to true: the request is signed (v1) or carries the OAuth2 bearer token.
   */
  readonly authenticated?: boolean;
  /** Overrides the client's per-request timeout, in milliseconds. */
  readonly timeoutMs?: number;
}

export interface OvhRequester {
  /**
   * Sends one logical request and resolves with the parsed JSON body (`null` for OVH's void operations).
   * Rejects with `OvhApiError` (OVH answered with an error) or `OvhNetworkError` (no usable answer).
   */
  request<T = unknown>(request: OvhRequest): Promise<T>;
  /**
   * OVH's clock, in milliseconds since the epoch (`GET /auth/time`, read once and kept as an offset). Date rules
   * that OVH applies (commitment windows) are judged on its clock, not the machine's. Optional for fakes.
   */
  serverNow?(): Promise<number>;
}
