/**
 * The wire: one undici Agent per client (keep-alive connection reuse), an optional private CA, per-request
 * timeouts. The client talks to the `OvhTransport` interface so tests can inject another transport or an
 * undici dispatcher (e.g. MockAgent).
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { Agent, type Dispatcher } from "undici";
import { OvhConfigError } from "./errors";

export interface TransportRequest {
  readonly method: string;
  /** Absolute URL, query string included. */
  readonly url: string;
  /** Lower-case or canonical header names; values are never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Headers timeout and body (idle) timeout, in milliseconds. */
  readonly timeoutMs: number;
}

export interface TransportResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Sends one HTTP request. Rejects only when no HTTP response was received; the error (or its `cause`)
 * should carry a Node/undici `code` such as ECONNREFUSED so the retry policy can classify it.
 */
export interface OvhTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

export interface UndiciTransportOptions {
  /** PEM text, or a path to a PEM file, of a CA trusted in addition to the system roots. */
  readonly ca?: string;
  /** Connect timeout (TCP + TLS), in milliseconds. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Use this dispatcher instead of creating an Agent (it is then not closed by `close()`). */
  readonly dispatcher?: Dispatcher;
  /** Names the CA setting in errors. */
  readonly caSettingName?: string;
}

/** Reads a CA given as PEM text or as a file path. */
export function loadCa(ca: string, settingName = "caCertPath"): string {
  if (ca.includes("-----BEGIN")) return ca;
  let pem: string;
  try {
    pem = readFileSync(ca, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code ?? "unreadable";
    throw new OvhConfigError(`${settingName}: cannot read the CA certificate file "${ca}" (${code})`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new OvhConfigError(`${settingName}: "${ca}" does not contain a PEM certificate`);
  }
  return pem;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export class UndiciTransport implements OvhTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: UndiciTransportOptions = {}) {
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const extraCa = options.ca === undefined ? undefined : loadCa(options.ca, options.caSettingName);
      this.dispatcher = new Agent({
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connect: {
          timeout: options.connectTimeoutMs ?? 10_000,
          ...(extraCa === undefined ? {} : { ca: [...rootCertificates, extraCa] }),
        },
      });
      this.ownsDispatcher = true;
    }
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.url);
    const response = await this.dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    const body = await response.body.text();
    return { status: response.statusCode, headers: flattenHeaders(response.headers), body };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
