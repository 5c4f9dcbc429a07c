/**
 * Shared helpers of the integration suites: the provider's real OVH client talking over HTTP to an in-process
 * sandbox, plus typed access to the sandbox's `/_sandbox` control routes (call log, out-of-band edits, faults,
 * task failures, clock).
 *
 * Typical use:
 *
 *   let env: TestSandbox;
 *   beforeAll(async () => { env = await startTestSandbox(); });
 *   afterAll(() => env.stop());
 *   beforeEach(() => env.control.clearCalls());
 *   ...
 *   expect(await env.control.mutatingCalls()).toEqual([]);
 */
import { createOvhClient, resolveOvhConfig, type OvhClient, type OvhClientOptions } from "../../provider/ovh";
import type { ResourceContext, ResourceLog } from "../../provider/resources/types";
import {
  fidelityFromEnvironment,
  startSandbox,
  type RunningSandbox,
  type SandboxStartOptions,
} from "../../sandbox";
import type { FaultKind } from "../../sandbox/core/server";

/** One entry of the sandbox call log (`GET /_sandbox/calls`). */
export interface LoggedCall {
  readonly method: string;
  /** Path below `/1.0` (or the OAuth2 token path). */
  readonly path: string;
  readonly query: string;
  /** HTTP status sent, null when the connection was dropped. */
  readonly status: number | null;
  readonly caller: string | null;
  readonly timestamp: string;
  /** The fault injected into this call, if any. */
  readonly fault?: string;
}

/** The sandbox's fault kinds, as its control API accepts them. */
export type { FaultKind };

export interface FaultSpec {
  /**
   * reset: drop the connection without acting; status: answer a 5xx without acting; commitThenReset /
   * commitThenStatus: carry out the request, then drop the connection / answer a 5xx ("lost response");
   * commitThenUnreadable: carry out the request, then answer its status with an HTML page (unreadable 2xx);
   * latency: delay; rateLimit: 429 with Retry-After.
   */
  readonly kind: FaultKind;
  /** Glob over the path below `/1.0` (`*` matches anything, e.g. `/saas/csp2/<star>/subscription`). Default: all. */
  readonly path?: string;
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  /** How many matching calls the fault applies to (default 1). */
  readonly times?: number;
  /** For status / commitThenStatus (5xx, default 500) and rateLimit. */
  readonly status?: number;
  readonly latencyMs?: number;
  readonly retryAfter?: number;
}

/** `GET /_sandbox/state`: every area's slice under `state` (`csp2`, `order`, `dns`, ...). */
export interface SandboxDump {
  readonly sequences?: Record<string, number>;
  readonly state: Record<string, unknown>;
}

/** Typed client of the sandbox's test-control routes. */
export class SandboxControl {
  constructor(readonly baseUrl: string) {}

  /** Any control route, e.g. `request("POST", "/csp2/tenants", {...})`. Throws on a non-2xx answer. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`sandbox control ${method} ${path} failed: HTTP ${response.status} ${text}`);
    return (text === "" ? null : JSON.parse(text)) as T;
  }

  // ----------------------------------------------------------------------------------------- call log

  /** The calls received since the last clear, optionally filtered by path glob and method. */
  calls(filter: { path?: string; method?: string } = {}): Promise<LoggedCall[]> {
    const query = new URLSearchParams();
    if (filter.path !== undefined) query.set("path", filter.path);
    if (filter.method !== undefined) query.set("method", filter.method);
    const suffix = query.size > 0 ? `?${query.toString()}` : "";
    return this.request<LoggedCall[]>("GET", `/calls${suffix}`);
  }

  /** The calls that could change something at OVH (everything but GET; the OAuth2 token request excluded). */
  async mutatingCalls(filter: { path?: string } = {}): Promise<LoggedCall[]> {
    return (await this.calls(filter)).filter(
      (call) => call.method !== "GET" && !call.path.startsWith("/auth/"),
    );
  }

  /** `"POST /saas/csp2/x/subscription"` lines of the mutating calls: compact for `toEqual`. */
  async mutatingCallLines(filter: { path?: string } = {}): Promise<string[]> {
    return (await this.mutatingCalls(filter)).map((call) => `${call.method} ${call.path}`);
  }

  clearCalls(): Promise<void> {
    return this.request("DELETE", "/calls").then(() => undefined);
  }

  // -------------------------------------------------------------------------------------- faults, time

  addFault(spec: FaultSpec): Promise<unknown> {
    return this.request("POST", "/faults", spec);
  }

  clearFaults(): Promise<void> {
    return this.request("DELETE", "/faults").then(() => undefined);
  }

  /** Moves the sandbox clock forward (tasks and orders settle lazily on the next request). */
  advanceTime(ms: number): Promise<unknown> {
    return this.request("POST", "/time/advance", { ms });
  }

  /** The whole sandbox store: id sequences and every area's state slice (for assertions and debugging). */
  state(): Promise<SandboxDump> {
    return this.request("GET", "/state");
  }

  // ------------------------------------------------------------------------------------- csp2 control

  /** The next csp2 task matching the rule ends in `error` without effect. */
  failNextTask(
    rule: { serviceName?: string; function?: string; subscriptionId?: number } = {},
  ): Promise<unknown> {
    return this.request("POST", "/csp2/tasks/fail-next", rule);
  }

  /** Creates a tenant out of band (status `ok` unless the sandbox has an order delay). */
  createTenant(
    fields: Record<string, unknown> = {},
  ): Promise<{ serviceName: string } & Record<string, unknown>> {
    return this.request("POST", "/csp2/tenants", fields);
  }

  /** Out-of-band tenant edit (contact fields, `status`, `mpnIssueFlag`). */
  editTenant(serviceName: string, fields: Record<string, unknown>): Promise<unknown> {
    return this.request("PUT", `/csp2/tenants/${encodeURIComponent(serviceName)}`, fields);
  }

  /** Creates a subscription out of band (no task, no call log entry under /1.0). */
  addSubscription(
    serviceName: string,
    fields: { licenseId: number; quantity: number; parentId?: number; status?: string },
  ): Promise<{ id: number } & Record<string, unknown>> {
    return this.request("POST", `/csp2/tenants/${encodeURIComponent(serviceName)}/subscriptions`, fields);
  }

  /** Out-of-band subscription edit (`quantity`, `status`). */
  editSubscription(
    serviceName: string,
    subscriptionId: number,
    fields: { quantity?: number; status?: string },
  ): Promise<unknown> {
    return this.request(
      "PUT",
      `/csp2/tenants/${encodeURIComponent(serviceName)}/subscriptions/${subscriptionId}`,
      fields,
    );
  }

  /** Removes a subscription out of band (and its add-ons). */
  removeSubscription(serviceName: string, subscriptionId: number): Promise<unknown> {
    return this.request(
      "DELETE",
      `/csp2/tenants/${encodeURIComponent(serviceName)}/subscriptions/${subscriptionId}`,
    );
  }

  /** Out-of-band licence catalogue edit (flags and limit). */
  editLicence(
    licenceId: number,
    fields: { newSeatsAllowed?: boolean; newSubscriptionsAllowed?: boolean; limit?: number | null },
  ): Promise<unknown> {
    return this.request("PUT", `/csp2/licences/${licenceId}`, fields);
  }
}

/** Log lines the provider wrote, by level. */
export interface CapturedLog extends ResourceLog {
  readonly infos: string[];
  readonly warnings: string[];
}

export function captureLog(): CapturedLog {
  const infos: string[] = [];
  const warnings: string[] = [];
  return {
    infos,
    warnings,
    info: (message) => infos.push(message),
    warn: (message) => warnings.push(message),
  };
}

export interface ContextOptions {
  /** ResourceContext.operationTimeoutMs (default 20 s). */
  readonly operationTimeoutMs?: number;
  /** Per-request timeout of the client (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** Retries of the client for safe requests (default 1, keeps fault tests fast). */
  readonly maxRetries?: number;
  readonly clientOptions?: OvhClientOptions;
}

export interface TestContext {
  readonly ctx: ResourceContext;
  readonly client: OvhClient;
  readonly log: CapturedLog;
}

/** A ResourceContext with a REAL client (v1 signing) on the sandbox, without client-side rate limit. */
export function contextFor(sandbox: RunningSandbox, options: ContextOptions = {}): TestContext {
  const config = resolveOvhConfig({
    explicit: {
      endpoint: sandbox.url,
      applicationKey: sandbox.applicationKey,
      applicationSecret: sandbox.applicationSecret,
      consumerKey: sandbox.consumerKey,
      apiRateLimit: 0,
      apiMaxConcurrency: 32,
      apiTimeoutMs: options.requestTimeoutMs ?? 5_000,
      apiMaxRetries: options.maxRetries ?? 1,
      ...(sandbox.caCertPath ? { caCertPath: sandbox.caCertPath } : {}),
    },
    env: {},
  });
  const client = createOvhClient(config, { backoff: { baseMs: 20, capMs: 100 }, ...options.clientOptions });
  const log = captureLog();
  const ctx: ResourceContext = { ovh: client, operationTimeoutMs: options.operationTimeoutMs ?? 20_000, log };
  return { ctx, client, log };
}

export interface TestSandboxOptions extends SandboxStartOptions, ContextOptions {
  /** Environment variables set while the sandbox runs (restored by stop()). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface TestSandbox extends TestContext {
  readonly sandbox: RunningSandbox;
  readonly control: SandboxControl;
  /** Another context (new client, fresh caches), e.g. to simulate the next `pulumi up` process. */
  newContext(options?: ContextOptions): TestContext;
  stop(): Promise<void>;
}

/** Poll fast: the provider's poller reads these at call time. */
export const FAST_POLLING_ENV: Readonly<Record<string, string>> = {
  OVH_OFFICE_POLL_FIRST_DELAY_MS: "20",
  OVH_OFFICE_POLL_MAX_DELAY_MS: "200",
};

function setEnv(values: Readonly<Record<string, string>>): () => void {
  const previous = Object.keys(values).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/**
 * Starts an in-process sandbox (default seed, tasks of 150 ms, orders of 300 ms) and a real client on it, with
 * fast polling. `stop()` closes the client and the server and restores the environment.
 */
export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const { env, operationTimeoutMs, requestTimeoutMs, maxRetries, clientOptions, ...sandboxOptions } = options;
  const restoreEnv = setEnv({ ...FAST_POLLING_ENV, ...env });
  const sandbox = await startSandbox({
    taskDelayMs: 150,
    orderDelayMs: 300,
    // Sandbox fidelity switches (OVH_SANDBOX_FIDELITY=typedLabels,strictBody,nullFields,realisticDelays|all).
    ...fidelityFromEnvironment(process.env["OVH_SANDBOX_FIDELITY"]),
    ...sandboxOptions,
  });
  const contextOptions: ContextOptions = {
    ...(operationTimeoutMs === undefined ? {} : { operationTimeoutMs }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(clientOptions === undefined ? {} : { clientOptions }),
  };
  const first = contextFor(sandbox, contextOptions);
  const clients: OvhClient[] = [first.client];
  return {
    ...first,
    sandbox,
    control: new SandboxControl(sandbox.controlUrl),
    newContext(more = {}) {
      const next = contextFor(sandbox, { ...contextOptions, ...more });
      clients.push(next.client);
      return next;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await sandbox.stop();
      restoreEnv();
    },
  };
}

/** The seeded default data's tenants, found by display name (ids depend on the seed order). */
export async function seededTenants(control: SandboxControl): Promise<Record<string, string>> {
  const { state } = await control.state();
  const csp2 = state["csp2"] as { tenants: Record<string, { serviceName: string; displayName: string }> };
  return Object.fromEntries(Object.values(csp2.tenants).map((t) => [t.displayName, t.serviceName]));
}
