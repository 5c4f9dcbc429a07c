/**
 * The sandbox's HTTP engine: OVH routes under `/1.0`, the OAuth2 token endpoint at the root, and the
 * unauthenticated test-control routes under `/_sandbox`. Settles every area before each request, logs OVH
 * calls, injects faults, persists after mutating requests, and answers errors in OVH's JSON shape.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AreaModule, Caller, Method, OvhError, SandboxContext, SandboxRequest, badRequest } from "./contract";
import { authenticate, checkAccess, oauthToken, registerAuthRoutes, validateCredential } from "./auth";
import { Router } from "./router";
import { SandboxStore } from "./store";
import { bodyObject, globToRegExp, isRecord, isoDateTime } from "./util";

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

export type FaultKind = "latency" | "status" | "rateLimit" | "reset" | "commitThenReset" | "commitThenStatus";
const FAULT_KINDS: readonly FaultKind[] = [
  "latency",
  "status",
  "rateLimit",
  "reset",
  "commitThenReset",
  "commitThenStatus",
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
}

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
  private faults: FaultRule[] = [];
  private faultSeq = 0;
  private queryCounter = Math.floor(Math.random() * 100_000);
  private readonly queryNode = randomBytes(4).toString("hex");
  /** Base URL of the control routes (set once the server listens). */
  controlBase = "";

  constructor(
    private readonly ctx: SandboxContext,
    private readonly store: SandboxStore,
    private readonly areas: readonly AreaModule[],
    private readonly options: EngineOptions,
  ) {
    this.api = new Router(ctx.options.legacy);
    this.control = new Router(true);
    registerAuthRoutes(this.api, ctx, () => this.controlBase);
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

  private save(): void {
    try {
      this.store.save();
    } catch (error) {
      this.options.log(`sandbox: could not write the data file: ${(error as Error).message}`);
    }
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

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const rawBody = await this.readBody(req);
    const method = (req.method ?? "GET").toUpperCase();
    const q = rawUrl.indexOf("?");
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const queryString = q >= 0 ? rawUrl.slice(q + 1) : "";

    if (path === "/_sandbox" || path.startsWith("/_sandbox/")) {
      this.settle();
      const reply = this.handleControl(
        method,
        path.slice("/_sandbox".length) || "/",
        queryString,
        req,
        rawBody,
      );
      if (method !== "GET") this.save();
      this.send(res, reply);
      return;
    }

    const isToken = path === TOKEN_PATH;
    const apiPath = isToken ? path : path.startsWith("/1.0/") ? path.slice(4) : null;
    const entry: CallLogEntry = {
      method,
      path: apiPath ?? path,
      query: queryString,
      status: null,
      caller: null,
      timestamp: isoDateTime(this.ctx.clock.now()),
    };
    this.calls.push(entry);
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
    if (method !== "GET") this.save();
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
    this.send(res, reply);
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
      const result = await match.route.handler(
        this.request(method as Method, apiPath, match.params, queryString, req, rawBody, caller),
      );
      return { status: 200, body: result === undefined ? null : result };
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
    c.add("GET", "/time", now);
    c.add("POST", "/time/advance", (req) => {
      const body = bodyObject(req.body ?? {});
      const seconds = body["seconds"];
      const ms = body["ms"];
      let delta = 0;
      if (typeof seconds === "number" && Number.isFinite(seconds)) delta += seconds * 1000;
      if (typeof ms === "number" && Number.isFinite(ms)) delta += ms;
      if (delta < 0) throw badRequest("Time only moves forward");
      clockState().offsetMs += Math.round(delta);
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
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
          throw badRequest(`[${name}] a non-negative integer is expected`);
        return v;
      };
      const status = int("status", kind === "rateLimit" ? 429 : 500);
      if ((kind === "status" || kind === "commitThenStatus") && (status < 500 || status > 599)) {
        throw badRequest("[status] a 5xx status is expected");
      }
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
      if (rule.remaining > 0) this.faults.push(rule);
      return rule;
    });
  }
}

/** Creates the core's own store slices (clock) when missing. */
export function initCore(store: SandboxStore): void {
  if (!isRecord(store.state["clock"])) store.state["clock"] = { offsetMs: 0 };
}
