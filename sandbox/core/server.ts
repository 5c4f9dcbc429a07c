/**
 * The sandbox's HTTP engine: OVH routes under `/1.0`, the OAuth2 token endpoint at the root, and the
 * unauthenticated test-control routes under `/_sandbox`. Settles every area before each request, logs OVH
 * calls, injects faults, persists after mutating requests, and answers errors in OVH's JSON shape.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AreaModule, Caller, Method, OvhError, SandboxContext, SandboxRequest, badRequest } from "./contract";
import { authenticate, checkAccess, oauthToken, registerAuthRoutes, validateCredential } from "./auth";
import { checkSlice } from "./checks";
import { Router } from "./router";
import { MAX_CLOCK_OFFSET_MS, SandboxStore, StoreSnapshot } from "./store";
import { OVH_BODY_PARAMS, OVH_MODELS, OVH_RESPONSE_TYPES } from "./ovhTables";
import { bodyObject, globToRegExp, isLong, isRecord, isoDateTime, own } from "./util";

export const TOKEN_PATH = "/auth/oauth2/token";
const METHODS: readonly string[] = ["GET", "POST", "PUT", "DELETE"];

export interface CallLogEntry {
  method: string;
  path: string;
  query: string;
  status: number | null;
  caller: string | null;
  timestamp: string;
  fault?: FaultKind;
}

export type FaultKind =
  | "latency"
  | "status"
  | "rateLimit"
  | "reset"
  | "commitThenReset"
  | "commitThenStatus"
  | "commitThenUnreadable";
const FAULT_KINDS: readonly FaultKind[] = [
  "latency",
  "status",
  "rateLimit",
  "reset",
  "commitThenReset",
  "commitThenStatus",
  "commitThenUnreadable",
];

export interface FaultRule {
  id: number;
  kind: FaultKind;
  method: string | null;
  /** Glob (`*` = anything) over the path below `/1.0` (or `/auth/oauth2/token`). */
  path: string;
  /** Remaining number of matching calls this rule applies to. */
  remaining: number;
  latencyMs: number;
  status: number;
  retryAfter: number;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export interface EngineOptions {
  latencyMs: number;
  /** Scheme used to rebuild the signed URL. */
  scheme: "http" | "https";
  log: (line: string) => void;
  /** Largest request body accepted (bytes); larger ones get 413 before they are read. */
  maxBodyBytes: number;
  /** Entries kept in the call log; older ones are dropped (and counted). */
  callLogLimit: number;
  /** When set, every `/_sandbox` request must carry it (`X-Sandbox-Token` header or `sandboxToken` query). */
  controlToken: string | null;
}

/** Deepest JSON nesting accepted in a request body (OVH's models nest a few levels at most). */
export const MAX_JSON_DEPTH = 32;
/** Longest URL (path and query) accepted. */
export const MAX_URL_LENGTH = 8192;
/** Bounds of the control inputs. */
export const MAX_FAULT_RULES = 1000;
export const MAX_ADVANCE_MS = 10 * 366 * 24 * 3600 * 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorReply(error: OvhError): Reply {
  const body: Record<string, unknown> = { class: error.errorClass, message: error.message };
  if (error.errorCode !== undefined) body["errorCode"] = error.errorCode;
  if (error.details !== undefined) body["details"] = error.details;
  return { status: error.status, body };
}

const invalidUrl = (): OvhError => new OvhError(404, "Client::NotFound", "Got an invalid (or empty) URL");

export class SandboxEngine {
  readonly api: Router;
  readonly control: Router;
  private readonly calls: CallLogEntry[] = [];
  private droppedCalls = 0;
  /** Whether a Host header (or an Origin's host) names this sandbox; null until the server listens. */
  allowedHost: ((host: string) => boolean) | null = null;
  private faults: FaultRule[] = [];
  private faultSeq = 0;
  private queryCounter = Math.floor(Math.random() * 100_000);
  private readonly queryNode = randomBytes(4).toString("hex");
  /** Base URL of the control routes (set once the server listens). */
  controlBase = "";
  /** Appended to control links handed out (the validation link), e.g. `&sandboxToken=…`. */
  controlQuery = "";

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: SandboxStore,
    private readonly areas: readonly AreaModule[],
    private readonly options: EngineOptions,
  ) {
    this.api = new Router(ctx.options.legacy);
    this.control = new Router(true);
    registerAuthRoutes(
      this.api,
      ctx,
      () => this.controlBase,
      () => this.controlQuery,
    );
    for (const area of areas) area.register(this.api, ctx);
    this.registerCoreControl();
    for (const area of areas) area.registerControl?.(this.control, ctx);
  }

  private queryId(): string {
    this.queryCounter += 1;
    const seconds = Math.floor(Date.now() / 1000).toString(16);
    return `EU.ext-3.${seconds}.${this.queryCounter}.${this.queryNode}${randomBytes(12).toString("hex")}`;
  }

  private settle(): void {
    for (const area of this.areas) area.settle?.(this.ctx);
  }

  /** Node's request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      this.options.log(`sandbox: internal error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) {
        this.send(res, {
          status: 500,
          body: { class: "Server::InternalServerError", message: "Internal server error" },
        });
      } else {
        res.destroy();
      }
    });
  };

  private send(res: ServerResponse, reply: Reply): void {
    const text = reply.contentType?.startsWith("text/")
      ? String(reply.body)
      : JSON.stringify(reply.body ?? null);
    res.writeHead(reply.status, {
      "Content-Type": reply.contentType ?? "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
      "Cache-Control": "no-cache",
      "X-Ovh-QueryID": this.queryId(),
      ...reply.headers,
    });
    res.end(text);
  }

  /**
   * Reads the body up to `maxBodyBytes`; `null` when it is larger (the rest is drained without being kept,
   * so the 413 reaches the client and nothing big is ever held in memory).
   */
  private async readBody(req: IncomingMessage): Promise<Buffer | null> {
    const limit = this.options.maxBodyBytes;
    const declared = Number(req.headers["content-length"] ?? "0");
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    if (!tooLarge) {
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          tooLarge = true;
          break;
        }
        chunks.push(chunk as Buffer);
      }
    }
    if (tooLarge) {
      // Drain (bounded) without keeping anything, then close the connection after the answer.
      let drained = size;
      req.on("data", (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > 64 * limit) req.socket.destroy();
      });
      req.resume();
      return null;
    }
    return Buffer.concat(chunks);
  }

  /** Why a request may not be served at all (bad Host, cross-site, over-long URL), checked before its body. */
  private refusal(req: IncomingMessage, rawUrl: string): OvhError | undefined {
    if (rawUrl.length > MAX_URL_LENGTH) {
      return new OvhError(
        414,
        "Client::RequestURITooLong",
        `The URL is longer than ${MAX_URL_LENGTH} characters`,
      );
    }
    const hostHeader = String(req.headers.host ?? "");
    if (this.allowedHost !== null && !this.allowedHost(hostHeader)) {
      return new OvhError(
        400,
        "Client::BadRequest",
        `Unexpected Host header ${JSON.stringify(hostHeader.slice(0, 100))}: this sandbox answers only to its own ` +
          `address (see --allow-host)`,
      );
    }
    const origin = req.headers.origin;
    const fetchSite = req.headers["sec-fetch-site"];
    const ownOrigin = origin !== undefined && this.allowedHost !== null && this.sameOrigin(origin);
    if ((origin !== undefined && !ownOrigin) || fetchSite === "cross-site" || fetchSite === "same-site") {
      return new OvhError(
        403,
        "Client::Forbidden",
        "Cross-site requests are refused: the sandbox is called by API clients, not by web pages",
      );
    }
    return undefined;
  }

  /** Whether an `Origin` header names this sandbox itself. */
  private sameOrigin(origin: string): boolean {
    try {
      const url = new URL(origin);
      return (
        url.protocol === `${this.options.scheme}:` && this.allowedHost !== null && this.allowedHost(url.host)
      );
    } catch {
      return false;
    }
  }

  private logCall(entry: CallLogEntry): void {
    this.calls.push(entry);
    const excess = this.calls.length - this.options.callLogLimit;
    if (excess > 0) {
      // Drop in batches so that a full log costs O(1) per call on average.
      const drop = Math.max(excess, Math.ceil(this.options.callLogLimit / 10));
      const removed = this.calls.splice(0, Math.min(drop, this.calls.length - 1)).length;
      if (this.droppedCalls === 0) {
        this.options.log(
          `sandbox: the call log keeps the last ${this.options.callLogLimit} calls; older entries are being dropped ` +
            `(GET /_sandbox/calls answers X-Sandbox-Calls-Dropped)`,
        );
      }
      this.droppedCalls += removed;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const refused = this.refusal(req, rawUrl);
    if (refused) {
      req.resume();
      this.send(res, { ...errorReply(refused), headers: { Connection: "close" } });
      return;
    }
    const body = await this.readBody(req);
    if (body === null) {
      this.send(res, {
        ...errorReply(
          new OvhError(
            413,
            "Client::RequestEntityTooLarge",
            `The request body is larger than ${this.options.maxBodyBytes} bytes`,
          ),
        ),
        headers: { Connection: "close" },
      });
      return;
    }
    const rawBody = body;
    const method = (req.method ?? "GET").toUpperCase();
    const q = rawUrl.indexOf("?");
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const queryString = q >= 0 ? rawUrl.slice(q + 1) : "";

    if (path === "/_sandbox" || path.startsWith("/_sandbox/")) {
      this.settle();
      const before = method === "GET" ? undefined : this.store.snapshot();
      const controlPath = path.slice("/_sandbox".length) || "/";
      let reply = this.handleControl(method, controlPath, queryString, req, rawBody);
      if (before) reply = this.commit(before, reply);
      if (controlPath === "/calls") {
        reply = {
          ...reply,
          headers: { ...reply.headers, "X-Sandbox-Calls-Dropped": String(this.droppedCalls) },
        };
      }
      this.send(res, reply);
      return;
    }

    const isToken = path === TOKEN_PATH;
    const apiPath = isToken ? path : path.startsWith("/1.0/") ? path.slice(4) : null;
    const entry: CallLogEntry = {
      method,
      path: apiPath ?? path.slice(0, 1000),
      query: queryString.slice(0, 1000),
      status: null,
      caller: null,
      timestamp: isoDateTime(this.ctx.clock.now()),
    };
    this.logCall(entry);
    const fault = apiPath === null ? undefined : this.takeFault(method, apiPath);
    if (fault) entry.fault = fault.kind;
    const delay = this.options.latencyMs + (fault?.kind === "latency" ? fault.latencyMs : 0);
    if (delay > 0) await sleep(delay);
    this.settle();

    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      entry.status = fault.status;
      this.send(res, this.faultReply(fault.status));
      return;
    }
    if (fault?.kind === "rateLimit") {
      entry.status = 429;
      this.send(res, {
        status: 429,
        body: { class: "Client::TooManyRequests", message: "Too many requests, please retry later" },
        headers: { "Retry-After": String(fault.retryAfter) },
      });
      return;
    }

    const before = method === "GET" ? undefined : this.store.snapshot();
    let reply: Reply;
    if (isToken) {
      reply =
        method === "POST"
          ? oauthToken(
              this.ctx,
              String(req.headers["content-type"] ?? ""),
              req.headers.authorization,
              rawBody,
            )
          : errorReply(
              new OvhError(405, "Client::MethodNotAllowed", `Method ${method} not allowed on ${path}`),
            );
    } else if (apiPath === null) {
      reply = errorReply(invalidUrl());
    } else {
      reply = await this.handleApi(method, apiPath, queryString, rawUrl, req, rawBody, entry);
    }
    if (before) reply = this.commit(before, reply);
    entry.status = reply.status;

    if (fault?.kind === "commitThenReset") {
      entry.status = null;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "commitThenStatus") {
      entry.status = fault.status;
      this.send(res, this.faultReply(fault.status));
      return;
    }
    if (fault?.kind === "commitThenUnreadable") {
      // What a proxy or a cut connection leaves of a successful answer: the status, but no body the client can read.
      this.send(res, {
        status: reply.status,
        contentType: "text/html; charset=utf-8",
        body: "<html><head><title>Gateway</title></head><body>Request processed.</body></html>",
      });
      return;
    }
    this.send(res, reply);
  }

  /**
   * Ends a mutating request: a refused one leaves no trace (the state before it is put back); an accepted one is
   * acknowledged only once saved, else it is undone and answered 500 so the client knows it did not happen.
   */
  private commit(before: StoreSnapshot, reply: Reply): Reply {
    if (reply.status >= 400) {
      this.store.restore(before);
      return reply;
    }
    try {
      this.store.save();
      return reply;
    } catch (error) {
      this.store.restore(before);
      this.options.log(`sandbox: could not write the data file, change undone: ${(error as Error).message}`);
      return {
        status: 500,
        body: {
          class: "Server::InternalServerError",
          message: "The sandbox could not save this change to its data file; nothing was changed",
        },
      };
    }
  }

  private faultReply(status: number): Reply {
    const message =
      status === 503
        ? "Service Unavailable"
        : status === 504
          ? "Gateway Timeout"
          : status === 502
            ? "Bad Gateway"
            : "Internal Server Error";
    return { status, body: { class: "Server::InternalServerError", message } };
  }

  private takeFault(method: string, path: string): FaultRule | undefined {
    const rule = this.faults.find(
      (f) => f.remaining > 0 && (f.method === null || f.method === method) && globToRegExp(f.path).test(path),
    );
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.faults = this.faults.filter((f) => f !== rule);
    }
    return rule;
  }

  private async handleApi(
    method: string,
    apiPath: string,
    queryString: string,
    rawUrl: string,
    req: IncomingMessage,
    rawBody: Buffer,
    entry: CallLogEntry,
  ): Promise<Reply> {
    try {
      const match = this.api.match(method, apiPath);
      if (match.kind === "notFound") throw invalidUrl();
      if (match.kind === "methodNotAllowed") {
        throw new OvhError(
          405,
          "Client::MethodNotAllowed",
          `The requested method (${method}) is not allowed on this URL (allowed: ${match.allowed.join(", ")})`,
        );
      }
      let caller: Caller | null = null;
      if (match.route.options.authenticated !== false) {
        const host = String(req.headers.host ?? "");
        caller = authenticate(this.ctx, {
          method,
          rawUrl,
          scheme: this.options.scheme,
          host,
          port: req.socket.localPort ?? 0,
          headers: req.headers,
          rawBody,
        });
        entry.caller = `${caller.kind}:${caller.id}`;
        checkAccess(this.ctx, caller, method, apiPath);
      }
      const request = this.request(
        method as Method,
        apiPath,
        match.params,
        queryString,
        req,
        rawBody,
        caller,
      );
      const operation = `${method} ${match.route.template}`;
      if (this.ctx.options.fidelity.strictBody) refuseUndescribed(operation, request.body);
      const result = await match.route.handler(request);
      const body = result === undefined ? null : result;
      if (this.ctx.options.fidelity.nullFields) {
        const type = own(OVH_RESPONSE_TYPES, operation);
        if (type !== undefined) return { status: 200, body: nullEveryNullable(structuredClone(body), type) };
      }
      return { status: 200, body };
    } catch (error) {
      if (error instanceof OvhError) return errorReply(error);
      this.options.log(
        `sandbox: handler error on ${method} ${apiPath}: ${(error as Error).stack ?? String(error)}`,
      );
      return {
        status: 500,
        body: { class: "Server::InternalServerError", message: "Internal server error" },
      };
    }
  }

  private request(
    method: Method,
    path: string,
    params: Record<string, string>,
    queryString: string,
    req: IncomingMessage,
    rawBody: Buffer,
    caller: Caller | null,
  ): SandboxRequest {
    let body: unknown = undefined;
    const text = rawBody.toString("utf8");
    if (text.trim() !== "") {
      if (jsonDepth(text) > MAX_JSON_DEPTH) {
        throw badRequest(
          `Invalid JSON received in the request body: nested deeper than ${MAX_JSON_DEPTH} levels`,
        );
      }
      try {
        body = JSON.parse(text);
      } catch {
        throw badRequest("Invalid JSON received in the request body");
      }
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
    return { method, path, params, query: new URLSearchParams(queryString), body, caller, headers };
  }

  // ------------------------------------------------------------------------------------ control

  private handleControl(
    method: string,
    path: string,
    queryString: string,
    req: IncomingMessage,
    rawBody: Buffer,
  ): Reply {
    try {
      const token = this.options.controlToken;
      if (token !== null) {
        const given = req.headers["x-sandbox-token"] ?? new URLSearchParams(queryString).get("sandboxToken");
        if (typeof given !== "string" || !sameSecret(given, token)) {
          throw new OvhError(
            401,
            "Client::Unauthorized",
            "The sandbox control API needs its token (X-Sandbox-Token header, or sandboxToken query parameter): " +
              "it is the controlToken of the ready line",
            "NOT_AUTHENTICATED",
          );
        }
      }
      if (path === "/auth/validate" && (method === "GET" || method === "POST")) {
        const query = new URLSearchParams(queryString);
        const message = validateCredential(
          this.ctx,
          query.get("credentialToken") ?? "",
          query.get("refuse") === "1",
        );
        return {
          status: 200,
          contentType: "text/html; charset=utf-8",
          body: `<!doctype html><title>OVH sandbox</title><p>${message}</p>`,
        };
      }
      if (!METHODS.includes(method))
        throw new OvhError(405, "Client::MethodNotAllowed", `Method ${method} not allowed`);
      const match = this.control.match(method, path);
      if (match.kind === "notFound") throw invalidUrl();
      if (match.kind === "methodNotAllowed") {
        throw new OvhError(405, "Client::MethodNotAllowed", `Allowed methods: ${match.allowed.join(", ")}`);
      }
      const request = this.request(method as Method, path, match.params, queryString, req, rawBody, null);
      const result = match.route.handler(request);
      if (result instanceof Promise) throw new Error("control handlers must be synchronous");
      return { status: 200, body: result === undefined ? null : result };
    } catch (error) {
      if (error instanceof OvhError) return errorReply(error);
      this.options.log(
        `sandbox: control error on ${method} ${path}: ${(error as Error).stack ?? String(error)}`,
      );
      return {
        status: 500,
        body: { class: "Server::InternalServerError", message: (error as Error).message },
      };
    }
  }

  private registerCoreControl(): void {
    const c = this.control;
    const clockState = (): { offsetMs: number } => this.ctx.store.state["clock"] as { offsetMs: number };
    const now = (): Record<string, unknown> => {
      const ms = this.ctx.clock.now();
      return { now: ms, iso: isoDateTime(ms), offsetMs: clockState().offsetMs };
    };
    c.add("GET", "/state", () => this.store.dump());
    c.add("GET", "/routes", () => this.api.list());
    c.add("GET", "/control-routes", () => this.control.list());
    c.add("GET", "/time", now);
    c.add("POST", "/time/advance", (req) => {
      const body = bodyObject(req.body ?? {});
      let delta = 0;
      for (const [name, unit] of [
        ["seconds", 1000],
        ["ms", 1],
      ] as const) {
        const value = body[name];
        if (value === undefined || value === null) continue;
        if (
          typeof value !== "number" ||
          !Number.isFinite(value) ||
          value < 0 ||
          value * unit > MAX_ADVANCE_MS
        ) {
          throw badRequest(
            `[${name}] Invalid value: a number of ${name} from 0 to ${MAX_ADVANCE_MS / unit} (10 years) is expected`,
          );
        }
        delta += Math.round(value * unit);
      }
      if (clockState().offsetMs + delta > MAX_CLOCK_OFFSET_MS) {
        throw badRequest(
          "The sandbox clock cannot move further (at most about 100 years ahead of real time)",
        );
      }
      clockState().offsetMs += delta;
      this.settle();
      return now();
    });
    c.add("GET", "/calls", (req) => {
      const pathFilter = req.query.get("path");
      const methodFilter = req.query.get("method");
      const re = pathFilter === null ? null : globToRegExp(pathFilter);
      return this.calls.filter(
        (e) =>
          (re === null || re.test(e.path)) &&
          (methodFilter === null || e.method === methodFilter.toUpperCase()),
      );
    });
    c.add("DELETE", "/calls", () => {
      this.calls.length = 0;
      return undefined;
    });
    c.add("GET", "/faults", () => this.faults);
    c.add("DELETE", "/faults", () => {
      this.faults = [];
      return undefined;
    });
    c.add("POST", "/faults", (req) => {
      const body = bodyObject(req.body);
      const kind = body["kind"];
      if (typeof kind !== "string" || !FAULT_KINDS.includes(kind as FaultKind)) {
        throw badRequest(`[kind] must be one of ${FAULT_KINDS.join(", ")}`);
      }
      const path = body["path"] ?? "/*";
      if (typeof path !== "string" || !path.startsWith("/"))
        throw badRequest('[path] a glob starting with "/" is expected');
      const method = body["method"];
      if (
        method !== undefined &&
        method !== null &&
        (typeof method !== "string" || !METHODS.includes(method.toUpperCase()))
      ) {
        throw badRequest("[method] must be GET, POST, PUT or DELETE");
      }
      const int = (name: string, fallback: number): number => {
        const v = body[name];
        if (v === undefined || v === null) return fallback;
        if (!isLong(v) || v < 0 || v > 1_000_000_000)
          throw badRequest(`[${name}] an integer from 0 to 1000000000 is expected`);
        return v;
      };
      const status = int("status", kind === "rateLimit" ? 429 : 500);
      if ((kind === "status" || kind === "commitThenStatus") && (status < 500 || status > 599)) {
        throw badRequest("[status] a 5xx status is expected");
      }
      if (int("latencyMs", 0) > 600_000) throw badRequest("[latencyMs] at most 600000 (10 minutes)");
      const rule: FaultRule = {
        id: ++this.faultSeq,
        kind: kind as FaultKind,
        method: typeof method === "string" ? method.toUpperCase() : null,
        path,
        remaining: int("times", 1),
        latencyMs: int("latencyMs", 1000),
        status,
        retryAfter: int("retryAfter", 1),
      };
      if (this.faults.length >= MAX_FAULT_RULES) {
        throw badRequest(
          `At most ${MAX_FAULT_RULES} fault rules may be pending; DELETE /_sandbox/faults first`,
        );
      }
      if (path.length > 1000) throw badRequest("[path] at most 1000 characters");
      if (rule.remaining > 0) this.faults.push(rule);
      return rule;
    });
  }
}

/** `--strict-body`: refuses body fields the operation does not declare, as OVH does. */
function refuseUndescribed(operation: string, body: unknown): void {
  if (!isRecord(body)) return;
  const declared = own(OVH_BODY_PARAMS, operation) ?? [];
  const extra = Object.keys(body).filter((k) => !declared.includes(k));
  if (extra.length > 0) {
    throw badRequest(
      `Received not described parameters: (${extra.slice(0, 20).join(", ")}) while calling ${operation.replace(" ", ":")}`,
    );
  }
}

/** `--null-fields`: every field the answer's model declares nullable becomes `null`, at any depth. */
export function nullEveryNullable(value: unknown, type: string): unknown {
  if (type.endsWith("[]")) {
    const inner = type.slice(0, -2);
    return Array.isArray(value) ? value.map((v) => nullEveryNullable(v, inner)) : value;
  }
  const model = own(OVH_MODELS, type);
  if (model === undefined || !isRecord(value)) return value;
  for (const [field, [fieldType, nullable]] of Object.entries(model)) {
    if (nullable) value[field] = null;
    else if (own(value, field) !== undefined) value[field] = nullEveryNullable(value[field], fieldType);
  }
  return value;
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The deepest nesting of arrays and objects in a JSON text (strings are skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

/** What is wrong with the core's slices (clock, auth) of a loaded data file, if anything. */
export function checkCore(state: Record<string, unknown>): string | undefined {
  const clock = state["clock"];
  if (clock !== undefined) {
    if (!isRecord(clock)) return "clock is not an object";
    const offset = clock["offsetMs"];
    if (typeof offset !== "number" || !Number.isFinite(offset) || Math.abs(offset) > MAX_CLOCK_OFFSET_MS) {
      return "clock.offsetMs is not a time offset the sandbox can run with";
    }
  }
  return checkSlice("auth", state["auth"], {
    applications: "array of objects",
    credentials: "array of objects",
    oauthClients: "array of objects",
    tokens: "array of objects",
  });
}

/** Creates the core's own store slices (clock) when missing. */
export function initCore(store: SandboxStore): void {
  if (!isRecord(store.state["clock"])) store.state["clock"] = { offsetMs: 0 };
}
