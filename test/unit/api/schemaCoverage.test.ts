/**
 * Schema-driven check: every operation of the OVH schemas this layer covers has an implementation,
 * and that implementation sends the schema's method, path, query, body and authentication.
 */
import * as fs from "fs";
import * as path from "path";
import * as api from "../../../provider/api";
import { OvhResponseShapeError } from "../../../provider/api/parse";
import { FakeOvh } from "./fakeOvh";

const SCHEMA_DIR = path.resolve(__dirname, "../../../provider/api/schemas");

const SCHEMA_FILES = [
  "saas-csp2-current.json",
  "saas-csp2-legacy.json",
  "order-cart-excerpt.json",
  "me-order-excerpt.json",
  "domain-zone-excerpt.json",
  "services-excerpt.json",
  "price-csp2-excerpt.json",
  "auth.json",
];

type ModuleName = "auth" | "csp2" | "dnsZone" | "domain" | "order" | "price" | "services";

interface Implementation {
  readonly module: ModuleName;
  readonly fn: string;
  /** Arguments after the requester; string ids contain "/" to prove encoding. */
  readonly args: readonly unknown[];
}

const SN = "svc/1";
const CART = "cart/1";
const ZONE = "zone/x.example";
const renew = { renew: { automatic: true, deleteAtExpiration: false, forced: false } };
const product = { planCode: "p", duration: "P1M", pricingMode: "default", quantity: 1 };

/** "METHOD path" → the function implementing it. */
const IMPLEMENTED: Readonly<Record<string, Implementation>> = {
  // /saas/csp2
  "GET /saas/csp2": { module: "csp2", fn: "listTenants", args: [{ iamTags: { a: [{ value: "b" }] } }] },
  "GET /saas/csp2/{serviceName}": { module: "csp2", fn: "getTenant", args: [SN] },
  "PUT /saas/csp2/{serviceName}": { module: "csp2", fn: "updateTenant", args: [SN, { displayName: "x" }] },
  "GET /saas/csp2/{serviceName}/billingPeriodPeaks": {
    module: "csp2",
    fn: "getBillingPeriodPeaks",
    args: [SN],
  },
  "GET /saas/csp2/{serviceName}/orderableLicenses": {
    module: "csp2",
    fn: "listOrderableLicenses",
    args: [SN],
  },
  "GET /saas/csp2/{serviceName}/orderableLicenses/{id}": {
    module: "csp2",
    fn: "getOrderableLicense",
    args: [SN, 3],
  },
  "GET /saas/csp2/{serviceName}/serviceInfos": { module: "csp2", fn: "getServiceInfos", args: [SN] },
  "PUT /saas/csp2/{serviceName}/serviceInfos": {
    module: "csp2",
    fn: "updateServiceInfos",
    args: [SN, renew],
  },
  "GET /saas/csp2/{serviceName}/subscription": { module: "csp2", fn: "listSubscriptions", args: [SN] },
  "POST /saas/csp2/{serviceName}/subscription": {
    module: "csp2",
    fn: "createSubscription",
    args: [SN, { licenseId: 1, quantity: 2 }],
  },
  "GET /saas/csp2/{serviceName}/subscription/{id}": { module: "csp2", fn: "getSubscription", args: [SN, 4] },
  "DELETE /saas/csp2/{serviceName}/subscription/{id}": {
    module: "csp2",
    fn: "deleteSubscription",
    args: [SN, 4],
  },
  "GET /saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds": {
    module: "csp2",
    fn: "listAddonSubscriptionIds",
    args: [SN, 4],
  },
  "GET /saas/csp2/{serviceName}/subscription/{id}/availableAddonLicenses": {
    module: "csp2",
    fn: "listAvailableAddonLicenses",
    args: [SN, 4],
  },
  "POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity": {
    module: "csp2",
    fn: "changeSubscriptionQuantity",
    args: [SN, 4, { quantity: 5 }],
  },
  "POST /saas/csp2/{serviceName}/subscription/{id}/orderAddon": {
    module: "csp2",
    fn: "orderSubscriptionAddon",
    args: [SN, 4, { licenseId: 6, quantity: 1 }],
  },
  "GET /saas/csp2/{serviceName}/task": { module: "csp2", fn: "listTasks", args: [SN] },
  "GET /saas/csp2/{serviceName}/task/{id}": { module: "csp2", fn: "getTask", args: [SN, 7] },
  "GET /saas/csp2/{serviceName}/usageStatistics": {
    module: "csp2",
    fn: "getUsageStatistics",
    args: [SN, "lastMonth"],
  },
  "POST /saas/csp2/{serviceName}/configureDomain": {
    module: "csp2",
    fn: "configureDomain",
    args: [SN, { domain: "x.example", supportedServices: ["Email"] }],
  },
  "POST /saas/csp2/{serviceName}/changeAdministratorPassword": {
    module: "csp2",
    fn: "changeAdministratorPassword",
    args: [SN, { newPassword: "pw" }],
  },

  // /order/cart
  "GET /order/cart": { module: "order", fn: "listCarts", args: [{ description: "d" }] },
  "POST /order/cart": { module: "order", fn: "createCart", args: [{ ovhSubsidiary: "FR" }] },
  "GET /order/cart/{cartId}": { module: "order", fn: "getCart", args: [CART] },
  "PUT /order/cart/{cartId}": { module: "order", fn: "updateCart", args: [CART, { description: "d" }] },
  "DELETE /order/cart/{cartId}": { module: "order", fn: "deleteCart", args: [CART] },
  "POST /order/cart/{cartId}/assign": { module: "order", fn: "assignCart", args: [CART] },
  "GET /order/cart/{cartId}/checkout": { module: "order", fn: "previewCheckout", args: [CART] },
  "POST /order/cart/{cartId}/checkout": { module: "order", fn: "checkoutCart", args: [CART] },
  "GET /order/cart/{cartId}/csp2": { module: "order", fn: "listCsp2Offers", args: [CART] },
  "POST /order/cart/{cartId}/csp2": { module: "order", fn: "addCsp2Item", args: [CART, product] },
  "GET /order/cart/{cartId}/csp2/options": { module: "order", fn: "listCsp2Options", args: [CART, "p"] },
  "POST /order/cart/{cartId}/csp2/options": {
    module: "order",
    fn: "addCsp2Option",
    args: [CART, { ...product, itemId: 8 }],
  },
  "GET /order/cart/{cartId}/item": { module: "order", fn: "listCartItems", args: [CART] },
  "GET /order/cart/{cartId}/item/{itemId}": { module: "order", fn: "getCartItem", args: [CART, 8] },
  "PUT /order/cart/{cartId}/item/{itemId}": {
    module: "order",
    fn: "updateCartItem",
    args: [CART, 8, { quantity: 2 }],
  },
  "DELETE /order/cart/{cartId}/item/{itemId}": { module: "order", fn: "deleteCartItem", args: [CART, 8] },
  "GET /order/cart/{cartId}/item/{itemId}/configuration": {
    module: "order",
    fn: "listItemConfigurations",
    args: [CART, 8, { label: "l" }],
  },
  "POST /order/cart/{cartId}/item/{itemId}/configuration": {
    module: "order",
    fn: "addItemConfiguration",
    args: [CART, 8, { label: "l", value: "v" }],
  },
  "GET /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}": {
    module: "order",
    fn: "getItemConfiguration",
    args: [CART, 8, 9],
  },
  "DELETE /order/cart/{cartId}/item/{itemId}/configuration/{configurationId}": {
    module: "order",
    fn: "deleteItemConfiguration",
    args: [CART, 8, 9],
  },
  "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration": {
    module: "order",
    fn: "getItemRequiredConfiguration",
    args: [CART, 8],
  },
  "GET /order/cart/{cartId}/summary": { module: "order", fn: "getCartSummary", args: [CART] },

  // /me
  "GET /me": { module: "order", fn: "getMe", args: [] },
  "GET /me/order": {
    module: "order",
    fn: "listOrders",
    args: [{ dateFrom: "2024-01-01", dateTo: "2024-02-01" }],
  },
  "GET /me/order/{orderId}": { module: "order", fn: "getOrder", args: [10] },
  "GET /me/order/{orderId}/associatedObject": { module: "order", fn: "getOrderAssociatedObject", args: [10] },
  "GET /me/order/{orderId}/details": { module: "order", fn: "listOrderDetails", args: [10] },
  "GET /me/order/{orderId}/details/{orderDetailId}": {
    module: "order",
    fn: "getOrderDetail",
    args: [10, 11],
  },
  "GET /me/order/{orderId}/details/{orderDetailId}/extension": {
    module: "order",
    fn: "getOrderDetailExtension",
    args: [10, 11],
  },
  "GET /me/order/{orderId}/followUp": { module: "order", fn: "getOrderFollowUp", args: [10] },
  "POST /me/order/{orderId}/pay": { module: "order", fn: "payOrder", args: [10, 12] },
  "POST /me/order/{orderId}/payWithRegisteredPaymentMean": {
    module: "order",
    fn: "payOrderWithRegisteredPaymentMean",
    args: [10, { paymentMean: "fidelityAccount", paymentMeanId: 13 }],
  },
  "GET /me/order/{orderId}/status": { module: "order", fn: "getOrderStatus", args: [10] },
  "GET /me/payment/method": {
    module: "order",
    fn: "listPaymentMethods",
    args: [{ default: true, paymentType: "CREDIT_CARD", status: "VALID" }],
  },
  "GET /me/notification/email/history": { module: "order", fn: "listEmailNotifications", args: [] },
  "GET /me/notification/email/history/{id}": { module: "order", fn: "getEmailNotification", args: [14] },

  // /domain/zone
  "GET /domain/zone": { module: "dnsZone", fn: "listZones", args: [{ iamTags: { a: [{ value: "b" }] } }] },
  "GET /domain/zone/{zoneName}": { module: "dnsZone", fn: "getZone", args: [ZONE] },
  "GET /domain/zone/{zoneName}/record": {
    module: "dnsZone",
    fn: "listRecords",
    args: [ZONE, { fieldType: "TXT", subDomain: "" }],
  },
  "POST /domain/zone/{zoneName}/record": {
    module: "dnsZone",
    fn: "createRecord",
    args: [ZONE, { fieldType: "TXT", subDomain: "", target: "MS=ms1", ttl: 3600 }],
  },
  "GET /domain/zone/{zoneName}/record/{id}": { module: "dnsZone", fn: "getRecord", args: [ZONE, 15] },
  "PUT /domain/zone/{zoneName}/record/{id}": {
    module: "dnsZone",
    fn: "updateRecord",
    args: [ZONE, 15, { target: "MS=ms2" }],
  },
  "DELETE /domain/zone/{zoneName}/record/{id}": { module: "dnsZone", fn: "deleteRecord", args: [ZONE, 15] },
  "POST /domain/zone/{zoneName}/refresh": { module: "dnsZone", fn: "refreshZone", args: [ZONE] },
  "GET /domain/zone/{zoneName}/status": { module: "dnsZone", fn: "getZoneStatus", args: [ZONE] },
  "GET /domain/zone/{zoneName}/export": { module: "dnsZone", fn: "exportZone", args: [ZONE] },
  "GET /domain/zone/{zoneName}/serviceInfos": { module: "dnsZone", fn: "getZoneServiceInfos", args: [ZONE] },
  "PUT /domain/zone/{zoneName}/serviceInfos": {
    module: "dnsZone",
    fn: "updateZoneServiceInfos",
    args: [ZONE, renew],
  },

  // /domain
  "GET /domain": { module: "domain", fn: "listDomains", args: [{ whoisOwner: "o" }] },
  "GET /domain/{serviceName}": { module: "domain", fn: "getDomain", args: [SN] },
  "GET /domain/{serviceName}/nameServer": { module: "domain", fn: "listNameServers", args: [SN] },
  "GET /domain/{serviceName}/nameServer/{id}": { module: "domain", fn: "getNameServer", args: [SN, 16] },

  // /services
  "GET /services": {
    module: "services",
    fn: "listServices",
    args: [{ resourceName: "r", routes: "/saas/csp2/{serviceName}", orderBy: "serviceId", sort: "asc" }],
  },
  "GET /services/{serviceId}": { module: "services", fn: "getService", args: [17] },
  "PUT /services/{serviceId}": { module: "services", fn: "updateService", args: [17, { displayName: "d" }] },
  "POST /services/{serviceId}/terminate": { module: "services", fn: "terminateService", args: [17] },
  "POST /services/{serviceId}/terminate/confirm": {
    module: "services",
    fn: "confirmServiceTermination",
    args: [17, "token"],
  },

  // /price
  "GET /price/saas/csp2/license/{licenseName}": {
    module: "price",
    fn: "getCsp2LicensePrice",
    args: ["ProPlus"],
  },

  // /auth
  "GET /auth/time": { module: "auth", fn: "getServerTime", args: [] },
  "GET /auth/currentCredential": { module: "auth", fn: "getCurrentCredential", args: [] },
  "GET /auth/details": { module: "auth", fn: "getAuthDetails", args: [] },
};

/** Schema operations deliberately left out, with the reason. */
const OUT_OF_SCOPE: Readonly<Record<string, string>> = {
  "POST /auth/credential": "consumer-key creation is an interactive setup step, not provider work",
  "POST /auth/logout": "would revoke the user's credentials",
  "GET /order/saas/csp2/new": "legacy order flow without contact data or MPN id; the cart replaces it",
  "GET /order/saas/csp2/new/{duration}": "legacy order flow; the cart replaces it",
  "POST /order/saas/csp2/new/{duration}": "legacy order flow; the cart replaces it",
  "PUT /me": "the provider never edits the account",
  "POST /me/payment/method": "adding a payment method needs a browser flow",
  "PUT /domain/{serviceName}": "the provider only reads domain delegation",
  "POST /domain/{serviceName}/nameServer": "the provider only reads domain delegation",
  "DELETE /domain/{serviceName}/nameServer/{id}": "the provider only reads domain delegation",
  "POST /domain/{serviceName}/nameServers/update": "the provider only reads domain delegation",
  "POST /domain/zone/{zoneName}/terminate": "the provider never terminates a customer's DNS zone",
  "POST /domain/zone/{zoneName}/confirmTermination": "the provider never terminates a customer's DNS zone",
};

interface SchemaParameter {
  readonly name?: string;
  readonly dataType: string;
  readonly paramType: "path" | "query" | "body";
  readonly required?: boolean;
}
interface SchemaOperation {
  readonly key: string;
  readonly file: string;
  readonly method: string;
  readonly path: string;
  readonly responseType: string;
  readonly noAuthentication: boolean;
  readonly parameters: readonly SchemaParameter[];
  /** Properties of the body model, when the whole body is one schema model. */
  readonly bodyModel?: Readonly<Record<string, { readonly required?: boolean; readonly readOnly?: boolean }>>;
}

function loadOperations(): SchemaOperation[] {
  const out: SchemaOperation[] = [];
  for (const file of SCHEMA_FILES) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")) as {
      apis: {
        path: string;
        operations: {
          httpMethod: string;
          responseType: string;
          noAuthentication?: boolean;
          parameters?: SchemaParameter[];
        }[];
      }[];
      models: Record<string, { properties?: Record<string, { required?: boolean; readOnly?: boolean }> }>;
    };
    for (const entry of schema.apis) {
      for (const op of entry.operations) {
        out.push({
          key: `${op.httpMethod} ${entry.path}`,
          file,
          method: op.httpMethod,
          path: entry.path,
          responseType: op.responseType,
          noAuthentication: op.noAuthentication === true,
          parameters: op.parameters ?? [],
          bodyModel: (op.parameters ?? [])
            .filter((p) => p.paramType === "body" && !p.name)
            .map((p) => schema.models[p.dataType]?.properties)[0],
        });
      }
    }
  }
  return out;
}

const operations = loadOperations();

/**
 * One entry per implemented "METHOD path". When several schema versions declare it (current and legacy
 * csp2), their parameters are merged: the function may send what any version accepts (e.g. `iamTags`,
 * only in the current one), and the versions must agree on authentication.
 */
function mergeImplemented(): SchemaOperation[] {
  const byKey = new Map<string, SchemaOperation>();
  for (const op of operations.filter((o) => o.key in IMPLEMENTED)) {
    const seen = byKey.get(op.key);
    if (seen === undefined) {
      byKey.set(op.key, op);
      continue;
    }
    if (seen.noAuthentication !== op.noAuthentication) throw new Error(`${op.key}: schemas disagree on auth`);
    const names = new Set(seen.parameters.map((p) => `${p.paramType}:${p.name}`));
    byKey.set(op.key, {
      ...seen,
      file: `${seen.file}+${op.file}`,
      parameters: [
        ...seen.parameters.map((p) => ({
          ...p,
          required:
            p.required === true &&
            op.parameters.some(
              (q) => q.paramType === p.paramType && q.name === p.name && q.required === true,
            ),
        })),
        ...op.parameters
          .filter((p) => !names.has(`${p.paramType}:${p.name}`))
          .map((p) => ({ ...p, required: false })),
      ],
    });
  }
  return [...byKey.values()];
}
const implemented = mergeImplemented();

function templateRegExp(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, "[^/]+")}$`);
}

describe("schema coverage", () => {
  it("finds the schemas beside the repository", () => {
    expect(operations.length).toBeGreaterThan(80);
  });

  it("implements or explicitly excludes every schema operation", () => {
    const unaccounted = operations.filter((op) => !(op.key in IMPLEMENTED) && !(op.key in OUT_OF_SCOPE));
    expect(unaccounted.map((op) => `${op.key} (${op.file})`)).toEqual([]);
    const both = Object.keys(IMPLEMENTED).filter((key) => key in OUT_OF_SCOPE);
    expect(both).toEqual([]);
  });

  it("lists no operation the schemas do not have", () => {
    const known = new Set(operations.map((op) => op.key));
    expect(Object.keys(IMPLEMENTED).filter((key) => !known.has(key))).toEqual([]);
    expect(Object.keys(OUT_OF_SCOPE).filter((key) => !known.has(key))).toEqual([]);
  });

  it("exports every mapped function from its namespace", () => {
    const missing = Object.entries(IMPLEMENTED)
      .filter(([, impl]) => typeof (api[impl.module] as Record<string, unknown>)[impl.fn] !== "function")
      .map(([key, impl]) => `${key} → ${impl.module}.${impl.fn}`);
    expect(missing).toEqual([]);
  });

  it.each(implemented.map((op) => [op.key, op.file, op] as const))(
    "%s (%s) sends what the schema describes",
    async (_key, _file, op) => {
      const impl = IMPLEMENTED[op.key] as Implementation;
      const namespace = api[impl.module] as unknown as Record<
        string,
        (...args: unknown[]) => Promise<unknown>
      >;
      const fn = namespace[impl.fn] as (...args: unknown[]) => Promise<unknown>;
      const ovh = new FakeOvh(); // answers null: fine for void operations, a shape error otherwise
      const outcome = await fn(ovh, ...impl.args).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (op.responseType === "void") {
        expect(outcome).toEqual({ ok: true, value: undefined });
      } else {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(OvhResponseShapeError);
          expect((outcome.error as OvhResponseShapeError).operation).toBe(op.key);
        }
      }

      const request = ovh.only;
      expect(request.method).toBe(op.method);
      expect(request.path).toMatch(templateRegExp(op.path));
      expect(request.authenticated === false).toBe(op.noAuthentication);

      const queryNames = op.parameters.filter((p) => p.paramType === "query").map((p) => p.name);
      for (const name of Object.keys(request.query ?? {})) expect(queryNames).toContain(name);
      for (const p of op.parameters.filter((q) => q.paramType === "query" && q.required)) {
        expect(request.query).toHaveProperty([p.name as string]);
      }

      const bodyParams = op.parameters.filter((p) => p.paramType === "body");
      if (bodyParams.length === 0) {
        expect(request.body).toBeUndefined();
      } else if (bodyParams.some((p) => p.name === undefined || p.name === null)) {
        // The whole body is one model: send only its writable properties, and all its required ones.
        expect(op.bodyModel).toBeDefined();
        const body = request.body as Record<string, unknown>;
        const model = op.bodyModel ?? {};
        const writable = Object.keys(model).filter((k) => model[k]?.readOnly !== true);
        for (const key of Object.keys(body)) expect(writable).toContain(key);
        for (const key of Object.keys(model).filter((k) => model[k]?.required === true)) {
          expect(body).toHaveProperty([key]);
        }
      } else {
        const body = request.body as Record<string, unknown>;
        const names = bodyParams.map((p) => p.name);
        for (const key of Object.keys(body)) expect(names).toContain(key);
        for (const p of bodyParams.filter((q) => q.required)) expect(body).toHaveProperty([p.name as string]);
      }
    },
  );
});
