/**
 * OAuth2 client-credentials tokens for OVH's service accounts.
 * One token is cached and shared; it is refreshed shortly before it expires (single flight), and
 * invalidated when OVH answers 401 to a call that carried it (the client then retries that call once).
 */
import { z } from "zod";

/** A token as the client needs it. */
export interface OAuth2Token {
  readonly accessToken: string;
  /** Lifetime in seconds, as announced by the token endpoint. */
  readonly expiresInSeconds: number;
}

/** Something that hands out bearer tokens: the OAuth2 cache below, or a fixed access token. */
export interface BearerTokenSource {
  /** A token valid for at least the refresh margin. */
  get(): Promise<string>;
  /**
   * Called when OVH answered 401 to a call made with `token`.
   * Returns true when a different token can be obtained (so the call may be retried once).
   */
  invalidate(token: string): boolean;
}

/** A ready-made token (`OVH_ACCESS_TOKEN`): never refreshed, so a 401 cannot be fixed by retrying. */
export class StaticTokenSource implements BearerTokenSource {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async get(): Promise<string> {
    return this.#token;
  }
  invalidate(): boolean {
    return false;
  }
}

/** Refresh this long before expiry (at most half the token's lifetime). */
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export class OAuth2TokenCache implements BearerTokenSource {
  #token: string | undefined;
  private expiresAt = 0;
  private refreshAt = 0;
  private inFlight: Promise<string> | undefined;

  /**
   * @param fetchToken performs the token request (see `buildTokenRequest` / `parseTokenResponse`).
   * @param now local time in milliseconds (injectable).
   */
  constructor(
    private readonly fetchToken: () => Promise<OAuth2Token>,
    private readonly now: () => number = Date.now,
    private readonly refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS,
  ) {}

  async get(): Promise<string> {
    if (this.#token !== undefined && this.now() < this.refreshAt) return this.#token;
    if (!this.inFlight) {
      this.inFlight = this.load().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  invalidate(token: string): boolean {
    // Only drop the token that failed: a concurrent caller may already have fetched a fresh one.
    if (this.#token === token) {
      this.#token = undefined;
      this.expiresAt = 0;
      this.refreshAt = 0;
    }
    return true;
  }

  /** For diagnostics and tests: when the cached token expires (ms since epoch), 0 if none. */
  get expiresAtMs(): number {
    return this.expiresAt;
  }

  private async load(): Promise<string> {
    const fetchedAt = this.now();
    const token = await this.fetchToken();
    const lifetimeMs = Math.max(0, token.expiresInSeconds * 1000);
    this.#token = token.accessToken;
    this.expiresAt = fetchedAt + lifetimeMs;
    this.refreshAt = this.expiresAt - Math.min(this.refreshMarginMs, lifetimeMs / 2);
    return token.accessToken;
  }
}

/** The form body of a client-credentials token request. Contains the client secret: never log it. */
export function buildTokenRequestBody(clientId: string, clientSecret: string): string {
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    scope: "all",
  }).toString();
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

/** Default lifetime when the endpoint does not say (OVH announces 3599 s). */
const DEFAULT_EXPIRES_IN_SECONDS = 3600;

/** Parses a successful token endpoint answer. Throws an Error (without the body) when it is unusable. */
export function parseTokenResponse(body: unknown): OAuth2Token {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new Error("the OAuth2 token endpoint answered without a usable access_token");
  }
  if (parsed.data.token_type !== undefined && parsed.data.token_type.toLowerCase() !== "bearer") {
    throw new Error(
      `the OAuth2 token endpoint returned an unsupported token type "${parsed.data.token_type}"`,
    );
  }
  return {
    accessToken: parsed.data.access_token,
    expiresInSeconds: parsed.data.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS,
  };
}
