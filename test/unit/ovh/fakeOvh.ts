/** A real local HTTP server standing in for OVH in the client's wire tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LimiterClock } from "../../../provider/ovh/limiter";
import { resolveOvhConfig, type OvhSettings, type ResolvedOvhConfig } from "../../../provider/ovh/config";

export interface Recorded {
  readonly method: string;
  /** Path and query string as received. */
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface FakeServer {
  readonly server: Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `http://127.0.0.1:<port>/1.0` */
  readonly baseUrl: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

export async function startFakeOvh(handler: Handler, port = 0): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const rec: Recorded = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res, raw)).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    baseUrl: `http://127.0.0.1:${actual}/1.0`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it (bound then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const AK = "test-application-key";
export const AS = "test-application-SECRET-5f2a9c";
export const CK = "test-consumer-KEY-77b1e04d";
export const CLIENT_ID = "test-client-id";
export const CLIENT_SECRET = "test-client-SECRET-c0ffee42";

/** A v1 config against `baseUrl` with the client-side rate limit off (tests set their own limits). */
export function v1Config(baseUrl: string, extra: Partial<OvhSettings> = {}): ResolvedOvhConfig {
  return resolveOvhConfig({
    explicit: {
      endpoint: baseUrl,
      applicationKey: AK,
      applicationSecret: AS,
      consumerKey: CK,
      apiRateLimit: 0,
      ...extra,
    },
    env: {},
  });
}

export function oauth2Config(baseUrl: string, extra: Partial<OvhSettings> = {}): ResolvedOvhConfig {
  return resolveOvhConfig({
    explicit: {
      endpoint: baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      apiRateLimit: 0,
      ...extra,
    },
    env: {},
  });
}

/** Records the delays the client asked to sleep, without sleeping. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

/** A manual clock: time moves only through `advance`. */
export class FakeClock implements LimiterClock {
  time = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = (): number => this.time;
  setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.time + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      due.live = false;
      due.fn();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
