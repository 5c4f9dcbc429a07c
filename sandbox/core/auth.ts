/**
 * OVH API v1 authentication: application keys, consumer keys with access rules, the `$1$` SHA-1 request
 * signature, OAuth2 client credentials (bearer tokens), and the `/auth` routes.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { Caller, Method, OvhError, Routes, SandboxContext, badRequest } from "./contract";
import { bodyObject, globToRegExp, isRecord, isoDateTime, optionalString } from "./util";

export const TIMESTAMP_WINDOW_S = 300;
export const TOKEN_LIFETIME_S = 3599;
const METHODS: readonly Method[] = ["GET", "POST", "PUT", "DELETE"];

export interface AccessRule {
  method: Method;
  path: string;
}

interface Application {
  applicationId: number;
  key: string;
  secret: string;
  name: string;
}

interface Credential {
  credentialId: number;
  consumerKey: string;
  applicationKey: string;
  status: "expired" | "pendingValidation" | "refused" | "validated";
  rules: AccessRule[];
  creation: number;
  lastUse: number | null;
  expiration: number | null;
  validationToken: string;
  redirection: string | null;
  allowedIPs: string[] | null;
}

interface OAuthClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

interface Token {
  token: string;
  clientId: string;
  expiresAt: number;
}

export interface AuthSlice {
  applications: Application[];
  credentials: Credential[];
  oauthClients: OAuthClient[];
  tokens: Token[];
}

export interface SeededCredentials {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  clientId: string;
  clientSecret: string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function randomKey(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

function slice(ctx: SandboxContext): AuthSlice {
  return ctx.store.state["auth"] as AuthSlice;
}

const forbidden = (message: string, errorCode: string): OvhError =>
  new OvhError(403, "Client::Forbidden", message, errorCode);

/** Creates the auth slice and the seeded credentials when missing; returns the seeded credentials. */
export function initAuth(ctx: SandboxContext): SeededCredentials {
  const current = ctx.store.state["auth"];
  if (!isRecord(current) || !Array.isArray(current["applications"])) {
    const now = ctx.clock.now();
    const app: Application = {
      applicationId: ctx.store.nextId("auth.application"),
      key: randomKey(16),
      secret: randomKey(32),
      name: "sandbox",
    };
    const credential: Credential = {
      credentialId: ctx.store.nextId("auth.credential"),
      consumerKey: randomKey(32),
      applicationKey: app.key,
      status: "validated",
      rules: METHODS.map((method) => ({ method, path: "/*" })),
      creation: now,
      lastUse: null,
      expiration: null,
      validationToken: randomKey(24),
      redirection: null,
      allowedIPs: null,
    };
    const client: OAuthClient = {
      clientId: randomBytes(8).toString("hex"),
      clientSecret: randomKey(32),
      name: "sandbox",
    };
    ctx.store.state["auth"] = {
      applications: [app],
      credentials: [credential],
      oauthClients: [client],
      tokens: [],
    };
  }
  const s = slice(ctx);
  const app = s.applications[0];
  const credential = s.credentials.find((c) => c.applicationKey === app?.key && c.status === "validated");
  const client = s.oauthClients[0];
  if (!app || !credential || !client) throw new Error("The sandbox auth state has no seeded credentials");
  return {
    applicationKey: app.key,
    applicationSecret: app.secret,
    consumerKey: credential.consumerKey,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  };
}

export interface SignedRequestInfo {
  method: string;
  /** Path and query exactly as received, e.g. `/1.0/saas/csp2?x=1`. */
  rawUrl: string;
  scheme: "http" | "https";
  /** The Host header (may include the port). */
  host: string;
  port: number;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

function header(headers: SignedRequestInfo["headers"], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Candidate FULL_URLs a client may have signed: with the port (go-ovh) and without it (node-ovh). */
function signedUrls(info: SignedRequestInfo): string[] {
  const hostname = info.host.replace(/:\d+$/, "");
  const bases = new Set([info.host, hostname, `${hostname}:${info.port}`]);
  return [...bases].map((h) => `${info.scheme}://${h}${info.rawUrl}`);
}

export function signature(
  secret: string,
  consumerKey: string,
  method: string,
  url: string,
  body: Buffer | string,
  timestamp: string,
): string {
  const hash = createHash("sha1");
  hash.update(`${secret}+${consumerKey}+${method}+${url}+`);
  hash.update(body);
  hash.update(`+${timestamp}`);
  return `$1$${hash.digest("hex")}`;
}

/** Identifies the caller of an authenticated route, or throws OVH's error. */
export function authenticate(ctx: SandboxContext, info: SignedRequestInfo): Caller {
  const s = slice(ctx);
  const now = ctx.clock.now();
  const authorization = header(info.headers, "authorization");
  if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
    const value = authorization.replace(/^bearer\s+/i, "").trim();
    const token = s.tokens.find((t) => safeEqual(t.token, value));
    if (!token) throw new OvhError(401, "Client::Unauthorized", "Invalid access token", "INVALID_TOKEN");
    if (token.expiresAt <= now) {
      throw new OvhError(401, "Client::Unauthorized", "The access token has expired", "EXPIRED_TOKEN");
    }
    return { kind: "oauth2", id: token.clientId };
  }
  const applicationKey = header(info.headers, "x-ovh-application");
  if (applicationKey === undefined || applicationKey === "") {
    throw new OvhError(401, "Client::Unauthorized", "You must login first", "NOT_AUTHENTICATED");
  }
  const app = s.applications.find((a) => a.key === applicationKey);
  if (!app) throw forbidden("This application key is invalid", "INVALID_KEY");
  const consumerKey = header(info.headers, "x-ovh-consumer");
  if (consumerKey === undefined || consumerKey === "") {
    throw forbidden("This call needs a consumer key (X-Ovh-Consumer)", "NOT_CREDENTIAL");
  }
  const credential = s.credentials.find((c) => c.consumerKey === consumerKey);
  if (!credential) throw forbidden("This credential does not exist", "NOT_CREDENTIAL");
  if (credential.applicationKey !== app.key)
    throw forbidden("This credential is not valid", "INVALID_CREDENTIAL");
  if (credential.expiration !== null && credential.expiration <= now && credential.status === "validated") {
    credential.status = "expired";
  }
  if (credential.status !== "validated") {
    throw forbidden(`This credential is not valid (state: ${credential.status})`, "INVALID_CREDENTIAL");
  }
  const timestamp = header(info.headers, "x-ovh-timestamp") ?? "";
  if (!/^\d+$/.test(timestamp))
    throw new OvhError(400, "Client::BadRequest", "Invalid timestamp", "INVALID_TIMESTAMP");
  // Within the window around any instant the sandbox clock went through, from real time to its current time:
  // time moved forward through the clock control (or a faster clock) passed for the caller too, who may still
  // apply an offset read from /auth/time before the move.
  const ts = Number(timestamp);
  const lowest = Math.floor(Math.min(now, Date.now()) / 1000) - TIMESTAMP_WINDOW_S;
  const highest = Math.floor(Math.max(now, Date.now()) / 1000) + TIMESTAMP_WINDOW_S;
  if (ts < lowest || ts > highest) {
    throw new OvhError(400, "Client::BadRequest", "Query out of time", "QUERY_TIME_OUT");
  }
  const given = header(info.headers, "x-ovh-signature") ?? "";
  const ok = signedUrls(info).some((url) =>
    safeEqual(signature(app.secret, consumerKey, info.method, url, info.rawBody, timestamp), given),
  );
  if (!ok) throw new OvhError(400, "Client::BadRequest", "Invalid signature", "INVALID_SIGNATURE");
  credential.lastUse = now;
  return { kind: "consumerKey", id: consumerKey };
}

/** Refuses calls outside the consumer key's access rules (OAuth2 clients: IAM is not emulated). */
export function checkAccess(ctx: SandboxContext, caller: Caller, method: string, path: string): void {
  if (caller.kind !== "consumerKey") return;
  // A credential may always inspect or revoke itself.
  if (path.startsWith("/auth/")) return;
  const credential = slice(ctx).credentials.find((c) => c.consumerKey === caller.id);
  const granted =
    credential?.rules.some((r) => r.method === method && globToRegExp(r.path).test(path)) ?? false;
  if (!granted) throw forbidden("This call has not been granted", "NOT_GRANTED_CALL");
}

export interface OAuthResult {
  status: number;
  body: unknown;
}

/** An OAuth2 error (RFC 6749 `error`), also carrying OVH's `class` and `message`. */
function oauthError(status: number, error: string, description: string): OAuthResult {
  const errorClass = status === 401 ? "Client::Unauthorized" : "Client::BadRequest";
  return {
    status,
    body: { error, error_description: description, class: errorClass, message: description },
  };
}

/** `POST /auth/oauth2/token` (client credentials; form-encoded or JSON; secret in body or Basic auth). */
export function oauthToken(
  ctx: SandboxContext,
  contentType: string,
  authorization: string | undefined,
  rawBody: Buffer,
): OAuthResult {
  let fields: Record<string, string> = {};
  const text = rawBody.toString("utf8");
  if (/json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) {
        fields = Object.fromEntries(
          Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
        );
      }
    } catch {
      return oauthError(400, "invalid_request", "Malformed JSON body");
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ""), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      try {
        fields["client_id"] ??= decodeURIComponent(decoded.slice(0, colon));
        fields["client_secret"] ??= decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        return oauthError(400, "invalid_request", "Malformed HTTP Basic credentials");
      }
    }
  }
  if (fields["grant_type"] !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported");
  }
  const client = slice(ctx).oauthClients.find(
    (c) => c.clientId === fields["client_id"] && safeEqual(c.clientSecret, fields["client_secret"] ?? ""),
  );
  if (!client) {
    return oauthError(401, "invalid_client", "Client authentication failed");
  }
  const scope = fields["scope"] ?? "all";
  if (scope !== "all") {
    return oauthError(400, "invalid_scope", "Unsupported scope (only all)");
  }
  const now = ctx.clock.now();
  const tokens = slice(ctx).tokens.filter((t) => t.expiresAt > now);
  const token: Token = {
    token: randomKey(48),
    clientId: client.clientId,
    expiresAt: now + TOKEN_LIFETIME_S * 1000,
  };
  tokens.push(token);
  slice(ctx).tokens = tokens;
  return {
    status: 200,
    body: { access_token: token.token, token_type: "Bearer", expires_in: TOKEN_LIFETIME_S, scope: "all" },
  };
}

/** Validates a pending consumer key from its validation link; returns a short human message. */
export function validateCredential(ctx: SandboxContext, validationToken: string, refuse: boolean): string {
  const credential = slice(ctx).credentials.find((c) => c.validationToken === validationToken);
  if (!credential) throw badRequest("Unknown or already used validation link");
  if (credential.status !== "pendingValidation") {
    throw badRequest(`This credential cannot be validated any more (state: ${credential.status})`);
  }
  credential.status = refuse ? "refused" : "validated";
  return refuse ? "Access refused." : "Access granted: the consumer key is now validated.";
}

function parseAllowedIps(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((ip) => typeof ip !== "string" || ip.length > 64)) {
    throw badRequest("[allowedIPs] Invalid value: a list of IP blocks (strings) is expected");
  }
  if (value.length > 100) throw badRequest("[allowedIPs] Invalid value: at most 100 IP blocks");
  return value as string[];
}

function parseRules(body: Record<string, unknown>): AccessRule[] {
  const rules = body["accessRules"];
  if (!Array.isArray(rules) || rules.length === 0) throw badRequest("[accessRules] Property is mandatory");
  if (rules.length > 1000) throw badRequest("[accessRules] Invalid value: at most 1000 rules");
  return rules.map((rule, i) => {
    if (!isRecord(rule)) throw badRequest(`[accessRules.${i}] Invalid value: an object is expected`);
    const method = rule["method"];
    const path = rule["path"];
    if (typeof method !== "string" || !METHODS.includes(method as Method)) {
      throw badRequest(
        `[accessRules.${i}.method] Invalid value: ${JSON.stringify(method)} is not a valid auth.HTTPMethodEnum`,
      );
    }
    if (typeof path !== "string" || !path.startsWith("/") || path.length > 1000) {
      throw badRequest(
        `[accessRules.${i}.path] Invalid value: ${JSON.stringify(path)}; a path starting with "/" is expected`,
      );
    }
    return { method: method as Method, path };
  });
}

function credentialModel(c: Credential): Record<string, unknown> {
  return {
    allowedIPs: c.allowedIPs,
    applicationId: 0,
    creation: isoDateTime(c.creation),
    credentialId: c.credentialId,
    expiration: c.expiration === null ? null : isoDateTime(c.expiration),
    lastUse: c.lastUse === null ? null : isoDateTime(c.lastUse),
    ovhSupport: false,
    rules: c.rules,
    status: c.status,
  };
}

/** The `/auth` routes. `controlBase` is the sandbox control URL the validation link points to. */
export function registerAuthRoutes(
  routes: Routes,
  ctx: SandboxContext,
  controlBase: () => string,
  controlQuery: () => string = () => "",
): void {
  routes.add("GET", "/auth/time", () => Math.floor(ctx.clock.now() / 1000), { authenticated: false });

  routes.add(
    "POST",
    "/auth/credential",
    (req) => {
      // Unsigned, but OVH still needs the application key header.
      const applicationKey = req.headers["x-ovh-application"] ?? "";
      const app = slice(ctx).applications.find((a) => a.key === applicationKey);
      if (!app) throw forbidden("This application key is invalid", "INVALID_KEY");
      const body = bodyObject(req.body);
      const rules = parseRules(body);
      const redirection = optionalString(body, "redirection") ?? null;
      const allowedIPs = body["allowedIPs"];
      const credential: Credential = {
        credentialId: ctx.store.nextId("auth.credential"),
        consumerKey: randomKey(32),
        applicationKey: app.key,
        status: "pendingValidation",
        rules,
        creation: ctx.clock.now(),
        lastUse: null,
        expiration: null,
        validationToken: randomKey(24),
        redirection,
        allowedIPs: parseAllowedIps(allowedIPs),
      };
      slice(ctx).credentials.push(credential);
      return {
        consumerKey: credential.consumerKey,
        state: credential.status,
        validationUrl: `${controlBase()}/auth/validate?credentialToken=${credential.validationToken}${controlQuery()}`,
      };
    },
    { authenticated: false },
  );

  const current = (caller: Caller | null): Credential => {
    if (caller?.kind !== "consumerKey") {
      throw forbidden("This call is only available with a consumer key", "NOT_CREDENTIAL");
    }
    const credential = slice(ctx).credentials.find((c) => c.consumerKey === caller.id);
    if (!credential) throw forbidden("This credential does not exist", "NOT_CREDENTIAL");
    return credential;
  };

  routes.add("GET", "/auth/currentCredential", (req) => credentialModel(current(req.caller)));

  routes.add("GET", "/auth/details", (req) => {
    if (req.caller?.kind === "oauth2") {
      return {
        account: "xx12345-ovh",
        allowedRoutes: null,
        description: "sandbox OAuth2 client",
        identities: [`urn:v1:eu:identity:credential:xx12345-ovh/oauth2-${req.caller.id}`],
        method: "oauth2_client_credentials",
        roles: null,
        user: null,
      };
    }
    const credential = current(req.caller);
    return {
      account: "xx12345-ovh",
      allowedRoutes: credential.rules,
      description: null,
      identities: ["urn:v1:eu:identity:account:xx12345-ovh"],
      method: "account",
      roles: ["ADMIN"],
      user: null,
    };
  });

  routes.add("POST", "/auth/logout", (req) => {
    const credential = current(req.caller);
    credential.status = "expired";
    credential.expiration = ctx.clock.now();
    return undefined;
  });
}
