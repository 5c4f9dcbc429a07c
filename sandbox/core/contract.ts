/**
 * The contract between the sandbox's HTTP core and its API-area modules (csp2, order, domain, ...).
 * Each area module exports `register(routes: Routes, ctx: SandboxContext): void` and keeps its data
 * in its own slice of `ctx.store.state`, a plain JSON-serialisable object (persisted with --data).
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** The authenticated caller: a v1 consumer key or an OAuth2 client. */
export interface Caller {
  readonly kind: "consumerKey" | "oauth2";
  readonly id: string;
}

export interface SandboxRequest {
  readonly method: Method;
  /** Path below `/1.0`, e.g. `/saas/csp2/acme-1`. */
  readonly path: string;
  /** Decoded path parameters named as in the route template, e.g. `{ serviceName: "acme-1" }`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body, `undefined` when the request had none. */
  readonly body: unknown;
  /** `null` on routes OVH serves without authentication. */
  readonly caller: Caller | null;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** What a handler returns is sent as JSON with status 200; `undefined` is sent as `null` (OVH's void). */
export type RouteHandler = (request: SandboxRequest) => unknown | Promise<unknown>;

export interface RouteOptions {
  /** Defaults to true. false for OVH's `noAuthentication` routes (auth/time, most cart routes). */
  readonly authenticated?: boolean;
  /** Served only when the sandbox runs with `--legacy`. */
  readonly legacyOnly?: boolean;
}

export interface Routes {
  /** `template` uses OVH's notation: `/saas/csp2/{serviceName}/subscription/{id}`. */
  add(method: Method, template: string, handler: RouteHandler, options?: RouteOptions): void;
}

/** An error answered in OVH's shape: `{ class, message, errorCode? , details? }` with the given status. */
export class OvhError extends Error {
  constructor(
    readonly status: number,
    readonly errorClass: string,
    message: string,
    readonly errorCode?: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string): OvhError =>
  new OvhError(404, "Client::NotFound", `The requested object (${what}) does not exist`);
export const badRequest = (message: string): OvhError => new OvhError(400, "Client::BadRequest", message);
export const conflict = (message: string): OvhError => new OvhError(409, "Client::Conflict", message);

export interface Clock {
  /** Sandbox time: real time plus whatever `/_sandbox/time/advance` added. */
  now(): number;
}

export interface Store {
  /** Whole persisted state; each area module owns one top-level key (`csp2`, `order`, `dns`, ...). */
  readonly state: Record<string, unknown>;
  /** Next value of a named id sequence (persisted), e.g. `nextId("task")`. */
  nextId(sequence: string): number;
  /** Persist now (no-op in memory mode). Called by the core after every mutating request. */
  save(): void;
}

export interface SandboxOptions {
  readonly legacy: boolean;
  /** Fidelity switches (see `FidelityOptions` in `sandbox/index.ts`). */
  readonly fidelity: Readonly<FidelityOptions>;
  /** How long an OfficeTask takes from `todo` to `done`. */
  readonly taskDelayMs: number;
  /** How long an order takes from `checking` to `delivered` (and a new tenant from `creating` to `ok`). */
  readonly orderDelayMs: number;
}

/** Behaviours of the real OVH API that the sandbox emulates only when asked, for clients' tests. */
export interface FidelityOptions {
  /** `requiredConfiguration` labels carry types other than `string` and `fields`, as OVH's model allows. */
  typedLabels: boolean;
  /** Body parameters a route does not declare are refused (400), as OVH does. */
  strictBody: boolean;
  /** Every field OVH's models declare nullable is answered `null`. */
  nullFields: boolean;
}

export interface SandboxContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly options: SandboxOptions;
}

/**
 * One API area of the sandbox (csp2, services, order, domain, price, ...), listed in `sandbox/areas/index.ts`.
 * Time-driven behaviour (tasks, order delivery, tenant creation) is applied lazily by `settle`, which the core
 * calls before every request, so `--data` persistence and `/_sandbox/time/advance` need no timers.
 */
export interface AreaModule {
  /** Also the key of this area's slice in `store.state`. */
  readonly name: string;
  /**
   * Checks the slice loaded from a `--data` file before anything else touches it (`undefined` when the file
   * has none yet); returns what is wrong, and the file is then refused untouched.
   */
  check?(slice: unknown): string | undefined;
  /** Create this area's empty slice if the store has none (every start, also with `--seed empty`). */
  init(ctx: SandboxContext): void;
  /** Fill this area's slice for `--seed default`; called once, on a store that was just created. */
  seedDefault?(ctx: SandboxContext): void;
  register(routes: Routes, ctx: SandboxContext): void;
  /** Apply every transition due at `ctx.clock.now()`. */
  settle?(ctx: SandboxContext): void;
  /**
   * Optional test-control routes, served without authentication under `/_sandbox` (templates are relative
   * to it, e.g. `/csp2/tenants/{serviceName}`); for out-of-band changes a person would make in a portal.
   */
  registerControl?(routes: Routes, ctx: SandboxContext): void;
}
