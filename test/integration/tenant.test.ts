/**
 * Office365ResellerTenant against the real sandbox over HTTP, with the provider's real client.
 */
import { garblingTransport } from "./garblingTransport";
import { PartialCreateError } from "../../provider/resources/errors";
import { forgetClaims } from "../../provider/resources/orderOnce";
import { tenantHandler, type TenantInputs, type TenantOutputs } from "../../provider/resources/tenant";
import { startTestSandbox, type LoggedCall, type TestContext, type TestSandbox } from "./support";

const contact = {
  firstName: "Jane",
  lastName: "Doe",
  email: "jane.doe@northwind.example",
  phone: "+33.123456789",
  address: "1 rue de la Paix",
  city: "Paris",
  zipCode: "75002",
  country: "FR",
};

async function checked(raw: Record<string, unknown>, t?: TestContext): Promise<TenantInputs> {
  const result = await tenantHandler.check(raw, t?.ctx);
  expect(result.failures).toEqual([]);
  return result.inputs as TenantInputs;
}

/** `GET /order/cart/{id}/csp2` style lines, with ids replaced and consecutive repeats (polling) collapsed. */
function shape(calls: readonly LoggedCall[]): string[] {
  // The client's clock sync (`GET /auth/time`) is not part of the resource's work.
  const lines = calls
    .filter((c) => !c.path.startsWith("/auth/"))
    .map((c) =>
      `${c.method} ${c.path}`
        .replace(/\/order\/cart\/[0-9a-f-]{36}/, "/order/cart/{cartId}")
        .replace(/\/item\/\d+/, "/item/{itemId}")
        .replace(/\/me\/order\/\d+/, "/me/order/{orderId}")
        .replace(/\/details\/\d+/, "/details/{detailId}")
        .replace(/\/saas\/csp2\/csp2-\d+/, "/saas/csp2/{sn}")
        .replace(/\/task\/\d+/, "/task/{taskId}"),
    );
  return lines.filter((line, i) => i === 0 || line !== lines[i - 1]);
}

async function orderCount(env: TestSandbox): Promise<number> {
  // `GET /_sandbox/state` answers `{ sequences, state }`.
  const { state } = await env.control.state();
  return Object.keys((state["order"] as { orders: Record<string, unknown> }).orders).length;
}

async function liveTenant(env: TestSandbox, serviceName: string): Promise<Record<string, unknown>> {
  return env.client.request({ method: "GET", path: `/saas/csp2/${serviceName}` });
}

const ORDER_CALLS = [
  "GET /me",
  "POST /order/cart",
  "POST /order/cart/{cartId}/assign",
  "GET /order/cart/{cartId}/csp2",
  "POST /order/cart/{cartId}/csp2",
  "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration",
  "POST /order/cart/{cartId}/item/{itemId}/configuration", // ×10, collapsed
  "GET /order/cart/{cartId}/checkout",
  "GET /saas/csp2", // the tenants before the checkout: the second source of the delivered tenant's name
  "POST /order/cart/{cartId}/checkout",
  "GET /me/order/{orderId}/status", // payment check, then delivery polling (collapsed)
  "GET /me/order/{orderId}/details",
  "GET /me/order/{orderId}/details/{detailId}/extension",
  "GET /me/order/{orderId}/details/{detailId}",
  "GET /saas/csp2",
  "GET /saas/csp2/{sn}",
  "GET /saas/csp2/{sn}/serviceInfos",
];

describe("Office365ResellerTenant on the sandbox", () => {
  let env: TestSandbox;
  let ordered: { id: string; outs: TenantOutputs; inputs: TenantInputs };

  beforeAll(async () => {
    env = await startTestSandbox();
  });
  afterAll(() => env.stop());
  beforeEach(async () => {
    await env.control.clearFaults();
    await env.control.clearCalls();
  });

  it("orders a new tenant through the cart and waits for it to be ok", async () => {
    const inputs = await checked({
      mpnId: "1234567",
      contact,
      displayName: "Northwind Traders",
      customSubDomain: "northwind",
    });
    const before = await orderCount(env);
    const created = await tenantHandler.create(inputs, env.ctx);
    expect(await orderCount(env)).toBe(before + 1);

    expect(created.id).toMatch(/^csp2-\d+$/);
    expect(created.outs).toMatchObject({
      serviceName: created.id,
      status: "ok",
      mpnIssueFlag: null,
      adminPortalUrl: "https://admin.microsoft.com",
      planCode: "csp2-microsoft365-tenant",
      duration: "P1M",
      pricingMode: "default",
      ovhSubsidiary: "FR", // resolved from GET /me
      mpnId: "1234567",
      displayName: "Northwind Traders",
      contact,
      customSubDomain: "northwind",
      renewAutomatic: true,
      deleteAtExpiration: false,
      canDeleteAtExpiration: true,
      existingServiceName: null,
      deletionPolicy: "retain",
      pendingOrder: null,
    });
    expect(created.outs.orderId).toEqual(expect.any(Number));
    expect(created.outs.expirationDate).toEqual(expect.any(String));
    expect(created.outs.creationDate).toEqual(expect.any(String));

    const calls = await env.control.calls();
    expect(shape(calls)).toEqual(ORDER_CALLS);
    expect(calls.filter((c) => c.path.endsWith("/configuration"))).toHaveLength(11); // 10 required + customSubDomain
    expect(calls.filter((c) => c.method === "POST" && c.path.endsWith("/checkout"))).toHaveLength(1);
    expect(env.log.infos.some((m) => /will bill .*excl\. tax/.test(m))).toBe(true);

    ordered = { id: created.id, outs: created.outs, inputs };
  });

  it("makes no mutating call in check or diff", async () => {
    const raw = {
      mpnId: "1234567",
      contact,
      displayName: "Northwind Traders (renamed)",
      planCode: "csp2-microsoft365-tenant",
    };
    const inputs = await checked(raw, env);
    expect(tenantHandler.diff(ordered.id, ordered.outs, inputs)).toMatchObject({
      changes: true,
      replaces: [],
    });
    await checked({ existingServiceName: ordered.id }, env);
    expect(await env.control.mutatingCalls()).toEqual([]);
    expect(shape(await env.control.calls())).toEqual(["GET /saas/csp2/{sn}"]);
  });

  it("refuses an order with a missing required label before checkout, and deletes the cart", async () => {
    const { country: _country, ...noCountry } = contact;
    const inputs = await checked({
      mpnId: "1234567",
      contact: noCountry,
      displayName: "No Country",
      ovhSubsidiary: "FR",
    });
    const before = await orderCount(env);
    const error = await tenantHandler.create(inputs, env.ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(error?.message).toMatch(
      /"customerCountry": set contact\.country \(or extraConfiguration\["customerCountry"\]\)/,
    );
    expect(error?.message).toMatch(/Nothing was ordered/);
    expect(await orderCount(env)).toBe(before);
    expect(shape(await env.control.mutatingCalls())).toEqual([
      "POST /order/cart",
      "POST /order/cart/{cartId}/assign",
      "POST /order/cart/{cartId}/csp2",
      "DELETE /order/cart/{cartId}",
    ]);
  });

  it("supplies a label through extraConfiguration", async () => {
    const { country: _country, ...noCountry } = contact;
    const inputs = await checked({
      mpnId: "1234567",
      contact: { ...noCountry, email: "extra@northwind.example" },
      displayName: "Extra Config",
      ovhSubsidiary: "FR",
      extraConfiguration: { customerCountry: "BE" },
    });
    const created = await tenantHandler.create(inputs, env.ctx);
    expect(created.outs.status).toBe("ok");
    expect(created.outs.extraConfiguration).toEqual({ customerCountry: "BE" });
  });

  it("inputs unchanged since the last run: check makes no OVH call", async () => {
    const existing = await env.control.createTenant({ displayName: "Unchanged Co" });
    const raw = { existingServiceName: existing.serviceName, deletionPolicy: "retain" };
    const previous = await checked(raw, env);
    await env.control.clearCalls();
    const again = await tenantHandler.check(raw, env.ctx, { ...previous });
    expect(again).toEqual({ inputs: previous, failures: [] });
    expect(await env.control.calls()).toEqual([]);
  });

  it("adopts an existing tenant without ordering, and imports one by service name", async () => {
    const existing = await env.control.createTenant({ displayName: "Adopted Co" });
    await env.control.clearCalls();
    const before = await orderCount(env);

    const inputs = await checked({ existingServiceName: existing.serviceName }, env);
    const adopted = await tenantHandler.create(inputs, env.ctx);
    expect(adopted.id).toBe(existing.serviceName);
    expect(adopted.outs).toMatchObject({
      orderId: null,
      displayName: "Adopted Co",
      existingServiceName: existing.serviceName,
    });
    expect(await env.control.mutatingCalls()).toEqual([]);
    expect(await orderCount(env)).toBe(before);

    // Import: read with no prior state gives inputs that adopt, and that pass check.
    const imported = await tenantHandler.read(existing.serviceName, undefined, env.ctx);
    expect(imported.id).toBe(existing.serviceName);
    expect(imported.inputs?.existingServiceName).toBe(existing.serviceName);
    expect(imported.inputs?.displayName).toBe("Adopted Co");
    const again = await checked(imported.inputs as unknown as Record<string, unknown>, env);
    expect(tenantHandler.diff(existing.serviceName, imported.props as TenantOutputs, again).changes).toBe(
      false,
    );
    expect(await env.control.mutatingCalls()).toEqual([]);
  });

  it("updates display name and contact with exactly one PUT", async () => {
    const news = await checked({
      ...ordered.inputs,
      displayName: "Northwind Traders SA",
      contact: { ...contact, city: "Lyon", zipCode: "69001" },
    });
    const diff = tenantHandler.diff(ordered.id, ordered.outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const outs = await tenantHandler.update(ordered.id, ordered.outs, news, env.ctx);
    expect(await env.control.mutatingCallLines()).toEqual([`PUT /saas/csp2/${ordered.id}`]);
    expect(outs).toMatchObject({
      displayName: "Northwind Traders SA",
      contact: { city: "Lyon", zipCode: "69001" },
    });
    expect(await liveTenant(env, ordered.id)).toMatchObject({
      displayName: "Northwind Traders SA",
      city: "Lyon",
      zipCode: "69001",
    });
    expect(tenantHandler.diff(ordered.id, outs, news).changes).toBe(false);
    ordered = { ...ordered, outs, inputs: news };
  });

  it("shows an out-of-band edit as drift on refresh", async () => {
    await env.control.editTenant(ordered.id, { displayName: "Edited In Portal", phone: "+33.999999999" });
    const read = await tenantHandler.read(ordered.id, ordered.outs, env.ctx);
    expect(read.id).toBe(ordered.id);
    expect(read.props).toMatchObject({
      displayName: "Edited In Portal",
      contact: { phone: "+33.999999999", country: "FR" },
    });
    expect(read.inputs).toMatchObject({
      displayName: "Edited In Portal",
      planCode: "csp2-microsoft365-tenant",
    });
    const diff = tenantHandler.diff(ordered.id, read.props as TenantOutputs, ordered.inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    expect(diff.changedKeys.sort()).toEqual(["contact", "displayName"]);
    expect(await env.control.mutatingCalls()).toEqual([]);
    // Applying the program again puts the declared values back with one PUT.
    await tenantHandler.update(ordered.id, read.props as TenantOutputs, ordered.inputs, env.ctx);
    expect(await env.control.mutatingCallLines()).toEqual([`PUT /saas/csp2/${ordered.id}`]);
    expect(await liveTenant(env, ordered.id)).toMatchObject({
      displayName: "Northwind Traders SA",
      phone: contact.phone,
    });
  });

  it("reports a tenant that no longer exists as gone", async () => {
    const read = await tenantHandler.read("csp2-999999", { serviceName: "csp2-999999" }, env.ctx);
    expect(read.id).toBeUndefined();
  });

  it("retain: delete changes nothing at OVH and warns", async () => {
    await tenantHandler.delete(ordered.id, ordered.outs, env.ctx);
    expect(await env.control.mutatingCalls()).toEqual([]);
    expect(env.log.warnings.some((w) => w.includes(ordered.id) && /NOT terminated/.test(w))).toBe(true);
  });

  it("deleteAtExpiration: sets the flag, keeping the other renewal settings", async () => {
    const news = await checked({ ...ordered.inputs, deletionPolicy: "deleteAtExpiration" });
    expect(tenantHandler.diff(ordered.id, ordered.outs, news)).toMatchObject({ changes: true, replaces: [] });
    const outs = await tenantHandler.update(ordered.id, ordered.outs, news, env.ctx);
    expect(await env.control.mutatingCalls()).toEqual([]); // state only
    await tenantHandler.delete(ordered.id, outs, env.ctx);
    expect(await env.control.mutatingCallLines()).toEqual([`PUT /saas/csp2/${ordered.id}/serviceInfos`]);
    const infos = await env.client.request<{ renew: Record<string, unknown> }>({
      method: "GET",
      path: `/saas/csp2/${ordered.id}/serviceInfos`,
    });
    expect(infos.renew).toMatchObject({ deleteAtExpiration: true, automatic: true });
    const read = await tenantHandler.read(ordered.id, outs, env.ctx);
    expect(read.props?.deleteAtExpiration).toBe(true);
  });

  it("without the legacy API, a password change fails clearly and never shows the password", async () => {
    const secret = "Sup3r-Secret-Pa55";
    const news = await checked({ ...ordered.inputs, administratorPassword: secret });
    const error = await tenantHandler.update(ordered.id, ordered.outs, news, env.ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/removed .*changeAdministratorPassword.* 2023/);
    expect(error?.message).toContain("https://admin.microsoft.com");
    expect(error?.message).toMatch(/Reset password/);
    expect(error?.message).toMatch(/X-Ovh-QueryID/);
    expect(error?.message).not.toContain(secret);
    expect(JSON.stringify(env.log)).not.toContain(secret);
  });

  describe("lost checkout answer", () => {
    const lostInputs = (email: string) =>
      checked({
        mpnId: "7654321",
        contact: { ...contact, email },
        displayName: "Lost Answer",
        ovhSubsidiary: "FR",
      });

    it("finds the order the checkout created and goes on with it", async () => {
      await env.control.addFault({ kind: "commitThenReset", method: "POST", path: "/order/cart/*/checkout" });
      const before = await orderCount(env);
      const created = await tenantHandler.create(await lostInputs("lost1@northwind.example"), env.ctx);
      expect(created.outs.status).toBe("ok");
      expect(await orderCount(env)).toBe(before + 1);
      expect((await env.control.calls({ method: "POST", path: "/order/cart/*/checkout" })).length).toBe(1);
      expect(env.log.warnings.some((w) => /may have created an order/.test(w))).toBe(true);
    });

    it("an unreadable 2xx checkout answer (a proxy page) is not a refusal: the order is found, one order in all", async () => {
      const transport = garblingTransport(env.sandbox.caCertPath);
      const garbling = env.newContext({ clientOptions: { transport } });
      transport.garbleNext((r) => r.method === "POST" && /\/order\/cart\/[^/]+\/checkout$/.test(r.url));
      const before = await orderCount(env);
      const created = await tenantHandler.create(await lostInputs("proxy@northwind.example"), garbling.ctx);
      expect(transport.garbled).toBe(1);
      expect(created.outs.status).toBe("ok");
      expect(await orderCount(env)).toBe(before + 1);
      expect(garbling.log.warnings.some((w) => /may have created an order/.test(w))).toBe(true);
      await transport.close();
    });

    it("OVH's readable 429 on the checkout is a refusal: waited out and sent again, one order", async () => {
      await env.control.addFault({ kind: "rateLimit", method: "POST", path: "/order/cart/*/checkout" });
      const before = await orderCount(env);
      const created = await tenantHandler.create(await lostInputs("limited@northwind.example"), env.ctx);
      expect(created.outs.status).toBe("ok");
      expect(await orderCount(env)).toBe(before + 1);
    });

    it("a 429 page that is not OVH's is never replayed blindly: pending, cart kept, the next run checks out that cart once", async () => {
      const inputs = await lostInputs("proxy429@northwind.example");
      const transport = garblingTransport(env.sandbox.caCertPath);
      const limited = env.newContext({ clientOptions: { transport } });
      transport.answerNext((r) => r.method === "POST" && /\/order\/cart\/[^/]+\/checkout$/.test(r.url), {
        status: 429,
        headers: { "content-type": "text/html", "retry-after": "0" },
        body: "<html><body>Too many requests</body></html>",
      });
      await env.control.clearCalls();
      const before = await orderCount(env);
      const error = await tenantHandler.create(inputs, limited.ctx).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PartialCreateError);
      const partial = error as PartialCreateError<TenantOutputs>;
      expect(partial.id).toMatch(/^pending-order:cart-/);
      expect(await env.control.calls({ method: "DELETE", path: "/order/cart/*" })).toEqual([]);
      expect((await env.control.calls({ method: "POST", path: "/order/cart/*/checkout" })).length).toBe(0);
      expect(await orderCount(env)).toBe(before);
      await transport.close();
      await env.control.clearFaults();
      const outs = await tenantHandler.update(partial.id, partial.properties, inputs, env.newContext().ctx);
      expect(outs.status).toBe("ok");
      expect(await orderCount(env)).toBe(before + 1);
      expect((await env.control.calls({ method: "POST", path: "/order/cart/*/checkout" })).length).toBe(1);
    });

    it("names the delivered tenant from the tenant list when the order line names none, and says so", async () => {
      const transport = garblingTransport(env.sandbox.caCertPath);
      const quiet = env.newContext({ clientOptions: { transport } });
      transport.rewriteNext(
        (r) => r.method === "GET" && /\/me\/order\/\d+\/details\/\d+$/.test(r.url),
        (answer) => ({ ...answer, body: JSON.stringify({ ...JSON.parse(answer.body), domain: "" }) }),
        10,
      );
      const created = await tenantHandler.create(await lostInputs("unnamed@northwind.example"), quiet.ctx);
      expect(transport.garbled).toBeGreaterThan(0);
      expect(created.outs.serviceName).toMatch(/^csp2-\d+$/);
      expect(created.outs.status).toBe("ok");
      expect(quiet.log.infos.join("\n")).toMatch(
        new RegExp(`delivered tenant ${created.outs.serviceName} \\(found as the new tenant on the account`),
      );
      await transport.close();
    });

    it("records a pending order when it cannot be found, and the next run follows it: one order in all", async () => {
      const inputs = await lostInputs("lost2@northwind.example");
      await env.control.addFault({
        kind: "commitThenStatus",
        status: 502,
        method: "POST",
        path: "/order/cart/*/checkout",
      });
      // The search for the order fails too (every attempt of the client).
      await env.control.addFault({ kind: "status", status: 503, method: "GET", path: "/me/order", times: 5 });
      const before = await orderCount(env);

      const error = await tenantHandler.create(inputs, env.ctx).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PartialCreateError);
      const partial = error as PartialCreateError<TenantOutputs>;
      expect(partial.id).toMatch(/^pending-order:cart-[0-9a-f-]{36}$/);
      expect(partial.properties.pendingOrder).toMatchObject({
        orderId: null,
        planCode: "csp2-microsoft365-tenant",
      });
      expect(partial.message).toMatch(/Nothing will be ordered again/);
      expect(await orderCount(env)).toBe(before + 1);
      await env.control.clearFaults();

      // Refresh keeps the marker; diff sends it to update.
      const next = env.newContext();
      await env.control.clearCalls();
      const refreshed = await tenantHandler.read(partial.id, partial.properties, next.ctx);
      expect(refreshed.id).toBe(partial.id);
      expect(await env.control.calls()).toEqual([]);
      expect(tenantHandler.diff(partial.id, partial.properties, inputs)).toMatchObject({
        changes: true,
        replaces: [],
      });

      // The next `pulumi up` updates the resource with init errors: it finds the order instead of ordering.
      const outs = await tenantHandler.update(partial.id, partial.properties, inputs, next.ctx);
      expect(outs.serviceName).toMatch(/^csp2-\d+$/);
      expect(outs.status).toBe("ok");
      expect(outs.pendingOrder).toBeNull();
      expect(outs.orderId).toEqual(expect.any(Number));
      expect(await orderCount(env)).toBe(before + 1);
      expect(await env.control.calls({ method: "POST", path: "/order/cart/*/checkout" })).toEqual([]);

      // From then on the tenant is addressed through serviceName.
      const read = await tenantHandler.read(partial.id, outs, next.ctx);
      expect(read.props?.serviceName).toBe(outs.serviceName);
      expect(tenantHandler.diff(partial.id, read.props as TenantOutputs, inputs).changes).toBe(false);
    });
  });
});

describe("Office365ResellerTenant on a --legacy sandbox", () => {
  let env: TestSandbox;
  beforeAll(async () => {
    env = await startTestSandbox({ legacy: true });
  });
  afterAll(() => env.stop());

  it("sets the administrator password through the legacy call and follows its task", async () => {
    const existing = await env.control.createTenant({ displayName: "Legacy Co" });
    await env.control.advanceTime(5_000); // out of `creating`
    const inputs = await checked({ existingServiceName: existing.serviceName });
    const adopted = await tenantHandler.create(inputs, env.ctx);
    await env.control.clearCalls();

    const secret = "N3w-Admin-Passw0rd";
    const news = await checked({ existingServiceName: existing.serviceName, administratorPassword: secret });
    expect(tenantHandler.diff(adopted.id, adopted.outs, news)).toMatchObject({
      changes: true,
      replaces: [],
      changedKeys: ["administratorPassword"],
    });
    const outs = await tenantHandler.update(adopted.id, adopted.outs, news, env.ctx);
    expect(await env.control.mutatingCallLines()).toEqual([
      `POST /saas/csp2/${existing.serviceName}/changeAdministratorPassword`,
    ]);
    expect(shape(await env.control.calls())).toEqual([
      "POST /saas/csp2/{sn}/changeAdministratorPassword",
      "GET /saas/csp2/{sn}/task/{taskId}",
    ]);
    expect(tenantHandler.diff(adopted.id, outs, news).changes).toBe(false);
    expect(JSON.stringify(env.log)).not.toContain(secret);
  });
});

describe("Office365ResellerTenant when OVH answers null where its models allow it", () => {
  it("an MPN ID OVH leaves null is not a change: refresh keeps the declared value, the next preview is clean, no PUT", async () => {
    // A second sandbox names its tenants as the first did; in one process a name is claimed once (OVH's are unique).
    forgetClaims();
    const nulls = await startTestSandbox({ fidelity: { nullFields: true } });
    try {
      const inputs = await checked(
        { mpnId: "1234567", contact, displayName: "Nulls Ltd", customSubDomain: "nulls" },
        nulls,
      );
      const created = await tenantHandler.create(inputs, nulls.ctx);
      const tenant = await nulls.client.request<Record<string, unknown>>({
        method: "GET",
        path: `/saas/csp2/${created.id}`,
      });
      expect(tenant["mpnId"]).toBeNull(); // the switch is on: OVH says nothing about the MPN ID
      expect(created.outs.mpnId).toBe("1234567");

      const refreshed = await tenantHandler.read(created.id, created.outs, nulls.ctx);
      const props = refreshed.props as TenantOutputs;
      expect(props.mpnId).toBe("1234567");
      expect(tenantHandler.diff(created.id, props, inputs).changes).toBe(false);
      await nulls.control.clearCalls();
      await tenantHandler.update(created.id, props, inputs, nulls.ctx);
      expect((await nulls.control.calls()).filter((c) => c.method !== "GET")).toEqual([]);
    } finally {
      await nulls.stop();
    }
  });
});
