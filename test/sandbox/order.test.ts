/** The csp2 order flow of the sandbox over real HTTP: cart → checkout → payment → delivery → tenant. */
import { configurationProblems, orderStatusAt } from "../../sandbox/areas/order";
import { TestSandbox, openSandbox } from "./areaClient";

const CONTACT: Record<string, string> = {
  mpnId: "1234567",
  customerFirstName: "Ada",
  customerLastName: "Lovelace",
  customerEmail: "ada@northwind-demo.net",
  customerPhone: "+33.612345678",
  customerAddress: "1 rue de la Paix",
  customerCity: "Paris",
  customerZipCode: "75002",
  customerCountry: "FR",
  tenantDisplayName: "Northwind Traders",
};

describe("order pure rules", () => {
  it("lists configuration problems per label", () => {
    const configs = Object.entries(CONTACT).map(([label, value]) => ({ label, value }));
    expect(configurationProblems("csp2-microsoft365-tenant", configs)).toEqual([]);
    const noMpn = configs.filter((c) => c.label !== "mpnId");
    expect(configurationProblems("csp2-microsoft365-tenant", noMpn)).toEqual([
      { label: "mpnId", message: 'Missing required configuration "mpnId"' },
    ]);
    const badMpn = configs.map((c) => (c.label === "mpnId" ? { ...c, value: "12345" } : c));
    expect(configurationProblems("csp2-microsoft365-tenant", badMpn)[0]?.message).toMatch(
      /MPN ID required on orders/,
    );
    const badSub = [...configs, { label: "customSubDomain", value: "-bad-" }];
    expect(configurationProblems("csp2-microsoft365-tenant", badSub)[0]?.label).toBe("customSubDomain");
  });

  it("moves checking → delivering by time once paid", () => {
    const base = { paidAt: 1000, deliveredAt: null, deliveryError: null };
    expect(orderStatusAt({ ...base, paidAt: null }, 5000, 4000)).toBe("notPaid");
    expect(orderStatusAt(base, 2000, 4000)).toBe("checking");
    expect(orderStatusAt(base, 3500, 4000)).toBe("delivering");
    expect(orderStatusAt({ ...base, deliveredAt: 5000 }, 6000, 4000)).toBe("delivered");
  });
});

describe("sandbox order cart (csp2) over HTTP", () => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await openSandbox();
  });
  afterAll(async () => {
    await t.stop();
  });

  /** A cart with one csp2 tenant item carrying `labels`; answers ids. */
  async function cartWithItem(labels: Record<string, string>, planCode = "csp2-microsoft365-tenant") {
    const me = await t.call<{ ovhSubsidiary: string }>("GET", "/me");
    const cart = await t.call<{ cartId: string }>(
      "POST",
      "/order/cart",
      { ovhSubsidiary: me.body.ovhSubsidiary, description: "test" },
      { unsigned: true },
    );
    expect(cart.status).toBe(200);
    const cartId = cart.body.cartId;
    expect((await t.call("POST", `/order/cart/${cartId}/assign`)).status).toBe(200);
    const item = await t.call<{ itemId: number }>(
      "POST",
      `/order/cart/${cartId}/csp2`,
      { planCode, duration: "P1M", pricingMode: "default", quantity: 1 },
      { unsigned: true },
    );
    expect(item.status).toBe(200);
    const itemId = item.body.itemId;
    for (const [label, value] of Object.entries(labels)) {
      const added = await t.call(
        "POST",
        `/order/cart/${cartId}/item/${itemId}/configuration`,
        { label, value },
        {
          unsigned: true,
        },
      );
      expect(added.status).toBe(200);
    }
    return { cartId, itemId };
  }

  it("serves offers with P1M/P1Y default prices and discoverable required labels", async () => {
    const cart = await t.call<{ cartId: string }>(
      "POST",
      "/order/cart",
      { ovhSubsidiary: "FR" },
      { unsigned: true },
    );
    const offers = await t.call<
      { planCode: string; productType: string; prices: { duration: string; pricingMode: string }[] }[]
    >("GET", `/order/cart/${cart.body.cartId}/csp2`, undefined, { unsigned: true });
    expect(offers.status).toBe(200);
    expect(offers.body.map((o) => o.planCode)).toEqual([
      "csp2-microsoft365-tenant",
      "csp2-microsoft365-tenant-delegation",
    ]);
    for (const offer of offers.body) {
      expect(offer.productType).toBe("saas_license");
      expect(offer.prices.map((p) => `${p.duration}/${p.pricingMode}`)).toEqual([
        "P1M/default",
        "P1Y/default",
      ]);
    }
    const item = await t.call<{ itemId: number }>(
      "POST",
      `/order/cart/${cart.body.cartId}/csp2`,
      { planCode: "csp2-microsoft365-tenant", duration: "P1M", pricingMode: "default", quantity: 1 },
      { unsigned: true },
    );
    const required = await t.call<{ label: string; required: boolean }[]>(
      "GET",
      `/order/cart/${cart.body.cartId}/item/${item.body.itemId}/requiredConfiguration`,
      undefined,
      { unsigned: true },
    );
    expect(required.body.filter((r) => r.required).map((r) => r.label)).toEqual([
      "mpnId",
      "customerFirstName",
      "customerLastName",
      "customerEmail",
      "customerPhone",
      "customerAddress",
      "customerCity",
      "customerZipCode",
      "customerCountry",
      "tenantDisplayName",
    ]);
    expect(required.body.find((r) => r.label === "customSubDomain")?.required).toBe(false);
    const options = await t.call(
      "GET",
      `/order/cart/${cart.body.cartId}/csp2/options?planCode=csp2-microsoft365-tenant`,
      undefined,
      {
        unsigned: true,
      },
    );
    expect(options).toEqual({ status: 200, body: [] });
  });

  it("refuses bad cart input like OVH", async () => {
    const noSub = await t.call<{ class: string; message: string }>(
      "POST",
      "/order/cart",
      {},
      { unsigned: true },
    );
    expect(noSub.status).toBe(400);
    expect(noSub.body.message).toMatch(/ovhSubsidiary/);
    const badSub = await t.call<{ message: string }>(
      "POST",
      "/order/cart",
      { ovhSubsidiary: "US" },
      { unsigned: true },
    );
    expect(badSub.status).toBe(400);
    expect(badSub.body.message).toMatch(/nichandle.OvhSubsidiaryEnum/);
    const cart = await t.call<{ cartId: string }>(
      "POST",
      "/order/cart",
      { ovhSubsidiary: "FR" },
      { unsigned: true },
    );
    const add = (body: Record<string, unknown>) =>
      t.call<{ message: string }>("POST", `/order/cart/${cart.body.cartId}/csp2`, body, { unsigned: true });
    const base = {
      planCode: "csp2-microsoft365-tenant",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
    };
    expect((await add({ ...base, planCode: "nope" })).status).toBe(400);
    expect((await add({ ...base, duration: "P3M" })).status).toBe(400);
    expect((await add({ ...base, pricingMode: "upfront12" })).status).toBe(400);
    expect((await add({ ...base, quantity: 2 })).status).toBe(400);
    const { quantity: _q, ...noQuantity } = base;
    expect((await add(noQuantity)).body.message).toMatch(/\[quantity\]/);
    const missingCart = await t.call("GET", "/order/cart/does-not-exist", undefined, { unsigned: true });
    expect(missingCart.status).toBe(404);
  });

  it("refuses a missing label and a bad MPN ID at checkout, naming the label", async () => {
    const { mpnId: _m, ...withoutMpn } = CONTACT;
    const missing = await cartWithItem(withoutMpn);
    const refused = await t.call<{ class: string; message: string }>(
      "POST",
      `/order/cart/${missing.cartId}/checkout`,
      {},
    );
    expect(refused.status).toBe(400);
    expect(refused.body.class).toBe("Client::BadRequest");
    expect(refused.body.message).toMatch(/"mpnId"/);

    const bad = await cartWithItem({ ...CONTACT, mpnId: "12-34" });
    const badReply = await t.call<{ message: string }>("POST", `/order/cart/${bad.cartId}/checkout`, {});
    expect(badReply.status).toBe(400);
    expect(badReply.body.message).toMatch(/mpnId.*MPN ID required on orders/);

    const unknownLabel = await t.call<{ message: string }>(
      "POST",
      `/order/cart/${bad.cartId}/item/${bad.itemId}/configuration`,
      { label: "customerFax", value: "x" },
      { unsigned: true },
    );
    expect(unknownLabel.status).toBe(400);
    expect(unknownLabel.body.message).toMatch(/customerFax/);

    // fixing the label makes the cart orderable: delete the bad configuration, add a good one
    const ids = await t.call<number[]>(
      "GET",
      `/order/cart/${bad.cartId}/item/${bad.itemId}/configuration?label=mpnId`,
      undefined,
      { unsigned: true },
    );
    expect(ids.body).toHaveLength(1);
    await t.call(
      "DELETE",
      `/order/cart/${bad.cartId}/item/${bad.itemId}/configuration/${ids.body[0]}`,
      undefined,
      {
        unsigned: true,
      },
    );
    await t.call(
      "POST",
      `/order/cart/${bad.cartId}/item/${bad.itemId}/configuration`,
      { label: "mpnId", value: "654321" },
      { unsigned: true },
    );
    const dry = await t.call<{ orderId: number | null }>("GET", `/order/cart/${bad.cartId}/checkout`);
    expect(dry.status).toBe(200);
  });

  it("dry-run checkout prices the cart and creates nothing", async () => {
    const { cartId } = await cartWithItem(CONTACT);
    const before = await t.call<number[]>("GET", "/me/order");
    const dry = await t.call<{
      orderId: number | null;
      prices: { withoutTax: { value: number }; withTax: { value: number }; tax: { value: number } };
      contracts: { name: string; url: string }[];
      details: { domain: string; totalPrice: { value: number } }[];
    }>("GET", `/order/cart/${cartId}/checkout`);
    expect(dry.status).toBe(200);
    expect(dry.body.orderId).toBeNull();
    expect(dry.body.prices.withoutTax.value).toBe(2);
    expect(dry.body.prices.withTax.value).toBe(2.4);
    expect(dry.body.contracts.length).toBeGreaterThan(0);
    expect(dry.body.details).toHaveLength(1);
    const after = await t.call<number[]>("GET", "/me/order");
    expect(after.body).toEqual(before.body);
    const cart = await t.call<{ readOnly: boolean }>("GET", `/order/cart/${cartId}`, undefined, {
      unsigned: true,
    });
    expect(cart.body.readOnly).toBe(false);
  });

  it("orders a tenant: checkout, pay, delivery, service name from details/extension, tenant becomes ok", async () => {
    const { cartId } = await cartWithItem({ ...CONTACT, customSubDomain: "northwindtraders" });
    const tenantsBefore = await t.call<string[]>("GET", "/saas/csp2");

    const order = await t.call<{ orderId: number; url: string }>("POST", `/order/cart/${cartId}/checkout`, {
      waiveRetractationPeriod: true,
    });
    expect(order.status).toBe(200);
    const orderId = order.body.orderId;
    expect(typeof orderId).toBe("number");
    expect((await t.call("GET", `/order/cart/${cartId}`, undefined, { unsigned: true })).body).toMatchObject({
      readOnly: true,
    });
    // a second checkout of the same cart is refused
    expect((await t.call("POST", `/order/cart/${cartId}/checkout`, {})).status).toBe(403);

    expect((await t.call("GET", `/me/order/${orderId}/status`)).body).toBe("notPaid");
    await t.advance(60_000);
    expect((await t.call("GET", `/me/order/${orderId}/status`)).body).toBe("notPaid");

    const methods = await t.call<number[]>("GET", "/me/payment/method?default=true");
    expect(methods.body).toHaveLength(1);
    const paid = await t.call("POST", `/me/order/${orderId}/pay`, { paymentMethod: { id: methods.body[0] } });
    expect(paid.status).toBe(200);
    expect(
      (await t.call("POST", `/me/order/${orderId}/pay`, { paymentMethod: { id: methods.body[0] } })).status,
    ).toBe(409);
    expect((await t.call("GET", `/me/order/${orderId}/status`)).body).toBe("checking");
    await t.advance(2500);
    expect((await t.call("GET", `/me/order/${orderId}/status`)).body).toBe("delivering");
    await t.advance(2000);
    expect((await t.call("GET", `/me/order/${orderId}/status`)).body).toBe("delivered");

    // find the service name as OVH's own tools do
    const details = await t.call<number[]>("GET", `/me/order/${orderId}/details`);
    let serviceName: string | undefined;
    for (const id of details.body) {
      const ext = await t.call<{ order: { plan: { code: string }; configurations: { label: string }[] } }>(
        "GET",
        `/me/order/${orderId}/details/${id}/extension`,
      );
      if (ext.body.order.plan.code === "csp2-microsoft365-tenant") {
        expect(ext.body.order.configurations.map((c) => c.label)).toContain("mpnId");
        serviceName = (await t.call<{ domain: string }>("GET", `/me/order/${orderId}/details/${id}`)).body
          .domain;
      }
    }
    expect(serviceName).toBeDefined();
    expect(serviceName).not.toBe("*");

    const tenantsAfter = await t.call<string[]>("GET", "/saas/csp2");
    expect(tenantsAfter.body).toEqual(expect.arrayContaining([...tenantsBefore.body, serviceName]));
    expect(tenantsAfter.body).toHaveLength(tenantsBefore.body.length + 1);
    const creating = await t.call<{ status: string; displayName: string; mpnId: string }>(
      "GET",
      `/saas/csp2/${serviceName}`,
    );
    expect(creating.body).toMatchObject({ displayName: "Northwind Traders", mpnId: "1234567" });
    await t.advance(5000);
    expect((await t.call<{ status: string }>("GET", `/saas/csp2/${serviceName}`)).body.status).toBe("ok");

    const followUp = await t.call<{ step: string; status: string }[]>("GET", `/me/order/${orderId}/followUp`);
    expect(followUp.body.map((s) => `${s.step}:${s.status}`)).toEqual([
      "VALIDATING:DONE",
      "VALIDATED:DONE",
      "DELIVERING:DONE",
      "AVAILABLE:DONE",
    ]);
    const billing = await t.call<{ retractionDate: string | null; priceWithTax: { value: number } }>(
      "GET",
      `/me/order/${orderId}`,
    );
    expect(billing.body.retractionDate).toBeNull();
    expect(billing.body.priceWithTax.value).toBe(2.4);
    const associated = await t.call<{ type: string }>("GET", `/me/order/${orderId}/associatedObject`);
    expect(associated.body.type).toBe("Bill");
  });

  it("autoPayWithPreferredPaymentMethod pays at checkout; delegation plan provisions too", async () => {
    const { cartId } = await cartWithItem(
      {
        mpnId: "7654321",
        existingTenantDomain: "fabrikamltd.onmicrosoft.com",
        customerFirstName: "Grace",
        customerLastName: "Hopper",
        customerEmail: "grace@fabrikam-demo.com",
      },
      "csp2-microsoft365-tenant-delegation",
    );
    const order = await t.call<{ orderId: number }>("POST", `/order/cart/${cartId}/checkout`, {
      autoPayWithPreferredPaymentMethod: true,
    });
    expect(order.status).toBe(200);
    expect((await t.call("GET", `/me/order/${order.body.orderId}/status`)).body).toBe("checking");
    const billing = await t.call<{ retractionDate: string | null }>("GET", `/me/order/${order.body.orderId}`);
    expect(billing.body.retractionDate).not.toBeNull();
    await t.advance(4500);
    expect((await t.call("GET", `/me/order/${order.body.orderId}/status`)).body).toBe("delivered");
    const [detailId] = (await t.call<number[]>("GET", `/me/order/${order.body.orderId}/details`)).body;
    const detail = await t.call<{ domain: string }>(
      "GET",
      `/me/order/${order.body.orderId}/details/${detailId}`,
    );
    const tenant = await t.call<{ displayName: string }>("GET", `/saas/csp2/${detail.body.domain}`);
    expect(tenant.status).toBe(200);
    expect(tenant.body.displayName).toBe("fabrikamltd.onmicrosoft.com");
  });

  it("serves /me and the order list with date filters", async () => {
    const me = await t.call<{ ovhSubsidiary: string; nichandle: string; currency: { code: string } }>(
      "GET",
      "/me",
    );
    expect(me.body.ovhSubsidiary).toBe("FR");
    expect(me.body.currency.code).toBe("EUR");
    const all = await t.call<number[]>("GET", "/me/order");
    expect(all.body.length).toBeGreaterThanOrEqual(2);
    const future = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    const none = await t.call<number[]>("GET", `/me/order?date.from=${encodeURIComponent(future)}`);
    expect(none.body).toEqual([]);
    const emails = await t.call<number[]>("GET", "/me/notification/email/history");
    expect(emails.body.length).toBeGreaterThan(1);
  });
});
