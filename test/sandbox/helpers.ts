/**
 * Test helpers for the sandbox: start one in-process on 127.0.0.1 (port 0), and call it with a tiny,
 * self-contained OVH v1 request signer (deliberately independent of the provider's client).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { RunningSandbox, SandboxStartOptions, startSandbox as start } from "../../sandbox";

export type { RunningSandbox } from "../../sandbox";

export interface TestSandbox extends RunningSandbox {
  /** PEM of the self-signed certificate when serving TLS. */
  ca?: string;
}

/** Starts a sandbox on 127.0.0.1, any free port, with short delays suited to tests. */
export async function startSandbox(options: SandboxStartOptions = {}): Promise<TestSandbox> {
  const sandbox: TestSandbox = await start({
    host: "127.0.0.1",
    port: 0,
    taskDelayMs: 40,
    orderDelayMs: 40,
    ...options,
  });
  if (sandbox.caCertPath) sandbox.ca = readFileSync(sandbox.caCertPath, "utf8");
  return sandbox;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

/** Any body typed loosely, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface RawRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
}

/** Sends one HTTP(S) request and collects the answer (no retries, no signing). */
export function rawRequest(request: RawRequest): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const lib = url.protocol === "https:" ? https : http;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body));
    const req = lib.request(
      url,
      { method: request.method, headers, ...(request.ca ? { ca: request.ca } : {}), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          if (String(res.headers["content-type"] ?? "").includes("json") && text !== "") {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

export interface SignOptions {
  applicationKey?: string;
  applicationSecret?: string;
  consumerKey?: string;
  /** Fixed X-Ovh-Timestamp (default: the sandbox's `/auth/time`). */
  timestamp?: number;
  /** Sign the URL with the explicit port (go-ovh style, default) or without it (node-ovh style). */
  signWithPort?: boolean;
  /** Replace the computed signature. */
  signature?: string;
  /** Send this exact body text instead of JSON.stringify(body). */
  rawBody?: string;
  /** Bearer token instead of a v1 signature. */
  bearer?: string;
  /** Send no authentication headers at all. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

export function sign(
  secret: string,
  consumerKey: string,
  method: string,
  url: string,
  body: string,
  timestamp: number,
): string {
  const text = [secret, consumerKey, method.toUpperCase(), url, body, String(timestamp)].join("+");
  return `$1$${createHash("sha1").update(text, "utf8").digest("hex")}`;
}

/** Calls an OVH route of the sandbox (`path` below `/1.0`, with its query string), signed by default. */
export async function signedRequest(
  sandbox: TestSandbox,
  method: string,
  path: string,
  body?: unknown,
  options: SignOptions = {},
): Promise<HttpResult> {
  const url = `${sandbox.url}${path}`;
  const text = options.rawBody ?? (body === undefined ? "" : JSON.stringify(body));
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (text !== "") headers["Content-Type"] = "application/json";
  if (options.bearer !== undefined) {
    headers["Authorization"] = `Bearer ${options.bearer}`;
  } else if (!options.unsigned) {
    const ak = options.applicationKey ?? sandbox.applicationKey;
    const as = options.applicationSecret ?? sandbox.applicationSecret;
    const ck = options.consumerKey ?? sandbox.consumerKey;
    const timestamp = options.timestamp ?? (await serverTime(sandbox));
    const parsed = new URL(url);
    const signedUrl =
      options.signWithPort === false
        ? `${parsed.protocol}//${parsed.hostname}${parsed.pathname}${parsed.search}`
        : url;
    headers["X-Ovh-Application"] = ak;
    headers["X-Ovh-Consumer"] = ck;
    headers["X-Ovh-Timestamp"] = String(timestamp);
    headers["X-Ovh-Signature"] = options.signature ?? sign(as, ck, method, signedUrl, text, timestamp);
  }
  return rawRequest({
    method,
    url,
    headers,
    ...(text !== "" ? { body: text } : {}),
    ...(sandbox.ca ? { ca: sandbox.ca } : {}),
  });
}

/** The sandbox's clock, in seconds (`GET /auth/time`). */
export async function serverTime(sandbox: TestSandbox): Promise<number> {
  const res = await rawRequest({
    method: "GET",
    url: `${sandbox.url}/auth/time`,
    ...(sandbox.ca ? { ca: sandbox.ca } : {}),
  });
  if (res.status !== 200 || typeof res.body !== "number")
    throw new Error(`GET /auth/time answered ${res.status}`);
  return res.body;
}

/** Calls a test-control route (`path` below `/_sandbox`); throws unless it answers 200. */
export async function control(
  sandbox: TestSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<Json> {
  const res = await rawRequest({
    method,
    url: `${sandbox.controlUrl}${path}`,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(sandbox.ca ? { ca: sandbox.ca } : {}),
  });
  if (res.status !== 200)
    throw new Error(`${method} /_sandbox${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Moves the sandbox clock forward. */
export async function advance(sandbox: TestSandbox, ms: number): Promise<void> {
  await control(sandbox, "POST", "/time/advance", { ms });
}

/** Polls a csp2 task until it ends (`done`, `error`, `cancelled`), advancing the clock between polls. */
export async function waitForTask(sandbox: TestSandbox, serviceName: string, taskId: number): Promise<Json> {
  for (let i = 0; i < 100; i += 1) {
    const res = await signedRequest(sandbox, "GET", `/saas/csp2/${serviceName}/task/${taskId}`);
    const task = res.body as Json;
    if (res.status !== 200) throw new Error(`task ${taskId}: ${res.status} ${JSON.stringify(task)}`);
    if (["done", "error", "cancelled"].includes(task.status)) return task;
    await advance(sandbox, 250);
  }
  throw new Error(`task ${taskId} did not end`);
}

export const SEED = {
  contoso: "csp2-100001",
  fabrikam: "csp2-100002",
} as const;
