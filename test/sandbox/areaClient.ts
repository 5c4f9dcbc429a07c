/**
 * A small OVH v1 caller for the order/domain/price/conformance suites: starts an in-process sandbox and sends
 * signed (or, for `noAuthentication` routes, unsigned) requests, answering status and parsed body.
 */
import { createHash } from "node:crypto";
import { RunningSandbox, SandboxStartOptions, startSandbox } from "../../sandbox";

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

export type Caller = <T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  options?: { unsigned?: boolean; consumerKey?: string },
) => Promise<Reply<T>>;

export interface TestSandbox {
  sandbox: RunningSandbox;
  call: Caller;
  /** Calls a `/_sandbox` control route. */
  control: Caller;
  /** Moves sandbox time forward. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function openSandbox(options: SandboxStartOptions = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ orderDelayMs: 4000, taskDelayMs: 1000, ...options });
  const send = async (url: string, method: string, body: unknown, headers: Record<string, string>) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const res = await fetch(url, {
      method,
      headers: { ...headers, ...(text ? { "Content-Type": "application/json" } : {}) },
      ...(text ? { body: text } : {}),
    });
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = raw === "" ? null : JSON.parse(raw);
    } catch {
      // keep the raw text
    }
    return { status: res.status, body: parsed as never };
  };
  /** Server time minus local time, in seconds, as OVH clients keep it (refreshed when time moves). */
  let delta = 0;
  const syncTime = async () => {
    const reply = await send(`${sandbox.url}/auth/time`, "GET", undefined, {});
    delta = Number(reply.body) - Math.round(Date.now() / 1000);
  };
  const call: Caller = async (method, path, body, options) => {
    const url = `${sandbox.url}${path}`;
    const headers: Record<string, string> = { "X-Ovh-Application": sandbox.applicationKey };
    if (!options?.unsigned) {
      const timestamp = String(Math.round(Date.now() / 1000) + delta);
      const text = body === undefined ? "" : JSON.stringify(body);
      const consumerKey = options?.consumerKey ?? sandbox.consumerKey;
      const signature = createHash("sha1")
        .update([sandbox.applicationSecret, consumerKey, method, url, text, timestamp].join("+"), "utf8")
        .digest("hex");
      headers["X-Ovh-Consumer"] = consumerKey;
      headers["X-Ovh-Timestamp"] = timestamp;
      headers["X-Ovh-Signature"] = `$1$${signature}`;
    }
    return send(url, method, body, headers);
  };
  const control: Caller = (method, path, body) => send(`${sandbox.controlUrl}${path}`, method, body, {});
  return {
    sandbox,
    call,
    control,
    advance: async (ms) => {
      const reply = await control("POST", "/time/advance", { ms });
      if (reply.status !== 200) throw new Error(`time/advance failed: ${JSON.stringify(reply.body)}`);
      await syncTime();
    },
    stop: () => sandbox.stop(),
  };
}
