/**
 * Subscription resource against the sandbox over HTTP with the real client. Every test asserts what the sandbox
 * RECEIVED (its call log), above all the number of mutating calls.
 */
import { PartialCreateError } from "../../provider/resources/errors";
import { forgetLicenceCatalogues } from "../../provider/resources/licences";
import {
  subscriptionHandler as handler,
  type SubscriptionInputs,
  type SubscriptionOutputs,
} from "../../provider/resources/subscription";
import type { ResourceContext } from "../../provider/resources/types";
import { UNKNOWN } from "../../provider/resources/unknown";
import {
  getBillingPeriodPeaks,
  getOrderableLicences,
  getUsageStatistics,
} from "../../provider/resources/lookups";
import { forgetClaims } from "../../provider/resources/orderOnce";
import { garblingTransport } from "./garblingTransport";
import { seededTenants, startTestSandbox, type TestSandbox } from "./support";

const L = {
  businessBasic: 1001,
  businessStandard: 1002,
  businessPremium: 1003,
  a1Students: 1013,
  e1Legacy: 1017,
  teamsEssentials: 1018,
  exchangeArchiving: 2001,
  intuneP1: 2005,
};

let env: TestSandbox;
let tenant: string;

beforeAll(async () => {
  env = await startTestSandbox({ env: { OVH_OFFICE_ORDER_LOOK_WINDOW_MS: "800" } });
});
afterAll(() => env.stop());

beforeEach(async () => {
  tenant = (await env.control.createTenant({ displayName: "Subscription test" })).serviceName;
  await settle(); // the new tenant leaves "creating"
  await env.control.clearFaults();
  await env.control.clearCalls();
  delete process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS;
});

function inputs(overrides: Record<string, unknown>): Record<string, unknown> {
  return { tenant, quantity: 3, ...overrides };
}

async function checked(
  raw: Record<string, unknown>,
  ctx: ResourceContext = env.ctx,
): Promise<SubscriptionInputs> {
  const result = await handler.check(raw, ctx);
  expect(result.failures).toEqual([]);
  return result.inputs as SubscriptionInputs;
}

async function mutating(): Promise<string[]> {
  return env.control.mutatingCallLines();
}

async function tenantSubscriptions(
  serviceName = tenant,
): Promise<Array<{ id: number; licenseId: number; quantity: number }>> {
  const { state } = await env.control.state();
  const csp2 = state["csp2"] as {
    subscriptions: Record<string, { id: number; serviceName: string; licenseId: number; quantity: number }>;
  };
  return Object.values(csp2.subscriptions)
    .filter((s) => s.serviceName === serviceName)
    .map(({ id, licenseId, quantity }) => ({ id, licenseId, quantity }));
}

async function settle(): Promise<void> {
  await env.control.advanceTime(1_000);
}

describe("check refuses before anything is billed", () => {
  const refusals: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
    [
      "quantity not a positive integer",
      () => inputs({ licence: "Microsoft 365 Business Basic", quantity: 0 }),
      "quantity",
      /at least 1/,
    ],
    [
      "quantity not an integer",
      () => inputs({ licence: "Microsoft 365 Business Basic", quantity: 2.5 }),
      "quantity",
      /whole number/,
    ],
    [
      "both licence and licenceId",
      () => inputs({ licence: "Microsoft 365 Business Basic", licenceId: L.businessBasic }),
      "licence",
      /licenceId/,
    ],
    ["neither licence nor licenceId", () => inputs({}), "licence", /licenceId/],
    [
      "quantity above the licence limit",
      () => inputs({ licence: "Microsoft 365 Business Basic", quantity: 301 }),
      "quantity",
      /limit of 300/,
    ],
    [
      "unknown licence name",
      () => inputs({ licence: "Microsoft 365 Busines Basic" }),
      "licence",
      /Did you mean "Microsoft 365 Business Basic"/,
    ],
    [
      "unknown licence id",
      () => inputs({ licenceId: 999 }),
      "licenceId",
      /not orderable.*Microsoft 365 Business Basic/s,
    ],
    [
      "licence closed to new subscriptions",
      () => inputs({ licenceId: L.e1Legacy }),
      "licenceId",
      /newSubscriptionsAllowed/,
    ],
    [
      "academic licence without acknowledgement",
      () => inputs({ licence: "office 365 a1 for STUDENTS" }),
      "academicEligibilityAcknowledged",
      /eligible/,
    ],
    ["add-on without parent", () => inputs({ licenceId: L.intuneP1 }), "parentSubscriptionId", /add-on/],
  ];

  test.each(refusals)(
    "%s: failure names the property, no mutating call",
    async (_name, raw, property, reason) => {
      const result = await handler.check(raw(), env.ctx);
      expect(result.failures.map((f) => f.property)).toContain(property);
      expect(result.failures.find((f) => f.property === property)?.reason).toMatch(reason);
      expect(await mutating()).toEqual([]);
    },
  );

  test("add-on not available on its parent lists what is", async () => {
    const parent = await env.control.addSubscription(tenant, { licenseId: L.businessPremium, quantity: 2 });
    await env.control.clearCalls();
    const result = await handler.check(
      inputs({ licence: "Microsoft Intune Plan 1", parentSubscriptionId: parent.id }),
      env.ctx,
    );
    expect(result.failures).toEqual([
      expect.objectContaining({ property: "licence", reason: expect.stringMatching(/Teams Phone Standard/) }),
    ]);
    expect(await mutating()).toEqual([]);
  });

  test("seat increase refused when the licence takes no new seats (previous quantity from olds)", async () => {
    const raw = inputs({ licenceId: L.teamsEssentials, quantity: 6 });
    const result = await handler.check(raw, env.ctx, { ...raw, quantity: 5 });
    expect(result.failures).toEqual([
      expect.objectContaining({
        property: "quantity",
        reason: expect.stringMatching(/no longer accepts new seats/),
      }),
    ]);
    const decrease = await handler.check({ ...raw, quantity: 4 }, env.ctx, { ...raw, quantity: 5 });
    expect(decrease.failures).toEqual([]);
    expect(await mutating()).toEqual([]);
  });

  test("an existing subscription of a closed licence still checks (no new order)", async () => {
    const raw = inputs({ licenceId: L.e1Legacy, quantity: 4 });
    expect((await handler.check(raw, env.ctx, raw)).failures).toEqual([]);
  });

  test("a tenant not created yet (unknown in preview): the licence is checked against the account's catalogue, with GETs only", async () => {
    await env.control.clearCalls();
    const result = await handler.check({ tenant: UNKNOWN, licence: "nope", quantity: 3 }, env.ctx);
    expect(result.failures).toEqual([
      expect.objectContaining({
        property: "licence",
        reason: expect.stringMatching(
          /no orderable licence is named "nope".*the new tenant does not exist yet/,
        ),
      }),
    ]);
    const above = await handler.check(
      { tenant: UNKNOWN, licence: "Microsoft 365 Business Basic", quantity: 301 },
      env.ctx,
    );
    expect(above.failures).toEqual([expect.objectContaining({ property: "quantity" })]);
    const ok = await handler.check(
      { tenant: UNKNOWN, licence: "Microsoft 365 Business Basic", quantity: 3 },
      env.ctx,
    );
    expect(ok.failures).toEqual([]);
    expect(ok.notes?.[0]).toMatch(
      /new subscription of 3 seats of "Microsoft 365 Business Basic": \+\d+\.\d\d €\/month/,
    );
    expect(await mutating()).toEqual([]);
  });

  test("unknown values (preview) skip the rules they decide: no call for an unknown licence", async () => {
    await env.control.clearCalls();
    const result = await handler.check({ tenant, licence: UNKNOWN, quantity: 3 }, env.ctx);
    expect(result.failures).toEqual([]);
    expect(await env.control.calls()).toEqual([]);
  });

  test("inputs unchanged since the last run: check makes no OVH call (a no-op preview costs nothing)", async () => {
    const raw = inputs({ licence: "Microsoft 365 Business Basic", quantity: 3 });
    const previous = await checked(raw);
    const fresh = env.newContext(); // no catalogue cached
    await env.control.clearCalls();
    const again = await handler.check(raw, fresh.ctx, { ...previous });
    expect(again).toEqual({ inputs: previous, failures: [] });
    expect(await env.control.calls()).toEqual([]);
    // Any change runs the live rules again, and still refuses what OVH would refuse.
    const above = await handler.check({ ...raw, quantity: 301 }, fresh.ctx, { ...previous });
    expect(above.failures).toEqual([expect.objectContaining({ property: "quantity" })]);
    expect((await env.control.calls()).length).toBeGreaterThan(0);
  });

  test("the catalogue is listed once per tenant and client (no N+1 across subscriptions)", async () => {
    const ctx = env.newContext().ctx;
    await env.control.clearCalls();
    for (const licence of [
      "Microsoft 365 Business Basic",
      "Microsoft 365 Business Standard",
      "Office 365 E1",
    ])
      await checked(inputs({ licence }), ctx);
    await checked(inputs({ licenceId: L.businessPremium }), ctx);
    const lists = await env.control.calls({ path: `/saas/csp2/${tenant}/orderableLicenses` });
    expect(lists).toHaveLength(1);
    const all = await env.control.calls({ path: `/saas/csp2/${tenant}/orderableLicenses*` });
    expect(all.length).toBe(1 + 23);
  });

  test("create re-runs the live rules before ordering (check was skipped in preview)", async () => {
    const news = await checked({ tenant, licence: UNKNOWN, quantity: 3 });
    await expect(handler.create({ ...news, licence: "Office 365 A1 for students" }, env.ctx)).rejects.toThrow(
      /academicEligibilityAcknowledged/,
    );
    expect(await mutating()).toEqual([]);
  });
});

describe("create", () => {
  test("orders once and finds the new id among several same-licence subscriptions", async () => {
    const a = await env.control.addSubscription(tenant, { licenseId: L.businessStandard, quantity: 3 });
    const b = await env.control.addSubscription(tenant, { licenseId: L.businessStandard, quantity: 3 });
    const news = await checked(inputs({ licence: "microsoft 365 business standard" }));
    const { id, outs } = await handler.create(news, env.ctx);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
    expect(outs.subscriptionId).not.toBeNull();
    expect([a.id, b.id]).not.toContain(outs.subscriptionId);
    expect(id).toBe(`${tenant}/${outs.subscriptionId}`);
    expect(outs).toMatchObject({
      tenant,
      licenceId: L.businessStandard,
      licenceName: "Microsoft 365 Business Standard",
      licence: "microsoft 365 business standard",
      quantity: 3,
      deletionPolicy: "cancel",
      pendingOrderId: null,
    });
    expect(JSON.parse(JSON.stringify(outs))).toEqual(outs);
  });

  test("concurrent creates of the same licence get distinct subscriptions, one order each", async () => {
    const news = await checked(inputs({ licenceId: L.businessBasic, quantity: 2 }));
    const results = await Promise.all([1, 2, 3].map(() => handler.create(news, env.ctx)));
    const ids = results.map((r) => r.outs.subscriptionId);
    expect(new Set(ids).size).toBe(3);
    expect(await mutating()).toEqual(Array(3).fill(`POST /saas/csp2/${tenant}/subscription`));
  });

  test("add-on: orderAddon on the parent, id taken from the parent's add-ons", async () => {
    const parent = await handler.create(await checked(inputs({ licenceId: L.businessStandard })), env.ctx);
    const parentId = parent.outs.subscriptionId as number;
    await env.control.clearCalls();
    const news = await checked(
      inputs({
        licence: "Exchange Online Archiving for Exchange Online",
        parentSubscriptionId: parentId,
        quantity: 2,
      }),
    );
    const { outs } = await handler.create(news, env.ctx);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription/${parentId}/orderAddon`]);
    expect(outs).toMatchObject({
      licenceId: L.exchangeArchiving,
      licenceType: "ADDON",
      parentSubscriptionId: parentId,
      quantity: 2,
    });
    const addons = await env.ctx.ovh.request<number[]>({
      method: "GET",
      path: `/saas/csp2/${tenant}/subscription/${parentId}/addonsSubscriptionIds`,
    });
    expect(addons).toEqual([outs.subscriptionId]);
  });

  test("adoption orders nothing and keeps the live quantity (the next diff shows the change)", async () => {
    const existing = await env.control.addSubscription(tenant, { licenseId: L.businessPremium, quantity: 7 });
    await env.control.clearCalls();
    const news = await checked(
      inputs({ licenceId: L.businessPremium, quantity: 9, existingSubscriptionId: existing.id }),
    );
    await env.control.clearCalls(); // the check above read it too; count create's calls only
    const ctx = env.newContext();
    const { id, outs } = await handler.create(news, ctx.ctx);
    expect(await mutating()).toEqual([]);
    expect(
      await env.control.calls({ path: `/saas/csp2/${tenant}/subscription/${existing.id}` }),
    ).toHaveLength(1);
    expect(id).toBe(`${tenant}/${existing.id}`);
    expect(outs.quantity).toBe(7);
    expect(ctx.log.warnings.join("\n")).toMatch(/7 seats; 9 are declared/);
    expect(handler.diff(id, outs, news)).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["quantity"],
    });
  });

  test("adoption of a subscription of another licence is refused", async () => {
    const existing = await env.control.addSubscription(tenant, { licenseId: L.businessPremium, quantity: 7 });
    const result = await handler.check(
      inputs({ licenceId: L.businessBasic, existingSubscriptionId: existing.id }),
      env.ctx,
    );
    expect(result.failures).toEqual([
      expect.objectContaining({
        property: "existingSubscriptionId",
        reason: expect.stringMatching(/Business Premium/),
      }),
    ]);
  });

  test("a task ending in error fails with the task id and function, and records nothing", async () => {
    await env.control.failNextTask({ serviceName: tenant, function: "createSubscription" });
    const news = await checked(inputs({ licenceId: L.businessBasic }));
    const error = await handler.create(news, env.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect((error as Error).message).toMatch(/task \d+ \(createSubscription\) on tenant .* "error"/);
    expect((error as Error).message).toContain(tenant);
    expect(await tenantSubscriptions()).toEqual([]);
  });

  test("a short timeout fails clearly and keeps the accepted order; the next update adopts it", async () => {
    const short = env.newContext({ operationTimeoutMs: 30 });
    const news = await checked(inputs({ licenceId: L.businessBasic }));
    const error = (await handler
      .create(news, short.ctx)
      .catch((e: unknown) => e)) as PartialCreateError<SubscriptionOutputs>;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error.message).toMatch(/Timed out/);
    expect(error.message).toMatch(/never sent twice/);
    expect(error.properties.pendingOrderTaskId).toEqual(expect.any(Number));
    await settle();
    const outs = await handler.update(error.id, error.properties, news, env.newContext().ctx);
    expect(outs.subscriptionId).toEqual(expect.any(Number));
    expect(outs.pendingOrderId).toBeNull();
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
  });
});

describe("no double order when OVH's answer is lost", () => {
  for (const kind of ["commitThenReset", "commitThenStatus"] as const) {
    test(`${kind}: found within the same create, exactly one order`, async () => {
      await env.control.addFault({ kind, method: "POST", path: `/saas/csp2/${tenant}/subscription` });
      const news = await checked(inputs({ licenceId: L.businessBasic }));
      const { outs } = await handler.create(news, env.ctx);
      expect(outs.subscriptionId).toEqual(expect.any(Number));
      expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
      expect(await tenantSubscriptions()).toHaveLength(1);
    });

    test(`${kind} and OVH unreadable afterwards: failed create + next update = exactly one order`, async () => {
      await env.control.addFault({ kind, method: "POST", path: `/saas/csp2/${tenant}/subscription` });
      // The snapshot (GET subscription, GET task) works; the looks that follow cannot read tasks or subscriptions.
      for (const path of [`/saas/csp2/${tenant}/task/*`, `/saas/csp2/${tenant}/subscription/*`])
        await env.control.addFault({ kind: "status", status: 503, method: "GET", path, times: 50 });
      const news = await checked(inputs({ licenceId: L.businessBasic, quantity: 4 }));
      const error = (await handler
        .create(news, env.ctx)
        .catch((e: unknown) => e)) as PartialCreateError<SubscriptionOutputs>;
      expect(error).toBeInstanceOf(PartialCreateError);
      expect(error.id).toMatch(new RegExp(`^pending-order:${tenant}:${L.businessBasic}:\\d+$`));
      expect(error.properties).toMatchObject({
        subscriptionId: null,
        pendingOrderId: error.id,
        quantity: 4,
        status: "orderPending",
      });

      // Refresh in between keeps the marker (it never drops a pending order).
      const refreshed = await handler.read(error.id, error.properties, env.ctx);
      expect(refreshed.id).toBeDefined();

      await env.control.clearFaults();
      await settle();
      // The next `pulumi up`: a new process (fresh caches) calls update on the resource with an init error. The
      // order's answer was lost, so nothing ties the new subscription to it (another resource could have ordered
      // the same): it stops, naming the subscription and the way out, and changes nothing.
      const next = env.newContext();
      const [landed] = await tenantSubscriptions();
      const doubt = (await handler
        .update(error.id, error.properties, news, next.ctx)
        .catch((e: unknown) => e)) as Error;
      expect(doubt.message).toContain(`subscription ${landed?.id} (4 seat(s)`);
      expect(doubt.message).toMatch(/set existingSubscriptionId/);
      expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);

      // The user names it: settled in place (an update, not a replacement), still exactly one order.
      const named = { ...news, existingSubscriptionId: landed?.id as number };
      expect(handler.diff(error.id, error.properties, named).replaces).toEqual([]);
      const outs = await handler.update(error.id, error.properties, named, next.ctx);
      expect(outs).toMatchObject({ pendingOrderId: null, quantity: 4, licenceId: L.businessBasic });
      expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
      expect(await tenantSubscriptions()).toEqual([
        { id: outs.subscriptionId, licenseId: L.businessBasic, quantity: 4 },
      ]);
      // And a further update is state-only.
      await env.control.clearCalls();
      expect(handler.diff(error.id, outs, named).changes).toBe(false);
      await handler.update(error.id, outs, named, next.ctx);
      expect(await mutating()).toEqual([]);
    });
  }

  test("the sandbox's commitThenUnreadable fault on the order: not a refusal, exactly one order", async () => {
    await env.control.addFault({
      kind: "commitThenUnreadable",
      method: "POST",
      path: `/saas/csp2/${tenant}/subscription`,
    });
    const news = await checked(inputs({ licenceId: L.businessBasic, quantity: 6 }));
    const { outs } = await handler.create(news, env.ctx);
    expect(outs).toMatchObject({ subscriptionId: expect.any(Number), quantity: 6, pendingOrderId: null });
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
    expect(await tenantSubscriptions()).toEqual([
      { id: outs.subscriptionId, licenseId: L.businessBasic, quantity: 6 },
    ]);
  });

  test("an unreadable 2xx answer to the order (a proxy page) is not taken for a refusal: exactly one order", async () => {
    const transport = garblingTransport(env.sandbox.caCertPath);
    const garbling = env.newContext({ clientOptions: { transport } });
    transport.garbleNext((r) => r.method === "POST" && r.url.endsWith(`/saas/csp2/${tenant}/subscription`));
    const news = await checked(inputs({ licenceId: L.businessBasic, quantity: 4 }));
    const { outs } = await handler.create(news, garbling.ctx);
    expect(transport.garbled).toBe(1);
    expect(outs).toMatchObject({ subscriptionId: expect.any(Number), quantity: 4, pendingOrderId: null });
    expect(garbling.log.warnings.join("\n")).toMatch(/may have taken it/);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
    expect(await tenantSubscriptions()).toEqual([
      { id: outs.subscriptionId, licenseId: L.businessBasic, quantity: 4 },
    ]);
    await transport.close();
  });

  test("request dropped before OVH acted: no reorder within the grace period, one reorder after it", async () => {
    await env.control.addFault({ kind: "reset", method: "POST", path: `/saas/csp2/${tenant}/subscription` });
    const news = await checked(inputs({ licenceId: L.businessBasic }));
    const error = (await handler
      .create(news, env.ctx)
      .catch((e: unknown) => e)) as PartialCreateError<SubscriptionOutputs>;
    expect(error).toBeInstanceOf(PartialCreateError);

    await expect(handler.update(error.id, error.properties, news, env.ctx)).rejects.toThrow(
      /still unconfirmed.*Nothing was ordered again/s,
    );
    await expect(handler.delete(error.id, error.properties, env.ctx)).rejects.toThrow(/Cannot delete .* yet/);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]); // the dropped one only

    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    const outs = await handler.update(error.id, error.properties, news, env.ctx);
    expect(outs.subscriptionId).toEqual(expect.any(Number));
    expect(await mutating()).toEqual(Array(2).fill(`POST /saas/csp2/${tenant}/subscription`));
    expect(await tenantSubscriptions()).toHaveLength(1);
  });

  test("lost add-on order is recovered from the parent's add-ons", async () => {
    const parent = await env.control.addSubscription(tenant, { licenseId: L.businessStandard, quantity: 5 });
    await env.control.addFault({
      kind: "commitThenReset",
      method: "POST",
      path: `/saas/csp2/${tenant}/subscription/*/orderAddon`,
    });
    const news = await checked(inputs({ licenceId: L.exchangeArchiving, parentSubscriptionId: parent.id }));
    const { outs } = await handler.create(news, env.ctx);
    expect(outs.parentSubscriptionId).toBe(parent.id);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription/${parent.id}/orderAddon`]);
  });
});

describe("update, read, delete", () => {
  async function created(overrides: Record<string, unknown> = {}) {
    const news = await checked(inputs({ licenceId: L.businessBasic, ...overrides }));
    const result = await handler.create(news, env.ctx);
    await env.control.clearCalls();
    return { news, ...result };
  }

  test("quantity change = exactly one changeQuantity; state-only changes call nothing", async () => {
    const { id, outs, news } = await created();
    const more = { ...news, quantity: 5 };
    expect(handler.diff(id, outs, more)).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["quantity"],
    });
    const after = await handler.update(id, outs, more, env.ctx);
    expect(after.quantity).toBe(5);
    expect(await mutating()).toEqual([
      `POST /saas/csp2/${tenant}/subscription/${outs.subscriptionId}/changeQuantity`,
    ]);

    await env.control.clearCalls();
    const retained = { ...more, deletionPolicy: "retain" as const };
    expect(handler.diff(id, after, retained)).toMatchObject({ changes: true, replaces: [] });
    const stateOnly = await handler.update(id, after, retained, env.ctx);
    expect(stateOnly.deletionPolicy).toBe("retain");
    expect(await env.control.calls()).toEqual([]);
  });

  test("seat increase refused in update when the licence takes no new seats", async () => {
    const existing = await env.control.addSubscription(tenant, { licenseId: L.teamsEssentials, quantity: 5 });
    const news = await checked(
      inputs({ licenceId: L.teamsEssentials, quantity: 5, existingSubscriptionId: existing.id }),
    );
    const { id, outs } = await handler.create(news, env.ctx);
    await env.control.clearCalls();
    await expect(handler.update(id, outs, { ...news, quantity: 6 }, env.ctx)).rejects.toThrow(
      /no longer accepts new seats/,
    );
    expect(await mutating()).toEqual([]);
  });

  test("a short timeout on a seat change fails clearly", async () => {
    const { id, outs, news } = await created();
    const short = env.newContext({ operationTimeoutMs: 30 });
    await expect(handler.update(id, outs, { ...news, quantity: 4 }, short.ctx)).rejects.toThrow(
      new RegExp(
        `Changing the seats of subscription ${outs.subscriptionId} on tenant ${tenant}.*Timed out`,
        "s",
      ),
    );
  });

  test("read shows out-of-band drift and keeps the declaration style", async () => {
    const { id, outs } = await created({ licenceId: undefined, licence: "microsoft 365 business basic" });
    await env.control.editSubscription(tenant, outs.subscriptionId as number, { quantity: 11 });
    const result = await handler.read(id, outs, env.ctx);
    expect(result.props?.quantity).toBe(11);
    expect(result.inputs).toMatchObject({ quantity: 11, licence: "microsoft 365 business basic" });
    expect(result.inputs).not.toHaveProperty("existingSubscriptionId");
    expect(
      handler.diff(
        id,
        result.props as SubscriptionOutputs,
        await checked(inputs({ licence: "microsoft 365 business basic" })),
      ),
    ).toMatchObject({ changes: true, changedKeys: ["quantity"] });
    expect(await mutating()).toEqual([]);
  });

  test("read of a subscription gone at OVH drops it", async () => {
    const { id, outs } = await created();
    await env.control.removeSubscription(tenant, outs.subscriptionId as number);
    expect((await handler.read(id, outs, env.ctx)).id).toBeUndefined();
  });

  test("import by id: inputs reproduce the object and adopt it without ordering", async () => {
    const existing = await env.control.addSubscription(tenant, { licenseId: L.a1Students, quantity: 40 });
    const ctx = env.newContext().ctx;
    const result = await handler.read(`${tenant}/${existing.id}`, undefined, ctx);
    expect(result.id).toBe(`${tenant}/${existing.id}`);
    expect(result.inputs).toEqual({
      tenant,
      licenceId: L.a1Students,
      quantity: 40,
      existingSubscriptionId: existing.id,
      deletionPolicy: "cancel",
      academicEligibilityAcknowledged: true,
    });
    await env.control.clearCalls();
    const news = await checked(result.inputs as Record<string, unknown>, ctx);
    const { outs } = await handler.create(news, ctx);
    expect(handler.diff(result.id as string, outs, news).changes).toBe(false);
    expect(await mutating()).toEqual([]);
  });

  test("import of an add-on finds its parent", async () => {
    const parent = await env.control.addSubscription(tenant, { licenseId: L.businessStandard, quantity: 5 });
    const addon = await env.control.addSubscription(tenant, {
      licenseId: L.exchangeArchiving,
      quantity: 2,
      parentId: parent.id,
    });
    const result = await handler.read(`${tenant}/${addon.id}`, undefined, env.ctx);
    expect(result.inputs).toMatchObject({
      parentSubscriptionId: parent.id,
      existingSubscriptionId: addon.id,
    });
  });

  test("delete cancels (DELETE + task)", async () => {
    const { id, outs } = await created();
    await handler.delete(id, outs, env.ctx);
    expect(await mutating()).toEqual([`DELETE /saas/csp2/${tenant}/subscription/${outs.subscriptionId}`]);
    expect(await tenantSubscriptions()).toEqual([]);
    await env.control.clearCalls();
    await handler.delete(id, outs, env.ctx); // already gone: fine
  });

  test("delete with retain calls nothing and warns", async () => {
    const { id, outs } = await created({ deletionPolicy: "retain" });
    const ctx = env.newContext();
    await handler.delete(id, outs, ctx.ctx);
    expect(await env.control.calls()).toEqual([]);
    expect(ctx.log.warnings.join("\n")).toMatch(/left at OVH.*billed/s);
    expect(await tenantSubscriptions()).toHaveLength(1);
  });

  afterAll(() => forgetLicenceCatalogues());
});

describe("a seat change costs what OVH needs (licence declared by name)", () => {
  /** The calls OVH received since the last clear, as sorted `METHOD /path` routes (ids as {id}). */
  async function routes(): Promise<string[]> {
    return (await env.control.calls())
      .map(
        (call) =>
          `${call.method} ${call.path
            .split(tenant)
            .join("{sn}")
            .replace(/\/\d+(?=\/|$)/g, "/{id}")}`,
      )
      .sort();
  }
  const LICENCE = "GET /saas/csp2/{sn}/orderableLicenses/{id}";
  const PRICE = "GET /price/saas/csp2/license/BusinessEssentials";
  const SIGNING = "GET /auth/time"; // read once per client, for v1 signatures and OVH's clock
  const ONE = "GET /saas/csp2/{sn}/subscription/{id}";

  /** A Business Basic subscription of 5 seats, created as a first `pulumi up` would (check, then create). */
  async function ordered() {
    const declared = inputs({ licence: "microsoft 365 business basic", quantity: 5 });
    const first = await handler.check(declared, env.newContext().ctx);
    expect(first.failures).toEqual([]);
    const news = first.inputs as SubscriptionInputs;
    expect(news).toMatchObject({ knownAtOvh: { licenceId: L.businessBasic } });
    const { id, outs } = await handler.create(news, env.ctx);
    await env.control.clearCalls();
    return { declared, news, id, outs };
  }

  test("preview and up of 5 → 7: the licence by its id in state, never the catalogue; the purchase date read once", async () => {
    const { declared, news, id, outs } = await ordered();

    // Preview (a new process): the licence alone, the price, and (first change only) the subscription's date.
    const preview = await handler.check({ ...declared, quantity: 7 }, env.newContext().ctx, news);
    expect(preview.failures).toEqual([]);
    expect(preview.notes?.[0]).toMatch(/5 → 7 \(\+2\).*increase billed at least until \d{4}-\d\d-\d\d/);
    expect(await routes()).toEqual([SIGNING, LICENCE, PRICE, "GET /saas/csp2/{sn}/subscription", ONE].sort());
    const checkedNews = preview.inputs as SubscriptionInputs;
    expect(checkedNews).toMatchObject({
      knownAtOvh: {
        licenceId: L.businessBasic,
        subscriptionId: outs.subscriptionId,
        purchaseDate: outs.creationDate,
      },
    });

    // up (another process): check as in preview, then the seat change: live read, POST, task, final read.
    const up = env.newContext().ctx;
    expect((await handler.check({ ...declared, quantity: 7 }, up, news)).inputs).toEqual(checkedNews);
    await env.control.clearCalls();
    const after = await handler.update(id, outs, checkedNews, up);
    expect(after.quantity).toBe(7);
    expect(after.monthlyPrice).toBe(39.2);
    const calls = await routes();
    const POLL = "GET /saas/csp2/{sn}/task/{id}";
    expect(calls.filter((line) => line === POLL).length).toBeGreaterThanOrEqual(1);
    expect(calls.filter((line) => line !== POLL)).toEqual(
      [ONE, "POST /saas/csp2/{sn}/subscription/{id}/changeQuantity", ONE].sort(),
    );

    // The next seat change (state now holds the purchase date): preview = licence + price, both ways.
    for (const quantity of [9, 6]) {
      await env.control.clearCalls();
      const next = await handler.check({ ...declared, quantity }, env.newContext().ctx, checkedNews);
      expect(next.failures).toEqual([]);
      expect(next.notes?.[0]).toMatch(
        quantity > 7 ? /7 → 9 \(\+2\)/ : /7 → 6 \(-1\).*decrease allowed until/,
      );
      expect(await routes()).toEqual([SIGNING, LICENCE, PRICE].sort());
      expect(next.inputs).toEqual({ ...checkedNews, quantity });
    }
  });

  test("a seat change still refuses what it refused, from the licence read alone (limit, seats closed)", async () => {
    const { declared, news } = await ordered();
    const catalogueReads = async () => (await routes()).filter((line) => line.includes("orderableLicenses"));
    const above = await handler.check({ ...declared, quantity: 301 }, env.newContext().ctx, news);
    expect(above.failures).toEqual([
      expect.objectContaining({ property: "quantity", reason: expect.stringMatching(/limit of 300/) }),
    ]);
    expect(await catalogueReads()).toEqual([LICENCE]);
    await env.control.request("PUT", `/csp2/licences/${L.businessBasic}`, { newSeatsAllowed: false });
    try {
      await env.control.clearCalls();
      const more = await handler.check({ ...declared, quantity: 6 }, env.newContext().ctx, news);
      expect(more.failures).toEqual([
        expect.objectContaining({
          property: "quantity",
          reason: expect.stringMatching(/no longer accepts new seats/),
        }),
      ]);
      expect(await catalogueReads()).toEqual([LICENCE]);
    } finally {
      await env.control.request("PUT", `/csp2/licences/${L.businessBasic}`, { newSeatsAllowed: true });
    }
    expect(await mutating()).toEqual([]);
  });

  test("a no-op preview after a seat change makes no call and keeps the facts", async () => {
    const { declared, news } = await ordered();
    await env.control.clearCalls();
    const again = await handler.check(declared, env.newContext().ctx, news);
    expect(again).toEqual({ inputs: news, failures: [] });
    expect(await env.control.calls()).toEqual([]);
  });
});

describe("lookups (read-only)", () => {
  test("orderable licences, usage statistics and billing peaks", async () => {
    const contoso = (await seededTenants(env.control))["Contoso Ltd"] as string;
    const ctx = env.newContext().ctx;
    const all = await getOrderableLicences(ctx, { tenant: contoso });
    expect(all).toHaveLength(23);
    expect(all).toContainEqual({
      id: L.teamsEssentials,
      name: "Microsoft Teams Essentials (fixed seats)",
      type: "NON-SPECIFIC",
      limit: 300,
      newSeatsAllowed: false,
      newSubscriptionsAllowed: true,
      academic: false,
    });
    const addons = await getOrderableLicences(ctx, { tenant: contoso, type: "ADDON", nameContains: "teams" });
    expect(addons.map((l) => l.id).sort()).toEqual([2003, 2004]);
    expect(
      (await getOrderableLicences(ctx, { tenant: contoso, nameContains: "a1 for" })).every((l) => l.academic),
    ).toBe(true);

    const usage = await getUsageStatistics(ctx, { tenant: contoso, period: "lastMonth" });
    expect(usage.days.length).toBeGreaterThan(0);
    expect(usage.days.flatMap((d) => d.lines).some((line) => line.licenceId === L.businessStandard)).toBe(
      true,
    );
    await expect(getUsageStatistics(ctx, { tenant: contoso, period: "lastDecade" as never })).rejects.toThrow(
      /period must be one of lastMonth/,
    );

    const peaks = await getBillingPeriodPeaks(ctx, { tenant: contoso });
    expect(peaks.lines).toContainEqual(
      expect.objectContaining({ licenceId: L.businessStandard, peakCount: 30 }),
    );
    await expect(getBillingPeriodPeaks(ctx, { tenant: "csp2-nope" })).rejects.toThrow(
      /billing period peaks of tenant csp2-nope: .*404/,
    );
    expect(await mutating()).toEqual([]);
  });
});

describe("another resource's subscription is never taken over", () => {
  /**
   * Two resources of the same licence in one tenant. Run 1: A's order fails before OVH acts (503), A finds
   * nothing and is recorded as pending; B is ordered normally. Run 2 (a new process) settles A.
   */
  async function runOne(bQuantity: number): Promise<{
    a: PartialCreateError<SubscriptionOutputs>;
    aNews: SubscriptionInputs;
    bId: number;
  }> {
    await env.control.addFault({
      kind: "status",
      status: 503,
      method: "POST",
      path: `/saas/csp2/${tenant}/subscription`,
    });
    const aNews = await checked(inputs({ licenceId: L.businessBasic, quantity: 5 }));
    const a = (await handler
      .create(aNews, env.ctx)
      .catch((e: unknown) => e)) as PartialCreateError<SubscriptionOutputs>;
    expect(a).toBeInstanceOf(PartialCreateError);
    const bNews = await checked(inputs({ licenceId: L.businessBasic, quantity: bQuantity }));
    const b = await handler.create(bNews, env.ctx);
    forgetClaims(); // run 2 is a new process: it knows nothing of run 1
    return { a, aNews, bId: b.outs.subscriptionId as number };
  }

  test("a subscription with other seats: A orders its own after the grace period; B keeps its 40 seats", async () => {
    const { a, aNews, bId } = await runOne(40);
    const next = env.newContext();
    // Refresh does not hand B's subscription to A.
    const refreshed = await handler.read(a.id, a.properties, next.ctx);
    expect(refreshed.props).toMatchObject({ pendingOrderId: a.id, subscriptionId: null });
    // Within the grace period: nothing is ordered, nothing changed.
    await expect(handler.update(a.id, a.properties, aNews, next.ctx)).rejects.toThrow(/still unconfirmed/);
    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    await env.control.clearCalls();
    const outs = await handler.update(a.id, a.properties, aNews, next.ctx);
    expect(outs.subscriptionId).not.toBe(bId);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
    const live = await tenantSubscriptions();
    expect(live).toEqual(
      expect.arrayContaining([
        { id: bId, licenseId: L.businessBasic, quantity: 40 },
        { id: outs.subscriptionId, licenseId: L.businessBasic, quantity: 5 },
      ]),
    );
    expect(live).toHaveLength(2);
  });

  test("a subscription with the same seats: A stops naming it; nothing ordered, changed or cancelled", async () => {
    const { a, aNews, bId } = await runOne(5);
    const next = env.newContext();
    await env.control.clearCalls();
    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    const error = (await handler
      .update(a.id, a.properties, aNews, next.ctx)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`subscription ${bId} (5 seat(s)`);
    expect(error.message).toMatch(/existingSubscriptionId/);
    expect(error.message).toMatch(/pulumi state delete/);
    // Destroying A does not cancel B's subscription either.
    await expect(handler.delete(a.id, a.properties, next.ctx)).rejects.toThrow(`subscription ${bId}`);
    expect(await mutating()).toEqual([]);
    expect(await tenantSubscriptions()).toEqual([{ id: bId, licenseId: L.businessBasic, quantity: 5 }]);
  });

  test("B's subscription is claimed when the engine diffs B first: A's refresh and update never see it", async () => {
    const { a, aNews, bId } = await runOne(5);
    const next = env.newContext();
    await env.control.clearCalls();
    process.env.OVH_OFFICE_PENDING_ORDER_GRACE_MS = "0";
    const bOuts = (await handler.read(`${tenant}/${bId}`, undefined, next.ctx)).props as SubscriptionOutputs;
    handler.diff(
      `${tenant}/${bId}`,
      bOuts,
      await checked(inputs({ licenceId: L.businessBasic, quantity: 5 })),
    );
    const outs = await handler.update(a.id, a.properties, aNews, next.ctx);
    expect(outs.subscriptionId).not.toBe(bId);
    expect(await mutating()).toEqual([`POST /saas/csp2/${tenant}/subscription`]);
    expect(await tenantSubscriptions()).toHaveLength(2);
  });
});
