/**
 * The one HTTP client the provider uses to talk to OVH.
 *
 * A request goes: encode (URL, JSON body) → prepare authentication (server time offset or bearer token,
 * awaited BEFORE taking a limiter slot so no slot is held while waiting) → take a rate/concurrency slot →
 * sign and send → decide (success, bearer refresh, retry with backoff, or error).
 */
import { inspect } from "node:util";
import type { Dispatcher } from "undici";
import { ServerClock } from "./clock";
import type { OvhOAuth2Auth, ResolvedOvhConfig } from "./config";
import { describeOvhConfig, settingLabel } from "./config";
import { OvhApiError, OvhConfigError, OvhNetworkError } from "./errors";
import { RequestLimiter, type LimiterClock } from "./limiter";
import {
  buildTokenRequestBody,
  OAuth2TokenCache,
  parseTokenResponse,
  StaticTokenSource,
  type BearerTokenSource,
  type OAuth2Token,
} from "./oauth2";
import type { HttpMethod, OvhRequest, OvhRequester } from "./request";
import { apiErrorFrom, errorBodyFrom, parseJson, queryIdOf, redactText, summarizeText } from "./response";
import {
  classifyNetworkError,
  decideRetry,
  isIdempotentMethod,
  type AttemptFailure,
  type BackoffOptions,
} from "./retry";
import { isClearRefusal } from "./outcome";
import { signV1Request } from "./signature";
import { UndiciTransport, type OvhTransport, type TransportResponse, type TransportStats } from "./transport";
import { buildRequestUrl, serializeJsonBody } from "./wire";

export const USER_AGENT = "pulumi-ovh-office365-reseller";

/** What the logger hook sees: never headers, bodies, query strings or credentials. */
export interface OvhRequestLogEvent {
  readonly method: HttpMethod;
  /** Path without query string. */
  readonly path: string;
  /** HTTP status, or undefined when no answer was received. */
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly queryId: string | undefined;
  /** 1 for the first attempt of a request, 2 for its first retry, ... */
  readonly attempt: number;
  /** Network error code (ECONNREFUSED, UND_ERR_SOCKET, ...) when no answer was received. */
  readonly errorCode?: string | undefined;
}

export interface OvhClientOptions {
  /** Replaces the undici transport entirely (tests, fetch-based transports). Not closed by `close()`. */
  readonly transport?: OvhTransport;
  /** An undici dispatcher to use instead of the client's own Agent (e.g. MockAgent). Not closed by `close()`. */
  readonly dispatcher?: Dispatcher;
  /** Called once per attempt. Exceptions thrown by the hook are ignored. */
  readonly logger?: (event: OvhRequestLogEvent) => void;
  /** Wall clock in ms: signature timestamps, token expiry, Retry-After dates. Default Date.now. */
  readonly now?: () => number;
  /** Waits between retries. Default: setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random source in [0, 1) for backoff jitter. Default Math.random. */
  readonly random?: () => number;
  /** Clock and timers of the rate limiter. */
  readonly limiterClock?: LimiterClock;
  /** Backoff base and cap (defaults 500 ms and 20 s). */
  readonly backoff?: Omit<BackoffOptions, "random">;
  /** A Retry-After longer than this is not waited for (default 120 s). */
  readonly maxRetryAfterMs?: number;
  /** Connect timeout (TCP + TLS) of the default transport. Default: min(10 s, request timeout). */
  readonly connectTimeoutMs?: number;
  /** User-Agent header. */
  readonly userAgent?: string;
}

/** Authentication ready for one attempt: `headers()` is called right before sending (fresh timestamp). */
interface PreparedAttempt {
  readonly headers: (url: string, body: string | undefined) => Record<string, string>;
  readonly bearer?: string;
}

interface Exchange {
  readonly method: HttpMethod;
  /** For messages and logs (no query string). */
  readonly path: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  readonly timeoutMs: number;
  readonly idempotent: boolean;
  /** Whether the attempt takes a slot of the rate/concurrency limiter. */
  readonly limited: boolean;
  readonly prepare: () => Promise<PreparedAttempt>;
}

/** Injected transports may not lower-case header names; the client relies on it. */
function lowerCaseHeaders(response: TransportResponse): TransportResponse {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
  return { status: response.status, headers, body: response.body };
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export class OvhClient implements OvhRequester {
  readonly config: ResolvedOvhConfig;
  private readonly transport: OvhTransport;
  private readonly ownsTransport: boolean;
  private readonly limiter: RequestLimiter;
  private readonly serverClock: ServerClock;
  private readonly tokens: BearerTokenSource | undefined;
  private readonly logger: ((event: OvhRequestLogEvent) => void) | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoff: BackoffOptions;
  private readonly maxRetryAfterMs: number | undefined;
  private readonly userAgent: string;
  /** Credential values of the config: scrubbed from every message. */
  readonly #configSecrets: readonly string[];
  /** The last few bearer tokens seen at run time: scrubbed from every message too. */
  readonly #recentTokens: string[] = [];
  private closed = false;

  constructor(config: ResolvedOvhConfig, options: OvhClientOptions = {}) {
    this.config = config;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.backoff = { ...options.backoff, ...(options.random ? { random: options.random } : {}) };
    this.maxRetryAfterMs = options.maxRetryAfterMs;
    this.logger = options.logger;
    this.userAgent = options.userAgent ?? USER_AGENT;
    this.#configSecrets = config.secretValues;
    if (options.transport) {
      this.transport = options.transport;
      this.ownsTransport = false;
    } else {
      this.transport = new UndiciTransport({
        ...(config.caCertPath === undefined ? {} : { ca: config.caCertPath }),
        caSettingName: settingLabel("caCertPath"),
        connectTimeoutMs: options.connectTimeoutMs ?? Math.min(10_000, config.limits.timeoutMs),
        // Never more sockets than requests the limiter lets out at once: each one stays busy and is reused.
        maxConnectionsPerOrigin: config.limits.maxConcurrency,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      this.ownsTransport = true;
    }
    this.limiter = new RequestLimiter({
      ratePerSecond: config.limits.ratePerSecond,
      burst: config.limits.burst,
      maxConcurrency: config.limits.maxConcurrency,
      ...(options.limiterClock ? { clock: options.limiterClock } : {}),
    });
    const auth = config.auth;
    // v1 signatures need OVH's time; every mode may ask for it (serverNow) to judge OVH's date rules.
    this.serverClock = new ServerClock(
      () => this.request<unknown>({ method: "GET", path: "/auth/time", authenticated: false }),
      this.now,
    );
    if (auth.kind === "oauth2") {
      this.tokens = new OAuth2TokenCache(() => this.fetchToken(auth), this.now);
    } else if (auth.kind === "accessToken") {
      this.tokens = new StaticTokenSource(auth.accessToken);
    }
  }

  /** OVH's clock in milliseconds (one `GET /auth/time` per client, shared with v1 signing). */
  async serverNow(): Promise<number> {
    const offset = await this.serverClock.offset();
    return this.now() + offset * 1000;
  }

  /** Sends one logical request (with retries) and resolves with the parsed JSON body, `null` when empty. */
  async request<T = unknown>(req: OvhRequest): Promise<T> {
    const method = req.method;
    const url = buildRequestUrl(this.config.endpoint.baseUrl, req.path, req.query);
    const body = req.body === undefined ? undefined : serializeJsonBody(req.body);
    const authenticated = req.authenticated !== false;
    const timeoutMs = req.timeoutMs ?? this.config.limits.timeoutMs;
    if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be positive, got ${timeoutMs}`);
    if (authenticated && this.config.auth.kind === "none") {
      throw new OvhConfigError(
        `OVH API ${method} ${req.path} needs credentials, and none are configured ` +
          `(set ${settingLabel("applicationKey")}, ${settingLabel("applicationSecret")} and ` +
          `${settingLabel("consumerKey")}, or OAuth2 / access token settings)`,
      );
    }
    const response = await this.exchange({
      method,
      path: req.path,
      url,
      body,
      contentType: body === undefined ? undefined : "application/json",
      timeoutMs,
      idempotent: isIdempotentMethod(method),
      limited: true,
      prepare: () => this.prepareAuth(method, req.path, authenticated),
    });
    const secrets = this.secrets();
    if (response.status < 200 || response.status >= 300) {
      throw apiErrorFrom({ method, path: req.path, ...response, secrets });
    }
    const parsed = parseJson(response.body);
    if (!parsed.ok) {
      const queryId = queryIdOf(response.headers);
      throw new OvhApiError({
        status: response.status,
        method,
        path: req.path,
        body: {
          message: `the answer is not JSON: ${redactText(summarizeText(response.body, 200), secrets)}`,
          unreadable: true,
        },
        ...(queryId === undefined ? {} : { queryId }),
      });
    }
    return parsed.value as T;
  }

  /** Closes the connections of the client's own transport. Later requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsTransport) await this.transport.close();
  }

  /** Connection counters of the transport (undefined for an injected transport without them). */
  transportStats(): TransportStats | undefined {
    return this.transport.stats?.();
  }

  // -------------------------------------------------------------------------------------------------------

  private async prepareAuth(
    method: HttpMethod,
    path: string,
    authenticated: boolean,
  ): Promise<PreparedAttempt> {
    const auth = this.config.auth;
    const base: Record<string, string> = { Accept: "application/json", "User-Agent": this.userAgent };
    if (auth.kind === "v1") base["X-Ovh-Application"] = auth.applicationKey;
    if (!authenticated) return { headers: () => ({ ...base }) };

    if (auth.kind === "v1") {
      const clock = this.serverClock;
      let offset: number;
      try {
        offset = await clock.offset();
      } catch (err) {
        throw this.notSentError(method, path, err instanceof Error ? err.message : String(err), err);
      }
      return {
        headers: (url, body) => {
          const timestamp = clock.timestampWith(offset);
          const signature = signV1Request({
            applicationSecret: auth.applicationSecret,
            consumerKey: auth.consumerKey,
            method,
            url,
            body: body ?? "",
            timestamp,
          });
          return {
            ...base,
            "X-Ovh-Consumer": auth.consumerKey,
            "X-Ovh-Timestamp": String(timestamp),
            "X-Ovh-Signature": signature,
          };
        },
      };
    }
    const tokens = this.tokens as BearerTokenSource;
    let token: string;
    try {
      token = await tokens.get();
    } catch (err) {
      if (err instanceof OvhConfigError) throw err;
      const reason = `could not get an OAuth2 access token: ${err instanceof Error ? err.message : String(err)}`;
      throw this.notSentError(method, path, reason, err);
    }
    this.rememberToken(token);
    return { headers: () => ({ ...base, Authorization: `Bearer ${token}` }), bearer: token };
  }

  private notSentError(method: HttpMethod, path: string, reason: string, cause: unknown): OvhNetworkError {
    return new OvhNetworkError({
      method,
      path,
      reason: redactText(reason, this.secrets()),
      mayHaveReachedServer: false,
      cause,
    });
  }

  /** OAuth2 client-credentials request. Safe to repeat (no side effect), not rate-limited (other host). */
  private async fetchToken(auth: OvhOAuth2Auth): Promise<OAuth2Token> {
    const tokenPath = new URL(auth.tokenUrl).pathname;
    const response = await this.exchange({
      method: "POST",
      path: tokenPath,
      url: auth.tokenUrl,
      body: buildTokenRequestBody(auth.clientId, auth.clientSecret),
      contentType: "application/x-www-form-urlencoded",
      timeoutMs: this.config.limits.timeoutMs,
      idempotent: true,
      limited: false,
      prepare: async () => ({
        headers: () => ({ Accept: "application/json", "User-Agent": this.userAgent }),
      }),
    });
    const secrets = this.secrets();
    if (response.status >= 400 && response.status < 500) {
      const body = errorBodyFrom(response.status, response.body, secrets);
      throw new OvhConfigError(
        `the OAuth2 token request to ${auth.tokenUrl} was refused: HTTP ${response.status}` +
          `${body.errorClass ? ` ${body.errorClass}` : ""}: ${body.message}. ` +
          `Check ${settingLabel("clientId")} and ${settingLabel("clientSecret")}.`,
      );
    }
    if (response.status < 200 || response.status >= 300) {
      const body = errorBodyFrom(response.status, response.body, secrets);
      throw new Error(`HTTP ${response.status} from ${auth.tokenUrl}: ${body.message}`);
    }
    const parsed = parseJson(response.body);
    if (!parsed.ok) throw new Error(`the answer of ${auth.tokenUrl} is not JSON`);
    const token = parseTokenResponse(parsed.value);
    this.rememberToken(token.accessToken);
    return token;
  }

  /** The attempt loop: returns the final HTTP answer (2xx or not), or throws OvhNetworkError. */
  private async exchange(ex: Exchange): Promise<TransportResponse> {
    if (this.closed) {
      throw new OvhNetworkError({
        method: ex.method,
        path: ex.path,
        reason: "the OVH client is closed",
        mayHaveReachedServer: false,
      });
    }
    let retriesDone = 0;
    let bearerRefreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const prepared = await ex.prepare();
      const release = ex.limited
        ? (this.limiter.tryAcquire() ?? (await this.limiter.acquire()))
        : () => undefined;
      const started = performance.now();
      let response: TransportResponse | undefined;
      let error: unknown;
      try {
        const headers = prepared.headers(ex.url, ex.body);
        if (ex.contentType !== undefined) headers["Content-Type"] = ex.contentType;
        const sent = await this.transport.send({
          method: ex.method,
          url: ex.url,
          headers,
          body: ex.body,
          timeoutMs: ex.timeoutMs,
        });
        // The client's own transport already answers with lower-case header names.
        response = this.ownsTransport ? sent : lowerCaseHeaders(sent);
      } catch (err) {
        error = err;
      } finally {
        release();
      }
      const durationMs = Math.round(performance.now() - started);

      let failure: AttemptFailure;
      if (response) {
        this.log({
          method: ex.method,
          path: ex.path,
          status: response.status,
          durationMs,
          queryId: queryIdOf(response.headers),
          attempt,
        });
        if (response.status >= 200 && response.status < 300) return response;
        // A 401 on a bearer call means the call was not executed: refresh the token and retry once.
        if (
          response.status === 401 &&
          prepared.bearer !== undefined &&
          !bearerRefreshed &&
          this.tokens?.invalidate(prepared.bearer) === true
        ) {
          bearerRefreshed = true;
          continue;
        }
        failure = {
          kind: "status",
          status: response.status,
          retryAfter: response.headers["retry-after"],
          clearRefusal: isClearRefusal(
            response.status,
            errorBodyFrom(response.status, response.body, []).unreadable === true,
          ),
        };
      } else {
        const network = classifyNetworkError(error);
        this.log({
          method: ex.method,
          path: ex.path,
          status: undefined,
          durationMs,
          queryId: undefined,
          attempt,
          errorCode: network.code,
        });
        failure = { kind: "network", failure: network };
      }

      const decision = decideRetry({
        failure,
        idempotent: ex.idempotent,
        retriesDone,
        maxRetries: this.config.limits.maxRetries,
        nowMs: this.now(),
        backoff: this.backoff,
        ...(this.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: this.maxRetryAfterMs }),
      });
      if (!decision.retry) {
        if (response) return response;
        const network = failure.kind === "network" ? failure.failure : classifyNetworkError(error);
        throw new OvhNetworkError({
          method: ex.method,
          path: ex.path,
          reason: network.reason,
          mayHaveReachedServer: !network.notSent,
          cause: error,
        });
      }
      retriesDone += 1;
      await this.sleep(decision.delayMs);
    }
  }

  /** A short description without any credential. */
  [inspect.custom](): string {
    return `OvhClient { ${describeOvhConfig(this.config)}${this.closed ? ", closed" : ""} }`;
  }

  toJSON(): Record<string, unknown> {
    return { config: this.config.toJSON(), closed: this.closed };
  }

  private secrets(): string[] {
    return [...this.#configSecrets, ...this.#recentTokens];
  }

  private rememberToken(token: string): void {
    if (this.#recentTokens.includes(token)) return;
    this.#recentTokens.push(token);
    if (this.#recentTokens.length > 4) this.#recentTokens.shift();
  }

  private log(event: OvhRequestLogEvent): void {
    if (!this.logger) return;
    try {
      this.logger(event);
    } catch {
      // A logging failure must never break a request.
    }
  }
}

/** Creates the client. `config` comes from `resolveOvhConfig`. */
export function createOvhClient(config: ResolvedOvhConfig, options?: OvhClientOptions): OvhClient {
  return new OvhClient(config, options);
}
