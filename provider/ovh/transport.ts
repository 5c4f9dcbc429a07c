/**
 * The wire: one undici Pool per origin for the life of the client (keep-alive connection reuse, at most
 * `maxConnectionsPerOrigin` sockets), one TLS secure context built once per client (system roots plus an optional
 * private CA), per-request timeouts. The client talks to the `OvhTransport` interface so tests can inject another
 * transport or an undici dispatcher (e.g. MockAgent).
 *
 * Why not an undici Agent with `connect: { ca }`: Node then builds a secure context from every root certificate
 * for each new TLS connection (tens of milliseconds of CPU each), and the Agent discards an origin's whole pool
 * whenever its connection count falls to zero, so a busy client kept reconnecting.
 */
import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import { buildConnector, Pool, type Dispatcher } from "undici";
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

/** Connection counters of a transport (for tests and benchmarks). */
export interface TransportStats {
  /** TCP (and TLS) connections the transport started. */
  readonly connectionsOpened: number;
  /** TLS secure contexts it built (at most one per transport). */
  readonly secureContextsBuilt: number;
}

/**
 * Sends one HTTP request. Rejects only when no HTTP response was received; the error (or its `cause`)
 * should carry a Node/undici `code` such as ECONNREFUSED so the retry policy can classify it.
 */
export interface OvhTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
  /** Optional connection counters. */
  stats?(): TransportStats;
}

export interface UndiciTransportOptions {
  /** PEM text, or a path to a PEM file, of a CA trusted in addition to the system roots. */
  readonly ca?: string;
  /** Connect timeout (TCP + TLS), in milliseconds. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Use this dispatcher instead of the transport's own pools (it is then not closed by `close()`). */
  readonly dispatcher?: Dispatcher;
  /** Names the CA setting in errors. */
  readonly caSettingName?: string;
  /**
   * Sockets kept per origin at most; requests beyond wait for a free one. The client passes its concurrency
   * limit, so the pool never opens a connection it cannot keep busy. Default (or Infinity): no cap.
   */
  readonly maxConnectionsPerOrigin?: number;
  /** How long an idle socket is kept (capped by the server's own keep-alive hint). Default 10 s. */
  readonly keepAliveTimeoutMs?: number;
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

/**
 * undici already names response headers in lower case; only repeated headers (arrays) need joining, so the
 * object is returned as is when there are none.
 */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  let plain = true;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== "string" || name !== name.toLowerCase()) {
      plain = false;
      break;
    }
  }
  if (plain) return headers as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export class UndiciTransport implements OvhTransport {
  private readonly external: Dispatcher | undefined;
  private readonly pools = new Map<string, Pool>();
  private readonly extraCa: string | undefined;
  private readonly connectTimeoutMs: number;
  private readonly maxConnections: number | null;
  private readonly keepAliveTimeoutMs: number;
  private plainConnector: buildConnector.connector | undefined;
  private tlsConnector: buildConnector.connector | undefined;
  private opened = 0;
  private contexts = 0;
  private closing = false;

  constructor(options: UndiciTransportOptions = {}) {
    this.external = options.dispatcher;
    // Read (and validate) the CA now: a wrong path fails at configuration, not at the first request.
    this.extraCa =
      options.dispatcher || options.ca === undefined ? undefined : loadCa(options.ca, options.caSettingName);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const max = options.maxConnectionsPerOrigin;
    if (max !== undefined && !(max >= 1)) throw new RangeError("maxConnectionsPerOrigin must be ≥ 1");
    this.maxConnections = max === undefined || max === Infinity ? null : Math.floor(max);
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 10_000;
  }

  stats(): TransportStats {
    return { connectionsOpened: this.opened, secureContextsBuilt: this.contexts };
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = new URL(request.url);
    const response = await this.dispatcherFor(url.origin).request({
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
    this.closing = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private dispatcherFor(origin: string): Dispatcher {
    if (this.external) return this.external;
    let pool = this.pools.get(origin);
    if (!pool) {
      if (this.closing) throw Object.assign(new Error("the transport is closed"), { code: "UND_ERR_CLOSED" });
      pool = new Pool(origin, {
        connections: this.maxConnections,
        keepAliveTimeout: this.keepAliveTimeoutMs,
        keepAliveMaxTimeout: Math.max(60_000, this.keepAliveTimeoutMs),
        connect: (opts, callback) => this.connect(opts, callback),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Every socket goes through here: counted, and TLS ones share one secure context (and session cache). */
  private connect(opts: buildConnector.Options, callback: buildConnector.Callback): void {
    this.opened += 1;
    if (opts.protocol !== "https:") {
      this.plainConnector ??= buildConnector({ timeout: this.connectTimeoutMs });
      this.plainConnector(opts, callback);
      return;
    }
    if (!this.tlsConnector) {
      const secureContext = tls.createSecureContext(
        this.extraCa === undefined ? {} : { ca: [...tls.rootCertificates, this.extraCa] },
      );
      this.contexts += 1;
      this.tlsConnector = buildConnector({ timeout: this.connectTimeoutMs, secureContext });
    }
    this.tlsConnector(opts, callback);
  }
}
