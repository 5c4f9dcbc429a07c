/** Decision logic of the Subscription resource: input rules, diff, licence matching, order evidence. */
import { OvhApiError, OvhNetworkError } from "../../../provider/ovh/errors";
import type { OvhRequest, OvhRequester } from "../../../provider/ovh/request";
import { PartialCreateError } from "../../../provider/resources/errors";
import { isAcademicLicenceName, matchLicenceName, type Licence } from "../../../provider/resources/licences";
import {
  parseResourceId,
  subscriptionHandler as handler,
  type SubscriptionInputs,
  type SubscriptionOutputs,
} from "../../../provider/resources/subscription";
import { decideProduct } from "../../../provider/resources/orderOnce";
import { describeCandidates, type OrderIntent } from "../../../provider/resources/subscription/evidence";
import type { ResourceContext } from "../../../provider/resources/types";
import { UNKNOWN } from "../../../provider/resources/unknown";

const licence = (id: number, name: string, extra: Partial<Licence> = {}): Licence => ({
  id,
  name,
  type: "NON-SPECIFIC",
  limit: null,
  newSeatsAllowed: true,
  newSubscriptionsAllowed: true,
  academic: isAcademicLicenceName(name),
  ...extra,
});

const CATALOGUE = [
  licence(1, "Microsoft 365 Business Basic", { limit: 300 }),
  licence(2, "Microsoft 365 Business Standard"),
  licence(3, "Office 365 E1"),
  licence(4, "Office 365 E3"),
  licence(5, "Office 365 A1 for students"),
];

describe("check without OVH access (static rules)", () => {
  const base = { tenant: "csp2-1", licence: "Office 365 E1", quantity: 2 };

  test("applies defaults and accepts null for optional fields", async () => {
    const result = await handler.check({ ...base, parentSubscriptionId: null, __provider: "x" }, undefined);
    expect(result).toEqual({
      failures: [],
      inputs: { ...base, deletionPolicy: "cancel", academicEligibilityAcknowledged: false },
    });
  });

  test.each([
    [{ quantity: 0 }, "quantity", /at least 1 seat/],
    [{ quantity: -3 }, "quantity", /at least 1 seat/],
    [{ quantity: 1.5 }, "quantity", /whole number/],
    [{ quantity: "3" }, "quantity", /number of seats/],
    [{ tenant: "" }, "tenant", /service name/],
    [{ licence: undefined }, "licence", /licence or licenceId is required/],
    [{ licenceId: 7 }, "licence", /both set.*exactly one/],
    [{ deletionPolicy: "delete" }, "deletionPolicy", /"cancel".*"retain"/],
    [{ existingSubscriptionId: 0 }, "existingSubscriptionId", /positive/],
    [{ academicEligibilityAcknowledged: "yes" }, "academicEligibilityAcknowledged", /true or false/],
  ])("%j → failure on %s", async (change, property, reason) => {
    const result = await handler.check({ ...base, ...change }, undefined);
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual([
      expect.objectContaining({ property, reason: expect.stringMatching(reason) }),
    ]);
  });

  test("accepts the preview sentinel anywhere", async () => {
    const result = await handler.check(
      { tenant: UNKNOWN, licenceId: UNKNOWN, quantity: UNKNOWN, parentSubscriptionId: UNKNOWN },
      undefined,
    );
    expect(result.failures).toEqual([]);
  });
});

describe("diff (olds are outputs)", () => {
  const olds: SubscriptionOutputs = {
    tenant: "csp2-1",
    subscriptionId: 3000001,
    licenceId: 4,
    licenceName: "Office 365 E3",
    licenceType: "NON-SPECIFIC",
    licence: "office 365 e3",
    status: "active",
    quantity: 10,
    creationDate: "2026-01-01T00:00:00Z",
    lastUpdate: null,
    taskPendingId: null,
    parentSubscriptionId: null,
    existingSubscriptionId: null,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
    pendingOrderId: null,
    pendingOrderAt: null,
    pendingOrderTaskId: null,
    pendingOrderKnownSubscriptionIds: null,
    pendingOrderKnownTaskIds: null,
  };
  const news: SubscriptionInputs = {
    tenant: "csp2-1",
    licence: "office 365 e3",
    quantity: 10,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
  };
  const diff = (change: Partial<Record<keyof SubscriptionInputs, unknown>>) =>
    handler.diff("csp2-1/3000001", olds, { ...news, ...change } as SubscriptionInputs);

  test("unchanged → no change", () =>
    expect(diff({})).toEqual({ changes: false, replaces: [], changedKeys: [] }));
  test("quantity → in place", () =>
    expect(diff({ quantity: 12 })).toEqual({ changes: true, replaces: [], changedKeys: ["quantity"] }));
  test("licence name compared ignoring case with OVH's name → no replacement", () =>
    expect(diff({ licence: "OFFICE 365 E3" })).toEqual({
      changes: true,
      replaces: [],
      changedKeys: ["licence"],
    }));
  test("another licence name → replacement", () =>
    expect(diff({ licence: "Office 365 E1" }).replaces).toEqual(["licence"]));
  test("same licence by id instead of name → state only", () =>
    expect(diff({ licence: undefined, licenceId: 4 })).toEqual({
      changes: true,
      replaces: [],
      changedKeys: ["licenceId"],
    }));
  test("another licence id → replacement", () =>
    expect(diff({ licence: undefined, licenceId: 3 }).replaces).toEqual(["licenceId"]));
  test("tenant and parent → replacement", () => {
    expect(diff({ tenant: "csp2-2" }).replaces).toEqual(["tenant"]);
    expect(diff({ parentSubscriptionId: 5 }).replaces).toEqual(["parentSubscriptionId"]);
  });
  test("adopting another subscription → replacement; declaring the managed one → state only", () => {
    expect(diff({ existingSubscriptionId: 42 }).replaces).toEqual(["existingSubscriptionId"]);
    expect(diff({ existingSubscriptionId: 3000001 })).toEqual({
      changes: true,
      replaces: [],
      changedKeys: ["existingSubscriptionId"],
    });
  });
  test("deletionPolicy and academic flag → state only", () => {
    expect(diff({ deletionPolicy: "retain" })).toEqual({
      changes: true,
      replaces: [],
      changedKeys: ["deletionPolicy"],
    });
    expect(diff({ academicEligibilityAcknowledged: true }).replaces).toEqual([]);
  });
  test("an unconfirmed order always asks for update", () => {
    const pending = { ...olds, subscriptionId: null, pendingOrderId: "pending-order:csp2-1:4:1" };
    expect(handler.diff("pending-order:csp2-1:4:1", pending, news)).toMatchObject({
      changes: true,
      replaces: [],
    });
  });
  test("unknown quantity → a possible change; unknown identity (parent or tenant being created or replaced) → replacement", () => {
    expect(diff({ quantity: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(diff({ tenant: UNKNOWN })).toMatchObject({ changes: true, replaces: ["tenant"] });
    expect(diff({ licence: UNKNOWN })).toMatchObject({ changes: true, replaces: ["licence"] });
    expect(diff({ parentSubscriptionId: UNKNOWN })).toMatchObject({
      changes: true,
      replaces: ["parentSubscriptionId"],
    });
  });
});

describe("licences", () => {
  test("names match ignoring case and spacing", () => {
    expect(matchLicenceName(CATALOGUE, "  office   365 e3 ").match?.id).toBe(4);
  });
  test("unknown names suggest close ones", () => {
    expect(matchLicenceName(CATALOGUE, "Office 365 E5").suggestions).toEqual(
      expect.arrayContaining(["Office 365 E3", "Office 365 E1"]),
    );
    expect(matchLicenceName(CATALOGUE, "Busines Basic").suggestions[0]).toBe("Microsoft 365 Business Basic");
  });
  test("duplicate names are ambiguous", () => {
    expect(
      matchLicenceName([...CATALOGUE, licence(9, "office 365 E1")], "Office 365 E1").ambiguous,
    ).toHaveLength(2);
  });
  test.each([
    ["Office 365 A1 for students", true],
    ["Microsoft 365 A3 for faculty", true],
    ["Microsoft 365 A5", true],
    ["Office 365 Education", true],
    ["Academic Plus", true],
    ["Microsoft 365 Business Basic", false],
    ["Office 365 E3", false],
    ["Microsoft 365 F3", false],
  ])("academic(%s) = %s", (name, academic) => expect(isAcademicLicenceName(name)).toBe(academic));
});

describe("order evidence", () => {
  const intent: OrderIntent = {
    tenant: "t",
    licence: CATALOGUE[0] as Licence,
    quantity: 3,
    parentSubscriptionId: null,
  };
  const sub = (id: number, quantity: number, creationDate = "2026-01-01T00:00:10Z") => ({
    id,
    licenseId: 1,
    quantity,
    status: "active",
    creationDate,
    taskPendingId: 0,
  });
  const task = {
    id: 77,
    function: "createSubscription",
    status: "done",
    todoDate: "2026-01-01T00:00:00Z",
    finishDate: "2026-01-01T00:00:20Z",
  };
  const decide = (subs: ReturnType<typeof sub>[], sameOperation: boolean, orderTask?: typeof task) =>
    decideProduct(describeCandidates(intent, subs, orderTask), sameOperation);

  test("in the ordering operation: the only new subscription with the ordered seats is the product", () => {
    expect(decide([], true)).toMatchObject({ kind: "none" });
    expect(decide([sub(1, 3)], true)).toMatchObject({ kind: "ours", object: { id: 1 } });
    expect(decide([sub(1, 40), sub(2, 3)], true)).toMatchObject({ kind: "ours", object: { id: 2 } });
  });

  test("a subscription whose seat count contradicts the order is never taken, even when it is the only one", () => {
    const decision = decide([sub(1, 40)], true);
    expect(decision).toEqual({
      kind: "none",
      ignored: [expect.stringMatching(/subscription 1 .*40 seat\(s\) where 3 were ordered/)],
    });
  });

  test("never guesses between identical candidates", () => {
    expect(decide([sub(1, 3), sub(2, 3)], true)).toEqual({
      kind: "doubt",
      candidates: [expect.stringMatching(/^subscription 1 /), expect.stringMatching(/^subscription 2 /)],
    });
  });

  test("in a later run, a matching subscription without proof is a doubt, not an adoption", () => {
    expect(decide([sub(1, 3)], false)).toMatchObject({ kind: "doubt" });
  });

  test("proof: the only matching subscription created while the order's own task ran", () => {
    const inside = sub(1, 3, "2026-01-01T00:00:15Z");
    const later = sub(2, 3, "2026-01-01T05:00:00Z");
    expect(decide([inside, later], false, task)).toMatchObject({
      kind: "ours",
      object: { id: 1 },
      because: expect.stringMatching(/task 77/),
    });
    // Two created within the task's window: nothing is proven.
    expect(decide([inside, sub(3, 3, "2026-01-01T00:00:16Z")], false, task)).toMatchObject({ kind: "doubt" });
    // A date OVH gives without a time cannot prove anything.
    expect(decide([sub(4, 3, "not a date")], false, task)).toMatchObject({ kind: "doubt" });
  });

  test("resource ids", () => {
    expect(parseResourceId("csp2-100001/3000004")).toEqual({
      tenant: "csp2-100001",
      subscriptionId: 3000004,
    });
    expect(parseResourceId("pending-order:csp2-1:1001:1700000000000")).toBeUndefined();
    expect(parseResourceId("csp2-1/abc")).toBeUndefined();
  });
});

/** A tiny in-memory OVH: enough of /saas/csp2 to drive the pending-order rules without HTTP. */
class FakeCsp2 implements OvhRequester {
  readonly requests: string[] = [];
  subscriptions = new Map<number, { id: number; licenseId: number; quantity: number }>();
  pendingTasks: number[] = [];
  nextId = 100;

  async request<T>(req: OvhRequest): Promise<T> {
    this.requests.push(`${req.method} ${req.path}`);
    const path = req.path.replace(/^\/saas\/csp2\/t/, "");
    const reply = (value: unknown) => value as T;
    if (req.method === "GET" && path === "/subscription") return reply([...this.subscriptions.keys()]);
    if (req.method === "GET" && path === "/task") return reply(this.pendingTasks);
    const one = /^\/subscription\/(\d+)$/.exec(path);
    if (req.method === "GET" && one) {
      const s = this.subscriptions.get(Number(one[1]));
      if (!s)
        throw new OvhApiError({ status: 404, method: "GET", path: req.path, body: { message: "nope" } });
      return reply({ ...s, status: "active", creationDate: "2026-01-01T00:00:00Z", taskPendingId: 0 });
    }
    if (req.method === "GET" && /^\/orderableLicenses\/1$/.test(path))
      return reply({
        id: 1,
        licenceType: "NON-SPECIFIC",
        name: "Basic",
        newSeatsAllowed: true,
        newSubscriptionsAllowed: true,
      });
    if (req.method === "POST" && path === "/subscription") {
      const id = this.nextId++;
      const body = req.body as { licenseId: number; quantity: number };
      this.subscriptions.set(id, { id, ...body });
      return reply({
        id: 9000 + id,
        function: "createSubscription",
        status: "done",
        todoDate: "2026-01-01T00:00:00Z",
      });
    }
    throw new Error(`fake: unexpected ${req.method} ${req.path}`);
  }
}

describe("pending order rules (fake OVH)", () => {
  const news: SubscriptionInputs = {
    tenant: "t",
    licenceId: 1,
    quantity: 3,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
  };
  const pendingOlds = (orderedAt: string): SubscriptionOutputs => ({
    tenant: "t",
    subscriptionId: null,
    licenceId: 1,
    licenceName: "Basic",
    licenceType: "NON-SPECIFIC",
    licence: null,
    status: "orderPending",
    quantity: 3,
    creationDate: null,
    lastUpdate: null,
    taskPendingId: null,
    parentSubscriptionId: null,
    existingSubscriptionId: null,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
    pendingOrderId: "pending-order:t:1:1",
    pendingOrderAt: orderedAt,
    pendingOrderTaskId: null,
    pendingOrderKnownSubscriptionIds: [7],
    pendingOrderKnownTaskIds: [],
  });
  let fake: FakeCsp2;
  let ctx: ResourceContext;
  beforeEach(() => {
    fake = new FakeCsp2();
    fake.subscriptions.set(7, { id: 7, licenseId: 1, quantity: 3 }); // same licence, existed before the order
    ctx = { ovh: fake, operationTimeoutMs: 1_000 };
    process.env.OVH_OFFICE_ORDER_LOOK_WINDOW_MS = "0";
  });
  afterEach(() => {
    delete process.env.OVH_OFFICE_ORDER_LOOK_WINDOW_MS;
    delete process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS;
  });
  const posts = () => fake.requests.filter((line) => line.startsWith("POST"));

  test("a matching subscription appeared, with no proof it is this order's → stops naming it; nothing ordered or changed", async () => {
    fake.subscriptions.set(8, { id: 8, licenseId: 1, quantity: 3 });
    const error = await handler
      .update("pending-order:t:1:1", pendingOlds(new Date().toISOString()), news, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/subscription 8 \(3 seat\(s\)/);
    expect((error as Error).message).toMatch(/set existingSubscriptionId/);
    expect((error as Error).message).toMatch(/pulumi state delete/);
    expect(posts()).toEqual([]);
  });

  test("existingSubscriptionId names the product → settled in place, nothing ordered", async () => {
    fake.subscriptions.set(18, { id: 18, licenseId: 1, quantity: 3 });
    const outs = await handler.update(
      "pending-order:t:1:1",
      pendingOlds(new Date().toISOString()),
      { ...news, existingSubscriptionId: 18 },
      ctx,
    );
    expect(outs).toMatchObject({ subscriptionId: 18, pendingOrderId: null });
    expect(posts()).toEqual([]);
  });

  test("naming the product of a pending order is an update, not a replacement", () => {
    const olds = pendingOlds(new Date().toISOString());
    expect(handler.diff("pending-order:t:1:1", olds, { ...news, existingSubscriptionId: 18 })).toMatchObject({
      replaces: [],
      changedKeys: ["existingSubscriptionId"],
    });
  });

  test("no trace within the grace period → refused, nothing ordered", async () => {
    await expect(
      handler.update("pending-order:t:1:1", pendingOlds(new Date().toISOString()), news, ctx),
    ).rejects.toThrow(/still unconfirmed/);
    expect(posts()).toEqual([]);
  });

  test("an order-like task still pending → waited for, never reordered; what it made is not taken without proof", async () => {
    fake.pendingTasks = [55];
    const original = fake.request.bind(fake);
    let looks = 0;
    fake.request = async <T>(req: OvhRequest): Promise<T> => {
      if (req.path === "/saas/csp2/t/task/55") {
        looks += 1;
        if (looks >= 2) {
          fake.pendingTasks = [];
          fake.subscriptions.set(9, { id: 9, licenseId: 1, quantity: 3 });
        }
        fake.requests.push(`GET ${req.path}`);
        return {
          id: 55,
          function: "createSubscription",
          status: looks >= 2 ? "done" : "doing",
          todoDate: "2026-01-01T00:00:00Z",
        } as T;
      }
      return original(req);
    };
    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    await expect(
      handler.update("pending-order:t:1:1", pendingOlds("2020-01-01T00:00:00Z"), news, ctx),
    ).rejects.toThrow(/subscription 9 .*Nothing proves/);
    expect(looks).toBeGreaterThanOrEqual(2);
    expect(posts()).toEqual([]);
  });

  test("no trace after the grace period → ordered once again", async () => {
    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    const outs = await handler.update("pending-order:t:1:1", pendingOlds("2020-01-01T00:00:00Z"), news, ctx);
    expect(outs.subscriptionId).toBe(100);
    expect(posts()).toEqual(["POST /saas/csp2/t/subscription"]);
  });

  test("read keeps an unconfirmed order; delete refuses to forget it within the grace period", async () => {
    const olds = pendingOlds(new Date().toISOString());
    const read = await handler.read("pending-order:t:1:1", olds, ctx);
    expect(read).toMatchObject({ id: "pending-order:t:1:1", props: olds });
    await expect(handler.delete("pending-order:t:1:1", olds, ctx)).rejects.toThrow(/Cannot delete/);
    expect(posts()).toEqual([]);
  });

  test("a look that fails during create keeps the order as pending (PartialCreateError)", async () => {
    const original = fake.request.bind(fake);
    fake.request = async <T>(req: OvhRequest): Promise<T> => {
      if (req.method === "POST") {
        await original(req);
        throw new OvhNetworkError({
          method: "POST",
          path: req.path,
          reason: "reset",
          mayHaveReachedServer: true,
        });
      }
      if (req.path === "/saas/csp2/t/subscription" && fake.requests.some((r) => r.startsWith("POST")))
        throw new OvhNetworkError({
          method: "GET",
          path: req.path,
          reason: "down",
          mayHaveReachedServer: true,
        });
      return original(req);
    };
    const error = await handler.create(news, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError<SubscriptionOutputs>).properties).toMatchObject({
      subscriptionId: null,
      pendingOrderKnownSubscriptionIds: [7],
    });
  });
});

/** A catalogue-only OVH (tenant `t`), with duplicate names on demand and a settable clock (OVH's, for dates). */
class FakeCatalogue implements OvhRequester {
  readonly requests: string[] = [];
  now = Date.parse("2026-01-05T00:00:00Z");
  readonly licences = new Map<number, string>([
    [11, "Alpha Suite"],
    [12, "Beta Suite"],
  ]);

  async serverNow(): Promise<number> {
    return this.now;
  }

  async request<T>(req: OvhRequest): Promise<T> {
    this.requests.push(`${req.method} ${req.path}`);
    const path = req.path.replace(/^\/saas\/csp2\/t/, "");
    if (req.method === "GET" && path === "/orderableLicenses") return [...this.licences.keys()] as T;
    const one = /^\/orderableLicenses\/(\d+)$/.exec(path);
    const name = one ? this.licences.get(Number(one[1])) : undefined;
    if (req.method === "GET" && one && name !== undefined)
      return {
        id: Number(one[1]),
        name,
        licenceType: "NON-SPECIFIC",
        limit: 50,
        newSeatsAllowed: true,
        newSubscriptionsAllowed: true,
      } as T;
    if (req.method === "GET" && one)
      throw new OvhApiError({ status: 404, method: "GET", path: req.path, body: { message: "nope" } });
    throw new Error(`fake: unexpected ${req.method} ${req.path}`);
  }
}

describe("check keeps what it learned at OVH for the next run (fake OVH)", () => {
  const PURCHASE = "2026-01-01T00:00:00.000Z";
  const declared = { tenant: "t", licence: "alpha  suite", quantity: 5 };
  const stored = (known: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    ...declared,
    deletionPolicy: "cancel",
    academicEligibilityAcknowledged: false,
    knownAtOvh: known,
    ...more,
  });
  let fake: FakeCatalogue;
  let ctx: ResourceContext;
  beforeEach(() => {
    fake = new FakeCatalogue();
    ctx = { ovh: fake };
  });
  /** The same check on a fresh OVH client with no state: what the messages were before any id was kept. */
  const withoutState = async (raw: Record<string, unknown>) => {
    const other = new FakeCatalogue();
    for (const [id, name] of fake.licences) other.licences.set(id, name);
    return handler.check(raw, { ovh: other });
  };

  test("a new subscription: the catalogue resolves the name; the checked inputs keep the licence id", async () => {
    const result = await handler.check(declared, ctx);
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ knownAtOvh: { licenceId: 11 } });
    expect(fake.requests).toContain("GET /saas/csp2/t/orderableLicenses");
  });

  test("a seat change: 1 GET of the licence by its id in state (name still matching), the date from state", async () => {
    const olds = stored({ licenceId: 11, subscriptionId: 3, purchaseDate: PURCHASE });
    const result = await handler.check({ ...declared, quantity: 7 }, ctx, olds);
    expect(result.failures).toEqual([]);
    expect(fake.requests).toEqual(["GET /saas/csp2/t/orderableLicenses/11"]);
    expect(result.notes?.[0]).toMatch(/5 → 7 \(\+2\).*increase billed at least until 2026-02-01/);
    expect(result.inputs).toMatchObject({
      knownAtOvh: { licenceId: 11, subscriptionId: 3, purchaseDate: PURCHASE },
    });
  });

  test("the licence's limit and flags come from that read: above the limit is refused as before", async () => {
    const olds = stored({ licenceId: 11, purchaseDate: PURCHASE });
    const raw = { ...declared, quantity: 51 };
    const result = await handler.check(raw, ctx, olds);
    expect(fake.requests).toEqual(["GET /saas/csp2/t/orderableLicenses/11"]);
    expect(result.failures).toEqual([expect.objectContaining({ property: "quantity" })]);
    expect(result.failures).toEqual((await withoutState(raw)).failures);
  });

  test("inputs unchanged: no call, and the facts stay in the checked inputs", async () => {
    const olds = stored({ licenceId: 11, subscriptionId: 3, purchaseDate: PURCHASE });
    const result = await handler.check(declared, ctx, olds);
    expect(fake.requests).toEqual([]);
    expect(result.inputs).toEqual(olds);
  });

  test("the licence renamed at OVH: the catalogue decides, with the messages of a check without state", async () => {
    fake.licences.set(11, "Alpha Suite (legacy)");
    fake.licences.set(13, "Alpha Suite");
    const olds = stored({ licenceId: 11, purchaseDate: PURCHASE });
    const result = await handler.check({ ...declared, quantity: 6 }, ctx, olds);
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ knownAtOvh: { licenceId: 13, purchaseDate: PURCHASE } });
    expect(fake.requests).toContain("GET /saas/csp2/t/orderableLicenses");

    fake = new FakeCatalogue(); // the next run
    fake.licences.set(11, "Alpha Suite (legacy)");
    fake.licences.set(13, "Alpha Suite");
    fake.licences.set(14, "ALPHA suite"); // now two licences carry the declared name
    const ambiguous = await handler.check({ ...declared, quantity: 6 }, { ovh: fake }, olds);
    expect(ambiguous.failures).toEqual([
      expect.objectContaining({ property: "licence", reason: expect.stringMatching(/several licences/) }),
    ]);
    expect(ambiguous.failures).toEqual((await withoutState({ ...declared, quantity: 6 })).failures);
  });

  test("the id in state gone (404), or another name declared: the catalogue decides, same refusals", async () => {
    const gone = stored({ licenceId: 99, purchaseDate: PURCHASE });
    const found = await handler.check({ ...declared, quantity: 6 }, ctx, gone);
    expect(found.failures).toEqual([]);
    expect(found.inputs).toMatchObject({ knownAtOvh: { licenceId: 11 } });

    const typo = { ...declared, licence: "Alpha Suit", quantity: 6 };
    const refused = await handler.check(typo, { ovh: new FakeCatalogue() }, stored({ licenceId: 11 }));
    expect(refused.failures).toEqual([
      expect.objectContaining({
        property: "licence",
        reason: expect.stringMatching(/Did you mean "Alpha Suite"/),
      }),
    ]);
    expect(refused.failures).toEqual((await withoutState(typo)).failures);
  });

  test("a replacement (another tenant) uses neither the licence id nor the purchase date", async () => {
    const olds = stored({ licenceId: 11, purchaseDate: PURCHASE }, { tenant: "other" });
    const result = await handler.check({ ...declared, quantity: 6 }, ctx, olds);
    expect(result.failures).toEqual([]);
    expect(fake.requests[0]).toBe("GET /saas/csp2/t/orderableLicenses");
    expect(result.inputs).toEqual(expect.objectContaining({ knownAtOvh: { licenceId: 11 } }));
  });

  test("commitment windows are judged on OVH's clock: a decrease refused once OVH's time is past the window", async () => {
    const olds = stored({ licenceId: 11, purchaseDate: PURCHASE });
    fake.now = Date.parse("2026-01-06T00:00:00Z"); // 5 days after the purchase
    const inside = await handler.check({ ...declared, quantity: 4 }, ctx, olds);
    expect(inside.failures).toEqual([]);
    expect(inside.notes?.[0]).toMatch(/decrease allowed until 2026-01-08/);
    fake.now = Date.parse("2026-01-10T00:00:00Z"); // 9 days after: whatever this machine's clock says
    const outside = await handler.check({ ...declared, quantity: 4 }, ctx, olds);
    expect(outside.failures).toEqual([
      expect.objectContaining({
        property: "quantity",
        reason: expect.stringMatching(/window for decreases after purchase or renewal closed on 2026-01-08/),
      }),
    ]);
  });
});
