/**
 * Conformance of the sandbox with OVH's published schemas: for every operation of every schema file in
 * `provider/api/schemas/` (the legacy csp2 schema against a `--legacy` sandbox), the sandbox must serve it
 * with the declared method, authentication flag and parameters, and answer a body matching the declared
 * response model (checked by `SchemaValidator`). Operations the sandbox deliberately does not serve are in
 * `OUT_OF_SCOPE`, each with its reason; the test fails if one of them starts being served (review the list).
 */
import path from "node:path";
import { ApiSchema, SchemaOperation, SchemaValidator, loadSchemas } from "./schemaValidator";
import { Reply, TestSandbox, openSandbox } from "./areaClient";

const SCHEMA_DIR = path.resolve(__dirname, "../../provider/api/schemas");

/** Reviewed: operations the sandbox does not serve, and why. */
const OUT_OF_SCOPE: Record<string, string> = {
  "GET /order/saas/csp2/new":
    "legacy CSP1-style order: no contact data nor MPN ID, cannot create a CSP2 tenant; the cart is used (REFERENCE §4.1)",
  "GET /order/saas/csp2/new/{duration}": "same legacy 'new' order as above",
  "POST /order/saas/csp2/new/{duration}": "same legacy 'new' order as above",
  "POST /services/{serviceId}/terminate":
    "not emulated by the services area: whether it applies to CSP2 is unconfirmed (REFERENCE §5, §9.6)",
  "POST /services/{serviceId}/terminate/confirm": "needs the terminate step above",
};

/** Served, but only their error path can be exercised (no valid input exists in the sandbox). */
const ERROR_ONLY: Record<string, string> = {
  "POST /order/cart/{cartId}/csp2/options":
    "the sandbox sells no csp2 options (GET …/csp2/options answers [])",
};

/**
 * Reviewed deviations tolerated in a response: `file METHOD template` → problems that may appear, and why.
 */
const KNOWN_DEVIATIONS: Record<string, { problems: string[]; reason: string }> = {
  "saas-csp2-legacy.json GET /saas/csp2/{serviceName}": {
    problems: ["$.iam: not a property of saas.csp2.OfficeTenant"],
    reason: "--legacy serves today's tenant (OfficeTenantWithIAM) plus the two legacy operations",
  },
};

/** Optional query parameters left out of the "all optional parameters" call, and why. */
const UNEXERCISED_QUERY: Record<string, string> = {
  iamTags: "its query-string encoding is undocumented (REFERENCE §9.13); the sandbox ignores it",
  orderBy: "free-form services.expanded.Service property; the sandbox ignores it",
  sort: "only meaningful with orderBy",
};

const QUERY_VALUES: Record<string, () => string> = {
  description: () => "conformance",
  "date.from": () => new Date(Date.now() - 3650 * 86_400_000).toISOString(),
  "date.to": () => new Date(Date.now() + 3650 * 86_400_000).toISOString(),
  default: () => "true",
  paymentType: () => "CREDIT_CARD",
  status: () => "VALID",
  fieldType: () => "MX",
  subDomain: () => "",
  whoisOwner: () => "4851236",
  resourceName: () => "contoso-demo.fr",
  routes: () => "/domain/zone/{zoneName}",
  label: () => "mpnId",
  planCode: () => "csp2-microsoft365-tenant",
  timePeriod: () => "lastMonth",
  giftCode: () => "",
  officeBusinessQuantity: () => "1",
  officeProPlusQuantity: () => "1",
};

const CONTACT: Record<string, string> = {
  mpnId: "1234567",
  customerFirstName: "Ada",
  customerLastName: "Lovelace",
  customerEmail: "ada@example.com",
  customerPhone: "+33.612345678",
  customerAddress: "1 rue de la Paix",
  customerCity: "Paris",
  customerZipCode: "75002",
  customerCountry: "FR",
  tenantDisplayName: "Conformance Ltd",
};

const TASK_DELAY_MS = 600_000;
const ORDER_DELAY_MS = 1000;

interface Request {
  path: string;
  body?: unknown;
}

/** Everything an exerciser needs: the sandbox and shared fixtures built once. */
interface Env {
  t: TestSandbox;
  /** An assigned cart with one fully configured csp2 item, never checked out. */
  cartId: string;
  itemId: number;
  /** A paid, delivered order. */
  orderId: number;
}

const ok = <T>(reply: Reply<T>, what: string): T => {
  if (reply.status !== 200) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

async function newCart(t: TestSandbox, withItem: boolean, labels: Record<string, string> = CONTACT) {
  const cart = ok(
    await t.call<{ cartId: string }>("POST", "/order/cart", { ovhSubsidiary: "FR" }, { unsigned: true }),
    "cart",
  );
  ok(await t.call("POST", `/order/cart/${cart.cartId}/assign`), "assign");
  if (!withItem) return { cartId: cart.cartId, itemId: 0 };
  const item = ok(
    await t.call<{ itemId: number }>(
      "POST",
      `/order/cart/${cart.cartId}/csp2`,
      { planCode: "csp2-microsoft365-tenant", duration: "P1M", pricingMode: "default", quantity: 1 },
      { unsigned: true },
    ),
    "item",
  );
  for (const [label, value] of Object.entries(labels)) {
    ok(
      await t.call(
        "POST",
        `/order/cart/${cart.cartId}/item/${item.itemId}/configuration`,
        { label, value },
        { unsigned: true },
      ),
      `configuration ${label}`,
    );
  }
  return { cartId: cart.cartId, itemId: item.itemId };
}

async function newOrder(t: TestSandbox, pay: boolean): Promise<number> {
  const { cartId } = await newCart(t, true);
  const order = ok(
    await t.call<{ orderId: number }>("POST", `/order/cart/${cartId}/checkout`, {
      autoPayWithPreferredPaymentMethod: pay,
      waiveRetractationPeriod: true,
    }),
    "checkout",
  );
  return order.orderId;
}

const first = async (t: TestSandbox, listPath: string): Promise<string> => {
  const list = ok(await t.call<unknown[]>("GET", listPath), listPath);
  if (!Array.isArray(list) || list.length === 0) throw new Error(`no fixture: ${listPath} is empty`);
  return String(list[0]);
};

/**
 * Fills `{param}`s: the shared fixtures for carts and orders, an enum value for licence names, otherwise
 * the first element of the list served at the path before the parameter (OVH's collection convention).
 */
async function fillPath(env: Env, template: string, overrides: Record<string, string> = {}): Promise<string> {
  let filled = "";
  for (const segment of template.split("/").slice(1)) {
    const param = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!param) {
      filled += `/${segment}`;
      continue;
    }
    let value = overrides[param];
    if (value === undefined) {
      if (param === "cartId") value = env.cartId;
      else if (param === "itemId") value = String(env.itemId);
      else if (param === "orderId") value = String(env.orderId);
      else if (param === "licenseName") value = "EnterpriseE3";
      else value = await first(env.t, filled);
    }
    filled += `/${encodeURIComponent(value)}`;
  }
  return filled;
}

const throwawayRecord = async (env: Env): Promise<number> =>
  ok(
    await env.t.call<{ id: number }>("POST", "/domain/zone/fabrikam-demo.com/record", {
      fieldType: "TXT",
      subDomain: "conformance",
      target: "throwaway",
      ttl: 0,
    }),
    "record",
  ).id;

/** A fresh subscription on the first tenant; its task is settled. */
async function throwawaySubscription(env: Env): Promise<{ serviceName: string; id: number }> {
  const { t } = env;
  const serviceName = await first(t, "/saas/csp2");
  const before = ok(await t.call<number[]>("GET", `/saas/csp2/${serviceName}/subscription`), "subscriptions");
  const licences = ok(
    await t.call<number[]>("GET", `/saas/csp2/${serviceName}/orderableLicenses`),
    "licences",
  );
  for (const licenseId of licences) {
    const licence = ok(
      await t.call<{ licenceType: string }>(
        "GET",
        `/saas/csp2/${serviceName}/orderableLicenses/${licenseId}`,
      ),
      "licence",
    );
    if (licence.licenceType === "ADDON") continue;
    const reply = await t.call("POST", `/saas/csp2/${serviceName}/subscription`, { licenseId, quantity: 1 });
    if (reply.status !== 200) continue;
    await t.advance(TASK_DELAY_MS * 2);
    const after = ok(
      await t.call<number[]>("GET", `/saas/csp2/${serviceName}/subscription`),
      "subscriptions",
    );
    const id = after.find((s) => !before.includes(s));
    if (id !== undefined) return { serviceName, id };
  }
  throw new Error("could not create a throwaway subscription");
}

/** Request builders for mutating operations (each on throwaway objects) keyed by `METHOD template`. */
const EXERCISERS: Record<string, (env: Env, template: string) => Promise<Request>> = {
  // auth
  "POST /auth/credential": async () => ({
    path: "/auth/credential",
    body: { accessRules: [{ method: "GET", path: "/*" }], redirection: "https://example.com/" },
  }),
  "POST /auth/logout": async () => ({ path: "/auth/logout" }), // run with a throwaway consumer key, see below
  // csp2
  "PUT /saas/csp2/{serviceName}": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { displayName: "Conformance tenant" },
  }),
  "PUT /saas/csp2/{serviceName}/serviceInfos": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { renew: { automatic: true, deleteAtExpiration: false, forced: false, period: 1 } },
  }),
  "POST /saas/csp2/{serviceName}/subscription": async (env, tpl) => {
    const serviceName = await first(env.t, "/saas/csp2");
    const licences = ok(
      await env.t.call<number[]>("GET", `/saas/csp2/${serviceName}/orderableLicenses`),
      "l",
    );
    return { path: await fillPath(env, tpl, { serviceName }), body: { licenseId: licences[0], quantity: 1 } };
  },
  "DELETE /saas/csp2/{serviceName}/subscription/{id}": async (env, tpl) => {
    const s = await throwawaySubscription(env);
    return { path: await fillPath(env, tpl, { serviceName: s.serviceName, id: String(s.id) }) };
  },
  "POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity": async (env, tpl) => {
    const s = await throwawaySubscription(env);
    return {
      path: await fillPath(env, tpl, { serviceName: s.serviceName, id: String(s.id) }),
      body: { quantity: 2 },
    };
  },
  "POST /saas/csp2/{serviceName}/subscription/{id}/orderAddon": async (env, tpl) => {
    const s = await throwawaySubscription(env);
    for (const id of ok(
      await env.t.call<number[]>("GET", `/saas/csp2/${s.serviceName}/subscription`),
      "subs",
    )) {
      const addons = ok(
        await env.t.call<number[]>(
          "GET",
          `/saas/csp2/${s.serviceName}/subscription/${id}/availableAddonLicenses`,
        ),
        "addons",
      );
      if (addons[0] !== undefined) {
        return {
          path: await fillPath(env, tpl, { serviceName: s.serviceName, id: String(id) }),
          body: { licenseId: addons[0], quantity: 1 },
        };
      }
    }
    throw new Error("no subscription with an available add-on");
  },
  "POST /saas/csp2/{serviceName}/configureDomain": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { domain: "contoso-demo.fr", supportedServices: ["Email"] },
  }),
  "POST /saas/csp2/{serviceName}/changeAdministratorPassword": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { newPassword: "Conf0rmance!Passw0rd" },
  }),
  // domain
  "PUT /domain/{serviceName}": async (env, tpl) => ({
    path: await fillPath(env, tpl, { serviceName: "contoso-demo.fr" }),
    body: { nameServerType: "hosted" },
  }),
  "POST /domain/{serviceName}/nameServer": async (env, tpl) => ({
    path: await fillPath(env, tpl, { serviceName: "northwind-demo.net" }),
    body: { nameServer: [{ host: `ns${Date.now() % 100_000}.northwind-dns.example` }] },
  }),
  "DELETE /domain/{serviceName}/nameServer/{id}": async (env, tpl) => {
    const host = `del${Date.now() % 100_000}.northwind-dns.example`;
    ok(
      await env.t.call("POST", "/domain/northwind-demo.net/nameServer", { nameServer: [{ host }] }),
      "add name server",
    );
    const ids = ok(await env.t.call<number[]>("GET", "/domain/northwind-demo.net/nameServer"), "ns");
    return { path: await fillPath(env, tpl, { serviceName: "northwind-demo.net", id: String(ids.at(-1)) }) };
  },
  "POST /domain/{serviceName}/nameServers/update": async (env, tpl) => ({
    path: await fillPath(env, tpl, { serviceName: "northwind-demo.net" }),
    body: { nameServers: [{ host: "ada.ns.cloudflare.com" }, { host: "bob.ns.cloudflare.com", ip: null }] },
  }),
  "POST /domain/zone/{zoneName}/confirmTermination": async (env, tpl) => {
    ok(await env.t.call("POST", "/domain/zone/fabrikam-demo.com/terminate"), "terminate");
    const ids = ok(await env.t.call<number[]>("GET", "/me/notification/email/history"), "emails");
    const email = ok(
      await env.t.call<{ body: string }>("GET", `/me/notification/email/history/${ids.at(-1)}`),
      "email",
    );
    const token = /confirmTerminate\?id=[0-9a-zA-Z]+&token=([0-9a-zA-Z]+)/.exec(email.body)?.[1];
    if (!token) throw new Error(`no termination token in ${email.body}`);
    return {
      path: await fillPath(env, tpl, { zoneName: "fabrikam-demo.com" }),
      body: { token, reason: "NOT_NEEDED_ANYMORE", futureUse: "NOT_REPLACING_SERVICE", commentary: "test" },
    };
  },
  "POST /domain/zone/{zoneName}/record": async (env, tpl) => ({
    path: await fillPath(env, tpl, { zoneName: "fabrikam-demo.com" }),
    body: { fieldType: "TXT", subDomain: "conformance", target: "hello", ttl: 3600 },
  }),
  "PUT /domain/zone/{zoneName}/record/{id}": async (env, tpl) => ({
    path: await fillPath(env, tpl, { zoneName: "fabrikam-demo.com", id: String(await throwawayRecord(env)) }),
    body: { target: "updated", ttl: 600, subDomain: "conformance" },
  }),
  "DELETE /domain/zone/{zoneName}/record/{id}": async (env, tpl) => ({
    path: await fillPath(env, tpl, { zoneName: "fabrikam-demo.com", id: String(await throwawayRecord(env)) }),
  }),
  "POST /domain/zone/{zoneName}/refresh": async (env, tpl) => ({ path: await fillPath(env, tpl) }),
  "PUT /domain/zone/{zoneName}/serviceInfos": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { renew: { automatic: true, deleteAtExpiration: false, forced: false, period: 12 } },
  }),
  "POST /domain/zone/{zoneName}/terminate": async (env, tpl) => ({
    path: await fillPath(env, tpl, { zoneName: "contoso-demo.fr" }),
  }),
  // me
  "PUT /me": async () => ({ path: "/me", body: { phone: "+33.972101007", language: "fr_FR" } }),
  "POST /me/payment/method": async () => ({
    path: "/me/payment/method",
    body: {
      paymentType: "CREDIT_CARD",
      description: "conformance card",
      default: false,
      register: true,
      callbackUrl: {
        cancel: "https://example.com/cancel",
        error: "https://example.com/error",
        failure: "https://example.com/failure",
        pending: "https://example.com/pending",
        success: "https://example.com/success",
      },
    },
  }),
  "POST /me/order/{orderId}/pay": async (env, tpl) => {
    const orderId = await newOrder(env.t, false);
    const methods = ok(await env.t.call<number[]>("GET", "/me/payment/method?default=true"), "methods");
    return {
      path: await fillPath(env, tpl, { orderId: String(orderId) }),
      body: { paymentMethod: { id: methods[0] } },
    };
  },
  "POST /me/order/{orderId}/payWithRegisteredPaymentMean": async (env, tpl) => ({
    path: await fillPath(env, tpl, { orderId: String(await newOrder(env.t, false)) }),
    body: { paymentMean: "ovhAccount" },
  }),
  // order cart
  "POST /order/cart": async () => ({
    path: "/order/cart",
    body: { ovhSubsidiary: "FR", description: "conformance" },
  }),
  "PUT /order/cart/{cartId}": async (env, tpl) => ({
    path: await fillPath(env, tpl, { cartId: (await newCart(env.t, false)).cartId }),
    body: { description: "renamed", expire: new Date(Date.now() + 86_400_000).toISOString() },
  }),
  "DELETE /order/cart/{cartId}": async (env, tpl) => ({
    path: await fillPath(env, tpl, { cartId: (await newCart(env.t, false)).cartId }),
  }),
  "POST /order/cart/{cartId}/assign": async (env, tpl) => ({
    path: await fillPath(env, tpl, { cartId: (await newCart(env.t, false)).cartId }),
  }),
  "POST /order/cart/{cartId}/checkout": async (env, tpl) => ({
    path: await fillPath(env, tpl, { cartId: (await newCart(env.t, true)).cartId }),
    body: { autoPayWithPreferredPaymentMethod: false, waiveRetractationPeriod: false },
  }),
  "POST /order/cart/{cartId}/csp2": async (env, tpl) => ({
    path: await fillPath(env, tpl, { cartId: (await newCart(env.t, false)).cartId }),
    body: {
      planCode: "csp2-microsoft365-tenant-delegation",
      duration: "P1Y",
      pricingMode: "default",
      quantity: 1,
    },
  }),
  "POST /order/cart/{cartId}/csp2/options": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: {
      itemId: env.itemId,
      planCode: "csp2-microsoft365-tenant-extra",
      duration: "P1M",
      pricingMode: "default",
      quantity: 1,
    },
  }),
  "PUT /order/cart/{cartId}/item/{itemId}": async (env, tpl) => {
    const c = await newCart(env.t, true);
    return {
      path: await fillPath(env, tpl, { cartId: c.cartId, itemId: String(c.itemId) }),
      body: { duration: "P1Y", quantity: 1 },
    };
  },
  "DELETE /order/cart/{cartId}/item/{itemId}": async (env, tpl) => {
    const c = await newCart(env.t, true, {});
    return { path: await fillPath(env, tpl, { cartId: c.cartId, itemId: String(c.itemId) }) };
  },
  "POST /order/cart/{cartId}/item/{itemId}/configuration": async (env, tpl) => {
    const c = await newCart(env.t, true, {});
    return {
      path: await fillPath(env, tpl, { cartId: c.cartId, itemId: String(c.itemId) }),
      body: { label: "customSubDomain", value: "conformance" },
    };
  },
  "DELETE /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}": async (env, tpl) => {
    const c = await newCart(env.t, true, { mpnId: "1234567" });
    return { path: await fillPath(env, tpl, { cartId: c.cartId, itemId: String(c.itemId) }) };
  },
  // services
  "PUT /services/{serviceId}": async (env, tpl) => ({
    path: await fillPath(env, tpl),
    body: { displayName: "Conformance service", renew: { mode: "automatic", period: "P1M" } },
  }),
};

const key = (op: SchemaOperation, template: string) => `${op.httpMethod} ${template}`;

function requiredQuery(op: SchemaOperation): URLSearchParams {
  const query = new URLSearchParams();
  for (const p of op.parameters ?? []) {
    if (p.paramType !== "query" || !p.required || !p.name) continue;
    const value = QUERY_VALUES[p.name];
    if (!value) throw new Error(`no value for required query parameter ${p.name}`);
    query.set(p.name, value());
  }
  return query;
}

function optionalQuery(op: SchemaOperation): URLSearchParams | null {
  const query = requiredQuery(op);
  let any = false;
  for (const p of op.parameters ?? []) {
    if (p.paramType !== "query" || p.required || !p.name || p.name in UNEXERCISED_QUERY) continue;
    const value = QUERY_VALUES[p.name];
    if (!value) throw new Error(`no value for optional query parameter ${p.name}: add one or list it`);
    query.set(p.name, value());
    any = true;
  }
  return any ? query : null;
}

const withQuery = (p: string, query: URLSearchParams | null) =>
  query && [...query.keys()].length > 0 ? `${p}?${query.toString()}` : p;

const schemas: ApiSchema[] = loadSchemas(SCHEMA_DIR);

describe("schema self-check", () => {
  it("finds every schema file beside the repository", () => {
    expect(schemas.map((s) => s.file)).toEqual(
      expect.arrayContaining([
        "auth.json",
        "domain-zone-excerpt.json",
        "me-order-excerpt.json",
        "order-cart-excerpt.json",
        "price-csp2-excerpt.json",
        "saas-csp2-current.json",
        "saas-csp2-legacy.json",
        "services-excerpt.json",
      ]),
    );
  });

  it("the validator reports wrong types, enums, missing and unknown fields", () => {
    const order = schemas.find((s) => s.file === "order-cart-excerpt.json");
    if (!order) throw new Error("order schema missing");
    const v = new SchemaValidator(order.models);
    const price = { currencyCode: "EUR", priceInUcents: 1, text: "1 €", value: 1 };
    expect(v.check("order.Price", price)).toEqual([]);
    expect(v.check("order.Price", { ...price, currencyCode: "EURO" })[0]).toMatch(/order.CurrencyCodeEnum/);
    expect(v.check("order.Price", { ...price, value: "1" })[0]).toMatch(/double/);
    expect(v.check("order.Price", { ...price, priceInUcents: 1.5 })[0]).toMatch(/long/);
    expect(v.check("order.Price", { ...price, priceInUcents: null })).toEqual([]);
    const { text: _t, ...noText } = price;
    expect(v.check("order.Price", noText)[0]).toMatch(/text: required/);
    expect(v.check("order.Price", { ...price, extra: 1 })[0]).toMatch(/extra: not a property/);
    expect(
      v.check("order.cart.Cart", {
        cartId: "x",
        description: "",
        expire: "2024-01-01",
        items: [],
        readOnly: false,
      })[0],
    ).toMatch(/datetime/);
    expect(v.check("long[]", [1, "2"])[0]).toMatch(/\$\[1\]/);
  });
});

for (const legacy of [false, true]) {
  const files = schemas.filter((s) => (s.file === "saas-csp2-legacy.json") === legacy);
  describe(`sandbox conformance${legacy ? " (--legacy)" : ""}`, () => {
    const env = {} as Env;
    let served: Map<string, boolean>;

    beforeAll(async () => {
      env.t = await openSandbox({ legacy, taskDelayMs: TASK_DELAY_MS, orderDelayMs: ORDER_DELAY_MS });
      const routes = ok(
        await env.t.control<{ method: string; template: string; options: { authenticated?: boolean } }[]>(
          "GET",
          "/routes",
        ),
        "routes",
      );
      served = new Map(routes.map((r) => [`${r.method} ${r.template}`, r.options.authenticated !== false]));
      const cart = await newCart(env.t, true);
      env.cartId = cart.cartId;
      env.itemId = cart.itemId;
      env.orderId = await newOrder(env.t, true);
      await env.t.advance(ORDER_DELAY_MS * 3);
      // a pending csp2 task, so that `task` lists something
      const s = await throwawaySubscription(env);
      ok(
        await env.t.call("POST", `/saas/csp2/${s.serviceName}/subscription/${s.id}/changeQuantity`, {
          quantity: 3,
        }),
        "pending task",
      );
    }, 60_000);
    afterAll(async () => {
      await env.t?.stop();
    });

    if (!legacy) {
      it("does not serve the legacy-only operations without --legacy", () => {
        expect(served.has("POST /saas/csp2/{serviceName}/configureDomain")).toBe(false);
        expect(served.has("POST /saas/csp2/{serviceName}/changeAdministratorPassword")).toBe(false);
      });
    }

    for (const schema of files) {
      const ops = schema.apis.flatMap((api) => api.operations.map((op) => ({ api, op })));
      // Read operations first (they use the shared fixtures), then the mutating ones.
      ops.sort((a, b) => Number(a.op.httpMethod !== "GET") - Number(b.op.httpMethod !== "GET"));
      describe(schema.file, () => {
        const validator = new SchemaValidator(schema.models);
        for (const { api, op } of ops) {
          const k = key(op, api.path);
          const reason = OUT_OF_SCOPE[k];
          if (reason) {
            it(`${k} is out of scope (${reason}) and not served`, () => {
              expect(served.has(k)).toBe(false);
            });
            continue;
          }
          it(`${k} → ${op.responseType}`, async () => {
            const { t } = env;
            expect(served.has(k)).toBe(true);
            expect(served.get(k)).toBe(!op.noAuthentication);
            const exerciser = EXERCISERS[k];
            if (!exerciser && op.httpMethod !== "GET") throw new Error(`no exerciser for ${k}`);
            const request = exerciser
              ? await exerciser(env, api.path)
              : { path: await fillPath(env, api.path) };
            const url = withQuery(request.path, requiredQuery(op));
            const hasBody = (op.parameters ?? []).some((p) => p.paramType === "body");
            const body = hasBody ? (request.body ?? {}) : undefined;

            if (!op.noAuthentication && op.httpMethod === "GET") {
              const unsigned = await t.call("GET", url, undefined, { unsigned: true });
              expect([401, 403]).toContain(unsigned.status);
            }
            let consumerKey: string | undefined;
            if (k === "POST /auth/logout") {
              const created = ok(
                await t.call<{ consumerKey: string; validationUrl: string }>(
                  "POST",
                  "/auth/credential",
                  { accessRules: [{ method: "POST", path: "/auth/logout" }] },
                  { unsigned: true },
                ),
                "credential",
              );
              await fetch(created.validationUrl);
              consumerKey = created.consumerKey;
            }
            const reply = await t.call(op.httpMethod, url, body, {
              unsigned: op.noAuthentication === true,
              ...(consumerKey ? { consumerKey } : {}),
            });
            if (ERROR_ONLY[k]) {
              expect(reply.status).toBeGreaterThanOrEqual(400);
              expect(reply.status).toBeLessThan(500);
              expect(reply.body).toEqual({ class: expect.any(String), message: expect.any(String) });
              return;
            }
            if (reply.status !== 200)
              throw new Error(`${k} (${url}) answered ${reply.status} ${JSON.stringify(reply.body)}`);
            const tolerated = KNOWN_DEVIATIONS[`${schema.file} ${k}`]?.problems ?? [];
            expect(
              validator.check(op.responseType, reply.body).filter((p) => !tolerated.includes(p)),
            ).toEqual([]);

            const optional = op.httpMethod === "GET" ? optionalQuery(op) : null;
            if (optional) {
              const filtered = await t.call(op.httpMethod, withQuery(request.path, optional), undefined, {
                unsigned: op.noAuthentication === true,
              });
              expect(filtered.status).toBe(200);
              expect(validator.check(op.responseType, filtered.body)).toEqual([]);
            }
          });
        }
      });
    }
  });
}
