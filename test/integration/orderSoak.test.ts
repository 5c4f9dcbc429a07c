/**
 * Fault soak of the Subscription and Office365ResellerTenant handlers against the sandbox over real HTTP.
 *
 * Each cycle declares two subscriptions of the SAME licence in a fresh tenant (the case where one resource could
 * take the other's subscription) and drives them the way the Pulumi engine does: create both, change both seat
 * counts, delete both. Every operation that fails is retried on the next "run" (a new client and no in-memory
 * claims, like a new `pulumi up`), with the state the engine would keep: nothing after a failed create, the
 * partial state after a PartialCreateError, the old state after a failed update or delete. While faults are on,
 * a seeded generator spoils mutating calls (refused before sending, 503, OVH's 429 or a proxy's 429 page without
 * acting, reset / 502 /
 * unreadable 200 after OVH acted) and some reads; the last runs of each step are fault-free so the step settles.
 *
 * When the provider stops rather than guess (a DoubtfulProductError: an order whose answer was lost and whose
 * product it cannot prove), the harness does what the error tells the user to do: it reads the candidates, and
 * sets `existingSubscriptionId` to the one with this resource's declared seats (seat counts differ between the two
 * resources, so a person could tell them apart too). Those stops are counted.
 *
 * After each step the invariants users rely on are checked against the sandbox's own state:
 * no double order (no live subscription that no resource holds), nothing lost (every created resource holds a
 * live subscription), no foreign seat change (every resource's subscription has its declared seats and no two
 * resources share one), no orphan after delete.
 *
 * Size: `SOAK_CYCLES` (default 4) and `SOAK_SEED` (default 1) for the bounded run in `npm test`; e.g.
 * `SOAK_CYCLES=48 SOAK_SEED=7 npx jest test/integration/orderSoak.test.ts` for a long one. Figures are printed.
 */
import { PartialCreateError } from "../../provider/resources/errors";
import { forgetClaims } from "../../provider/resources/orderOnce";
import { tenantHandler, type TenantInputs, type TenantOutputs } from "../../provider/resources/tenant";
import {
  subscriptionHandler as handler,
  type SubscriptionInputs,
  type SubscriptionOutputs,
} from "../../provider/resources/subscription";
import {
  UndiciTransport,
  type OvhTransport,
  type TransportRequest,
  type TransportResponse,
} from "../../provider/ovh/transport";
import { PROXY_PAGE } from "./garblingTransport";
import { startTestSandbox, type TestContext, type TestSandbox } from "./support";

const CYCLES = positiveInt(process.env.SOAK_CYCLES, 4);
const SEED = positiveInt(process.env.SOAK_SEED, 1);
const BUSINESS_BASIC = 1001;
/** Chance that a mutating call (order, seat change, cancel) is spoiled while faults are on. */
const MUTATION_FAULT_RATE = 0.5;
/** Chance that a read is spoiled while faults are on (the client retries reads once in these tests). */
const READ_FAULT_RATE = 0.08;
/** Runs per step with faults on, then fault-free runs until the step settles (at most). */
const FAULTY_RUNS = 3;
const MAX_RUNS = 8;

function positiveInt(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type MutationFault =
  | "notSent"
  | "status503"
  | "status429"
  | "proxy429"
  | "commitThenReset"
  | "commitThen502"
  | "commitThenUnreadable";
const MUTATION_FAULTS: readonly MutationFault[] = [
  "notSent",
  "status503",
  "status429",
  "proxy429",
  "commitThenReset",
  "commitThen502",
  "commitThenUnreadable",
];

function networkError(code: string): Error {
  return Object.assign(new Error(`soak: ${code}`), { code });
}

function ovhError(status: number, message: string): TransportResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-ovh-queryid": `EU.soak.${status}` },
    body: JSON.stringify({ class: "Server::SoakFault", message }),
  };
}

/** A real transport to the sandbox that spoils calls while `on` is true (on `faultyPaths` only). */
class FaultyTransport implements OvhTransport {
  on = false;
  faultyPaths: RegExp = /\/saas\/csp2\//;
  readonly injected = new Map<string, number>();
  private readonly inner: UndiciTransport;

  constructor(
    caCertPath: string | undefined,
    private readonly random: () => number,
  ) {
    this.inner = new UndiciTransport(caCertPath ? { ca: caCertPath } : {});
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const path = new URL(request.url).pathname;
    if (!this.on || !this.faultyPaths.test(path)) return this.inner.send(request);
    if (request.method === "GET") {
      if (this.random() >= READ_FAULT_RATE) return this.inner.send(request);
      this.count("read503");
      return ovhError(503, "soak: read unavailable");
    }
    if (this.random() >= MUTATION_FAULT_RATE) return this.inner.send(request);
    const fault = MUTATION_FAULTS[Math.floor(this.random() * MUTATION_FAULTS.length)] as MutationFault;
    this.count(fault);
    switch (fault) {
      case "notSent":
        throw networkError("ECONNREFUSED");
      case "status503":
        return ovhError(503, "soak: unavailable, nothing done");
      case "status429":
        return { ...ovhError(429, "soak: too many requests"), headers: { "retry-after": "0" } };
      case "proxy429":
        return {
          status: 429,
          headers: { "content-type": "text/html" },
          body: "<html>Too many requests</html>",
        };
      case "commitThenReset":
        await this.inner.send(request);
        throw networkError("ECONNRESET");
      case "commitThen502":
        await this.inner.send(request);
        return ovhError(502, "soak: bad gateway after acting");
      case "commitThenUnreadable": {
        const answer = await this.inner.send(request);
        return { ...answer, headers: { "content-type": "text/html" }, body: PROXY_PAGE };
      }
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  get total(): number {
    let sum = 0;
    for (const n of this.injected.values()) sum += n;
    return sum;
  }

  private count(kind: string): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
  }
}

/** What the engine keeps in state for one resource. */
interface Held {
  readonly name: string;
  quantity: number;
  /** Set by the simulated user after a DoubtfulProductError, as its message says. */
  existingSubscriptionId?: number;
  id?: string;
  outs?: SubscriptionOutputs;
}

interface Figures {
  cycles: number;
  operations: number;
  failedAttempts: number;
  doubtStops: number;
  userResolutions: number;
  doubleOrders: number;
  lost: number;
  foreignSeatChanges: number;
  orphans: number;
  unsettled: number;
}

let env: TestSandbox;
let transport: FaultyTransport;
const random = seededRandom(SEED);

beforeAll(async () => {
  env = await startTestSandbox({
    env: { OVH_OFFICE_ORDER_LOOK_WINDOW_MS: "300", OVH_OFFICE_PENDING_ORDER_GRACE_MS: "0" },
  });
  transport = new FaultyTransport(env.sandbox.caCertPath, random);
});
afterAll(async () => {
  await transport.close();
  await env.stop();
});

/** A new `pulumi up`: a new client on the faulty transport, and nothing remembered from the previous run. */
function newRun(): TestContext {
  forgetClaims();
  return env.newContext({ clientOptions: { transport }, maxRetries: 1 });
}

async function liveSubscriptions(tenant: string): Promise<Map<number, number>> {
  const { state } = await env.control.state();
  const csp2 = state["csp2"] as {
    subscriptions: Record<string, { id: number; serviceName: string; quantity: number; status?: string }>;
  };
  return new Map(
    Object.values(csp2.subscriptions)
      .filter((s) => s.serviceName === tenant && s.status !== "deleted" && s.status !== "cancelled")
      .map((s) => [s.id, s.quantity]),
  );
}

function inputsOf(tenant: string, held: Held): SubscriptionInputs {
  return {
    tenant,
    licenceId: BUSINESS_BASIC,
    quantity: held.quantity,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
    ...(held.existingSubscriptionId === undefined
      ? {}
      : { existingSubscriptionId: held.existingSubscriptionId }),
  };
}

/** What a person does with a DoubtfulProductError: name the candidate with the seats they declared. */
function resolveAsTheUserWould(held: Held, error: Error & { candidates?: readonly string[] }): boolean {
  const mine = (error.candidates ?? [])
    .map((label) => /^subscription (\d+) \((\d+) seat/.exec(label))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === held.quantity);
  if (mine.length !== 1) return false;
  held.existingSubscriptionId = Number((mine[0] as RegExpExecArray)[1]);
  return true;
}

/** Counters every soak keeps about the runs it drives. */
interface RunCounts {
  operations: number;
  failedAttempts: number;
  unsettled: number;
}

/**
 * Runs one step for every resource until each succeeds, as successive `pulumi up`s would: each run is a new
 * process (new client, no claims), faults are on for the first runs only, the engine diffs every resource before
 * stepping, and sandbox time moves on between runs so that what a run started finishes before the next.
 */
async function runUntilSettled<R extends { readonly name: string }>(options: {
  readonly resources: readonly R[];
  readonly diffAll: () => void;
  readonly step: (held: R, run: TestContext) => Promise<void>;
  readonly onFailure?: (held: R, error: unknown) => void;
  readonly advanceMs: number;
  readonly counts: RunCounts;
}): Promise<void> {
  const { resources, counts } = options;
  const open = new Set(resources);
  for (let run = 1; run <= MAX_RUNS && open.size > 0; run += 1) {
    transport.on = run <= FAULTY_RUNS;
    const ctx = newRun();
    options.diffAll();
    for (const held of [...open]) {
      counts.operations += 1;
      try {
        await options.step(held, ctx);
        open.delete(held);
      } catch (error) {
        counts.failedAttempts += 1;
        options.onFailure?.(held, error);
        if (process.env.SOAK_VERBOSE)
          console.log(
            `run ${run} ${held.name}: ${error instanceof Error ? error.message.slice(0, 400) : String(error)}`,
          );
      }
    }
    transport.on = false;
    await env.control.advanceTime(options.advanceMs);
  }
  counts.unsettled += open.size;
}

/**
 * The subscription soak's runs: a DoubtfulProductError (the provider refusing to guess) is counted and settled
 * the way its message tells the user to.
 */
function converge(
  step: (held: Held, ctx: TestContext) => Promise<void>,
  resources: Held[],
  figures: Figures,
): Promise<void> {
  return runUntilSettled({
    resources,
    // The engine diffs every resource of the program before stepping.
    diffAll: () => {
      for (const held of resources)
        if (held.id && held.outs) handler.diff(held.id, held.outs, inputsOf(held.outs.tenant, held));
    },
    step,
    onFailure: (held, error) => {
      if (error instanceof Error && error.name === "DoubtfulProductError") {
        figures.doubtStops += 1;
        if (resolveAsTheUserWould(held, error)) figures.userResolutions += 1;
      }
    },
    advanceMs: 5_000, // tasks and orders started in a run finish before the next
    counts: figures,
  });
}

async function checkHeld(tenant: string, resources: Held[], figures: Figures): Promise<void> {
  const live = await liveSubscriptions(tenant);
  const held = resources.map((r) => r.outs?.subscriptionId ?? null);
  const ids = held.filter((id): id is number => id !== null);
  figures.lost += held.filter((id) => id === null || !live.has(id)).length;
  figures.doubleOrders += [...live.keys()].filter((id) => !ids.includes(id)).length;
  figures.foreignSeatChanges += new Set(ids).size < ids.length ? 1 : 0;
  for (const r of resources) {
    const id = r.outs?.subscriptionId;
    if (typeof id === "number" && live.has(id) && live.get(id) !== r.quantity)
      figures.foreignSeatChanges += 1;
  }
}

test(`subscription fault soak: ${CYCLES} create / seat change / delete cycles, seed ${SEED}`, async () => {
  transport.faultyPaths = /\/saas\/csp2\//;
  const figures: Figures = {
    cycles: 0,
    operations: 0,
    failedAttempts: 0,
    doubtStops: 0,
    userResolutions: 0,
    doubleOrders: 0,
    lost: 0,
    foreignSeatChanges: 0,
    orphans: 0,
    unsettled: 0,
  };
  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    const tenant = (await env.control.createTenant({ displayName: `Soak ${SEED}-${cycle}` })).serviceName;
    await env.control.advanceTime(5_000);
    // Distinct seat counts: a resource can always tell its own product from the other's.
    const resources: Held[] = [
      { name: "a", quantity: 5 + cycle },
      { name: "b", quantity: 40 + cycle },
    ];

    await converge(
      async (held, run) => {
        const news = inputsOf(tenant, held);
        try {
          const result =
            held.id && held.outs
              ? { id: held.id, outs: await handler.update(held.id, held.outs, news, run.ctx) }
              : await handler.create(news, run.ctx);
          held.id = result.id;
          held.outs = result.outs;
        } catch (error) {
          if (error instanceof PartialCreateError) {
            held.id = error.id;
            held.outs = error.properties as SubscriptionOutputs;
          }
          throw error;
        }
      },
      resources,
      figures,
    );
    await checkHeld(tenant, resources, figures);

    for (const held of resources) held.quantity += 3;
    await converge(
      async (held, run) => {
        const outs = held.outs as SubscriptionOutputs;
        try {
          held.outs = await handler.update(held.id as string, outs, inputsOf(tenant, held), run.ctx);
        } catch (error) {
          if (error instanceof PartialCreateError) held.outs = error.properties as SubscriptionOutputs;
          throw error;
        }
      },
      resources,
      figures,
    );
    await checkHeld(tenant, resources, figures);

    await converge(
      async (held, run) => {
        await handler.delete(held.id as string, held.outs as SubscriptionOutputs, run.ctx);
      },
      resources,
      figures,
    );
    figures.orphans += (await liveSubscriptions(tenant)).size;
    figures.cycles += 1;
  }

  const injected = Object.fromEntries([...transport.injected.entries()].sort());
  console.log(
    `order soak (seed ${SEED}): ${JSON.stringify({ ...figures, faultsInjected: transport.total, injected })}`,
  );
  expect(transport.total).toBeGreaterThan(0);
  expect(figures).toMatchObject({
    cycles: CYCLES,
    doubleOrders: 0,
    lost: 0,
    foreignSeatChanges: 0,
    orphans: 0,
    unsettled: 0,
  });
  // Every stop was one a person could settle from the message alone.
  expect(figures.userResolutions).toBe(figures.doubtStops);
}, 600_000);

/** What the engine keeps in state for one tenant resource. */
interface HeldTenant {
  readonly name: string;
  displayName: string;
  readonly email: string;
  id?: string;
  outs?: TenantOutputs;
  deleted?: boolean;
}

const TENANT_CYCLES = positiveInt(process.env.SOAK_TENANT_CYCLES, Math.max(1, Math.ceil(CYCLES / 2)));

function tenantInputs(held: HeldTenant): TenantInputs {
  return {
    mpnId: "7654321",
    displayName: held.displayName,
    contact: {
      firstName: "Jane",
      lastName: "Doe",
      email: held.email,
      phone: "+33.123456789",
      address: "1 rue de la Paix",
      city: "Paris",
      zipCode: "75002",
      country: "FR",
    },
    ovhSubsidiary: "FR",
    waiveRetractationPeriod: false,
    deletionPolicy: "deleteAtExpiration",
  } as TenantInputs;
}

async function sandboxOrders(): Promise<number> {
  const { state } = await env.control.state();
  return Object.keys((state["order"] as { orders: Record<string, unknown> }).orders).length;
}

/** The services the sandbox has marked `deleteAtExpiration`, by resource name. */
async function scheduledForDeletion(): Promise<Set<string>> {
  const { state } = await env.control.state();
  const slice = state["services"] as {
    services: Record<string, { resourceName: string; deleteAtExpiration: boolean }>;
  };
  return new Set(
    Object.values(slice.services)
      .filter((s) => s.deleteAtExpiration)
      .map((s) => s.resourceName),
  );
}

async function sandboxTenants(): Promise<Map<string, { displayName: string }>> {
  const { state } = await env.control.state();
  const csp2 = state["csp2"] as { tenants: Record<string, { serviceName: string; displayName: string }> };
  return new Map(Object.values(csp2.tenants).map((t) => [t.serviceName, { displayName: t.displayName }]));
}

test(`tenant fault soak: ${TENANT_CYCLES} order / update / delete cycles of two tenants, seed ${SEED}`, async () => {
  // The billing point (the checkout), the account's orders (looked up after a lost checkout answer), the tenant
  // and its billing settings. The free cart-filling calls before the checkout stay fault-free: their failures
  // only delete the cart (tested elsewhere) and would keep the soak from ever reaching the checkout.
  transport.faultyPaths =
    /(\/order\/cart\/[^/]+\/checkout|\/me\/order(\/.*)?|\/saas\/csp2\/[^/]+(\/serviceInfos)?)$/;
  const figures = {
    cycles: 0,
    operations: 0,
    failedAttempts: 0,
    doubleOrders: 0,
    lost: 0,
    takenOver: 0,
    unsettled: 0,
    notDeleted: 0,
  };
  for (let cycle = 0; cycle < TENANT_CYCLES; cycle += 1) {
    const ordersBefore = await sandboxOrders();
    const tenantsBefore = new Set((await sandboxTenants()).keys());
    const resources: HeldTenant[] = ["a", "b"].map((name) => ({
      name,
      displayName: `Soak ${SEED}-${cycle} ${name}`,
      email: `soak-${SEED}-${cycle}-${name}@northwind.example`,
    }));
    const converge = (step: (held: HeldTenant, run: TestContext) => Promise<void>): Promise<void> =>
      runUntilSettled({
        resources,
        diffAll: () => {
          for (const held of resources)
            if (held.id && held.outs) tenantHandler.diff(held.id, held.outs, tenantInputs(held));
        },
        step,
        advanceMs: 60_000, // orders are delivered and tenants leave "creating"
        counts: figures,
      });

    await converge(async (held, run) => {
      const news = tenantInputs(held);
      try {
        const result =
          held.id && held.outs
            ? { id: held.id, outs: await tenantHandler.update(held.id, held.outs, news, run.ctx) }
            : await tenantHandler.create(news, run.ctx);
        held.id = result.id;
        held.outs = result.outs;
      } catch (error) {
        if (error instanceof PartialCreateError) {
          held.id = error.id;
          held.outs = error.properties as TenantOutputs;
        }
        throw error;
      }
    });
    for (const held of resources) held.displayName += " (renamed)";
    await converge(async (held, run) => {
      held.outs = await tenantHandler.update(
        held.id as string,
        held.outs as TenantOutputs,
        tenantInputs(held),
        run.ctx,
      );
    });
    const live = await sandboxTenants();
    const fresh = [...live.keys()].filter((name) => !tenantsBefore.has(name));
    const held = resources.map((r) => r.outs?.serviceName ?? null);
    figures.doubleOrders += Math.max(0, (await sandboxOrders()) - ordersBefore - resources.length);
    figures.doubleOrders += fresh.filter((name) => !held.includes(name)).length;
    figures.lost += held.filter((name) => name === null || !live.has(name)).length;
    figures.takenOver += new Set(held).size < held.length ? 1 : 0;
    for (const r of resources) {
      const name = r.outs?.serviceName;
      if (name && live.get(name)?.displayName !== r.displayName) figures.takenOver += 1;
    }

    await converge(async (h, run) => {
      await tenantHandler.delete(h.id as string, h.outs as TenantOutputs, run.ctx);
      h.deleted = true;
    });
    // The sandbox's own billing records, not the API: under OVH_SANDBOX_FIDELITY=nullFields the API may answer
    // `renew: null`, which says nothing about what the provider set.
    const scheduled = await scheduledForDeletion();
    for (const r of resources) {
      const name = r.outs?.serviceName;
      if (name && !scheduled.has(name)) figures.notDeleted += 1;
    }
    figures.cycles += 1;
  }
  transport.on = false;
  console.log(
    `tenant soak (seed ${SEED}): ${JSON.stringify({ ...figures, faultsInjected: transport.total })}`,
  );
  expect(figures).toMatchObject({
    cycles: TENANT_CYCLES,
    doubleOrders: 0,
    lost: 0,
    takenOver: 0,
    unsettled: 0,
    notDeleted: 0,
  });
}, 600_000);
