/**
 * A compact caller for the order/domain/price/conformance suites, on top of the shared sandbox test helpers:
 * `call` sends a signed (or, for `noAuthentication` routes, unsigned) OVH request and answers status and body.
 */
import { SandboxStartOptions } from "../../sandbox";
import { RunningSandbox, advance, rawRequest, signedRequest, startSandbox } from "./helpers";

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
  /** Calls a `/_sandbox` control route (any status is answered). */
  control: Caller;
  /** Moves sandbox time forward. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function openSandbox(options: SandboxStartOptions = {}): Promise<TestSandbox> {
  const sandbox = await startSandbox({ orderDelayMs: 4000, taskDelayMs: 1000, ...options });
  const call: Caller = async (method, path, body, opts) => {
    const reply = await signedRequest(sandbox, method, path, body, {
      // OVH clients send the application key on unsigned calls too (POST /auth/credential needs it)
      ...(opts?.unsigned ? { unsigned: true, headers: { "X-Ovh-Application": sandbox.applicationKey } } : {}),
      ...(opts?.consumerKey ? { consumerKey: opts.consumerKey } : {}),
    });
    return { status: reply.status, body: reply.body as never };
  };
  const control: Caller = async (method, path, body) => {
    const reply = await rawRequest({
      method,
      url: `${sandbox.controlUrl}${path}`,
      ...(body === undefined
        ? {}
        : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: reply.status, body: reply.body as never };
  };
  return {
    sandbox,
    call,
    control,
    advance: (ms) => advance(sandbox, ms),
    stop: () => sandbox.stop(),
  };
}
