/**
 * The order cart for the `csp2` product, the account (`/me`), its payment methods, orders and e-mail history.
 *
 * A tenant is created the way OVH creates it: cart → item (plan `csp2-microsoft365-tenant`) → configuration
 * labels (discoverable through `requiredConfiguration`) → checkout → payment → the order moves
 * `checking` → `delivering` → `delivered` over `orderDelayMs`, then the tenant is provisioned and the order
 * detail's `domain` carries its service name. Transitions are applied lazily by `settle`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  AreaModule,
  OvhError,
  Routes,
  SandboxContext,
  SandboxRequest,
  badRequest,
  notFound,
} from "../core/contract";
import {
  DAY_MS,
  Json,
  bodyObject,
  isoDateTime,
  mandatory,
  notInEnum,
  optionalBoolean,
  optionalEnum,
  optionalLong,
  optionalNullableString,
  optionalString,
  pathLong,
  queryBoolean,
  queryDate,
  queryEnum,
  requiredEnum,
  requiredLong,
  requiredString,
} from "./bodyFields";
import { checkSlice } from "../core/checks";
import { own } from "../core/util";
import { provisionTenant } from "./csp2";
import { ACCOUNT_NIC } from "./services";

// ---------------------------------------------------------------------------------------------------------
// Catalogue: the sandbox's own csp2 offers and the configuration each plan requires.

export const TENANT_PLAN = "csp2-microsoft365-tenant";
export const DELEGATION_PLAN = "csp2-microsoft365-tenant-delegation";

export interface LabelSpec {
  readonly label: string;
  readonly required: boolean;
  /** Checked at checkout; returns a reason when the value is unacceptable. */
  readonly check?: (value: string) => string | undefined;
}

const MPN_ID = /^\d{6,7}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9][0-9 .()-]{5,19}$/;
const COUNTRY = /^[A-Z]{2}$/;
/** The `<name>` of `<name>.onmicrosoft.com`: letters and digits (and inner hyphens), at most 27 characters. */
const SUB_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,25}[a-z0-9])?$/i;
const ONMICROSOFT = /^[a-z0-9](?:[a-z0-9-]{0,25}[a-z0-9])?\.onmicrosoft\.com$/i;

const checkMpn = (v: string) =>
  MPN_ID.test(v)
    ? undefined
    : "MPN ID required on orders: a Microsoft Partner Network (Partner) ID is a 6 or 7 digit number";
const checkNotBlank = (v: string) => (v.trim() === "" ? "the value must not be empty" : undefined);

const TENANT_LABELS: readonly LabelSpec[] = [
  { label: "mpnId", required: true, check: checkMpn },
  { label: "customerFirstName", required: true, check: checkNotBlank },
  { label: "customerLastName", required: true, check: checkNotBlank },
  {
    label: "customerEmail",
    required: true,
    check: (v) => (EMAIL.test(v) ? undefined : "an e-mail address is expected"),
  },
  {
    label: "customerPhone",
    required: true,
    check: (v) => (PHONE.test(v) ? undefined : "a phone number such as +33.123456789 is expected"),
  },
  { label: "customerAddress", required: true, check: checkNotBlank },
  { label: "customerCity", required: true, check: checkNotBlank },
  { label: "customerZipCode", required: true, check: checkNotBlank },
  {
    label: "customerCountry",
    required: true,
    check: (v) => (COUNTRY.test(v) ? undefined : "an ISO 3166-1 alpha-2 country code (e.g. FR) is expected"),
  },
  {
    label: "tenantDisplayName",
    required: true,
    check: (v) => (v.trim() === "" || v.length > 64 ? "1 to 64 characters are expected" : undefined),
  },
  {
    label: "customSubDomain",
    required: false,
    check: (v) =>
      SUB_DOMAIN.test(v)
        ? undefined
        : "the <name> of <name>.onmicrosoft.com is expected: letters, digits and inner hyphens, at most 27",
  },
];

const DELEGATION_LABELS: readonly LabelSpec[] = [
  { label: "mpnId", required: true, check: checkMpn },
  {
    label: "existingTenantDomain",
    required: true,
    check: (v) =>
      ONMICROSOFT.test(v) ? undefined : "the tenant's initial domain (<name>.onmicrosoft.com) is expected",
  },
  { label: "customerFirstName", required: true, check: checkNotBlank },
  { label: "customerLastName", required: true, check: checkNotBlank },
  {
    label: "customerEmail",
    required: true,
    check: (v) => (EMAIL.test(v) ? undefined : "an e-mail address is expected"),
  },
  {
    label: "tenantDisplayName",
    required: false,
    check: (v) => (v.length > 64 ? "at most 64 characters are expected" : undefined),
  },
];

export interface PlanSpec {
  readonly planCode: string;
  readonly productName: string;
  /** Price excluding tax, in euros, per duration. */
  readonly prices: Readonly<Record<"P1M" | "P1Y", number>>;
  readonly labels: readonly LabelSpec[];
}

export const PLANS: readonly PlanSpec[] = [
  {
    planCode: TENANT_PLAN,
    productName: "Microsoft 365 tenant (CSP2), new tenant",
    prices: { P1M: 2, P1Y: 20 },
    labels: TENANT_LABELS,
  },
  {
    planCode: DELEGATION_PLAN,
    productName: "Microsoft 365 tenant (CSP2), delegation of an existing tenant",
    prices: { P1M: 2, P1Y: 20 },
    labels: DELEGATION_LABELS,
  },
];

/**
 * `--typed-labels`: the types and fields `requiredConfiguration` answers, in the shape OVH's model allows
 * (`type` any string, `fields` the sub-fields to input). OVH's real csp2 values are not public: these are
 * plausible ones, meant to check that a client relies on labels only.
 */
const TYPED_LABELS: Readonly<Record<string, { type: string; fields: string[] | null }>> = {
  mpnId: { type: "String", fields: null },
  customerEmail: { type: "Email", fields: null },
  customerPhone: { type: "PhoneNumber", fields: ["countryCallingCode", "nationalNumber"] },
  customerAddress: { type: "/me/contact/address", fields: ["line1", "line2", "line3"] },
  customerCountry: { type: "nichandle.CountryEnum", fields: null },
  existingTenantDomain: { type: "/domain", fields: ["domain"] },
};

const DURATIONS = ["P1M", "P1Y"] as const;
const PRICING_MODE = "default";

export const SUBSIDIARIES = [
  "CZ",
  "DE",
  "ES",
  "EU",
  "FI",
  "FR",
  "GB",
  "IE",
  "IT",
  "LT",
  "MA",
  "NL",
  "PL",
  "PT",
  "SN",
  "TN",
] as const;
/** VAT applied by subsidiary (sandbox values; the csp2 catalogue is priced in euros everywhere). */
const TAX_RATES: Readonly<Record<string, number>> = {
  CZ: 0.21,
  DE: 0.19,
  ES: 0.21,
  EU: 0.2,
  FI: 0.255,
  FR: 0.2,
  GB: 0.2,
  IE: 0.23,
  IT: 0.22,
  LT: 0.21,
  MA: 0.2,
  NL: 0.21,
  PL: 0.23,
  PT: 0.23,
  SN: 0.18,
  TN: 0.19,
};

const REUSABLE_PAYMENT_MEANS = [
  "CREDIT_CARD",
  "CURRENT_ACCOUNT",
  "DEFERRED_PAYMENT_ACCOUNT",
  "DOMESTIC_CARD",
  "ENTERPRISE",
  "INTERNAL_TRUSTED_ACCOUNT",
  "PAYPAL",
  "RUPAY",
  "SEPA_DIRECT_DEBIT",
  "bankAccount",
  "creditCard",
  "deferredPaymentAccount",
  "fidelityAccount",
  "ovhAccount",
  "paypal",
] as const;
const PAYMENT_METHOD_STATUSES = [
  "CANCELED",
  "CANCELING",
  "CREATED",
  "CREATING",
  "ERROR",
  "EXPIRED",
  "FAILED",
  "MAINTENANCE",
  "PAUSED",
  "REJECTED",
  "REPLACED",
  "VALID",
  "VALIDATING",
] as const;
const LANGUAGES = [
  "cs_CZ",
  "de_DE",
  "en_AU",
  "en_CA",
  "en_GB",
  "en_IE",
  "en_US",
  "es_ES",
  "fi_FI",
  "fr_CA",
  "fr_FR",
  "fr_MA",
  "fr_SN",
  "fr_TN",
  "it_IT",
  "lt_LT",
  "nl_NL",
  "pl_PL",
  "pt_PT",
] as const;
const LEGAL_FORMS = [
  "administration",
  "association",
  "corporation",
  "individual",
  "other",
  "personalcorporation",
] as const;

export function planSpec(planCode: string): PlanSpec | undefined {
  return PLANS.find((p) => p.planCode === planCode);
}

// ---------------------------------------------------------------------------------------------------------
// State (the `order` slice).

interface ConfigurationState {
  id: number;
  label: string;
  value: string;
}

interface CartItemState {
  itemId: number;
  planCode: string;
  duration: string;
  pricingMode: string;
  quantity: number;
  configurations: ConfigurationState[];
}

interface CartState {
  cartId: string;
  description: string;
  expire: number | null;
  ovhSubsidiary: string;
  assigned: boolean;
  readOnly: boolean;
  items: CartItemState[];
}

interface OrderDetailState {
  orderDetailId: number;
  cartItemId: number;
  planCode: string;
  duration: string;
  pricingMode: string;
  quantity: number;
  description: string;
  productName: string;
  unitPrice: number;
  configurations: { label: string; value: string }[];
  /** `*` until delivery, then the service name of the new tenant. */
  domain: string;
}

interface OrderState {
  orderId: number;
  cartId: string;
  date: number;
  expirationDate: number;
  password: string;
  taxRate: number;
  waiveRetractationPeriod: boolean;
  paidAt: number | null;
  paidWith: string | null;
  billId: string | null;
  deliveredAt: number | null;
  deliveryError: string | null;
  details: OrderDetailState[];
}

interface PaymentMethodState {
  paymentMethodId: number;
  paymentType: string;
  description: string | null;
  status: string;
  default: boolean;
  creationDate: number;
}

interface EmailState {
  id: number;
  date: number;
  subject: string;
  body: string;
}

export interface OrderSlice {
  account: Json;
  paymentMethods: PaymentMethodState[];
  carts: Record<string, CartState>;
  orders: Record<string, OrderState>;
  emails: EmailState[];
}

function slice(ctx: SandboxContext): OrderSlice {
  return ctx.store.state["order"] as OrderSlice;
}

function defaultAccount(): Json {
  return {
    address: "2 rue Kellermann",
    area: null,
    birthCity: null,
    birthDay: null,
    city: "Roubaix",
    companyNationalIdentificationNumber: "12345678900017",
    complementaryAddress: null,
    corporationType: "SAS",
    country: "FR",
    currency: { code: "EUR", symbol: "€" },
    customerCode: "1234-5678-90",
    email: "admin@contoso-reseller.example",
    fax: null,
    firstname: "Alex",
    italianSDI: null,
    kycValidated: true,
    language: "fr_FR",
    legalform: "corporation",
    name: "Martin",
    nationalIdentificationNumber: null,
    nichandle: ACCOUNT_NIC,
    organisation: "Contoso Cloud Reseller SAS",
    ovhCompany: "ovh",
    ovhSubsidiary: "FR",
    phone: "+33.972101007",
    phoneCountry: "FR",
    phoneType: "landline",
    purposeOfPurchase: null,
    sex: null,
    spareEmail: null,
    state: "complete",
    vat: "FR40123456789",
    zip: "59100",
  };
}

/** Fields of `nichandle.Nichandle` that `PUT /me` may change (the others are read-only). */
const WRITABLE_ACCOUNT_FIELDS = [
  "address",
  "area",
  "birthCity",
  "birthDay",
  "city",
  "companyNationalIdentificationNumber",
  "complementaryAddress",
  "corporationType",
  "fax",
  "firstname",
  "italianSDI",
  "name",
  "nationalIdentificationNumber",
  "organisation",
  "phone",
  "purposeOfPurchase",
  "spareEmail",
  "vat",
  "zip",
] as const;

/** Records an e-mail in `/me/notification/email/history` (other areas may use it, e.g. termination tokens). */
export function addEmailNotification(ctx: SandboxContext, subject: string, body: string): number {
  const id = 9_000_000 + ctx.store.nextId("emailNotification");
  slice(ctx).emails.push({ id, date: ctx.clock.now(), subject, body });
  return id;
}

// ---------------------------------------------------------------------------------------------------------
// Prices.

const round2 = (n: number) => Math.round(n * 100) / 100;

export function price(value: number): Json {
  const v = round2(value);
  return {
    currencyCode: "EUR",
    priceInUcents: Math.round(v * 100_000_000),
    text: `${v.toFixed(2)} €`,
    value: v,
  };
}

function unitPriceOf(planCode: string, duration: string): number {
  const plan = planSpec(planCode);
  return plan ? (plan.prices[duration as "P1M" | "P1Y"] ?? 0) : 0;
}

function offers(): Json[] {
  return PLANS.map((plan) => ({
    planCode: plan.planCode,
    productName: plan.productName,
    productType: "saas_license",
    prices: DURATIONS.map((duration) => ({
      capacities: ["renew"],
      description: duration === "P1M" ? "Monthly fee" : "Yearly fee",
      duration,
      interval: 1,
      maximumQuantity: 1,
      maximumRepeat: null,
      minimumQuantity: 1,
      minimumRepeat: 1,
      price: price(plan.prices[duration]),
      priceInUcents: Math.round(plan.prices[duration] * 100_000_000),
      pricingMode: PRICING_MODE,
      pricingType: "rental",
    })),
  }));
}

function durationText(duration: string): string {
  return duration === "P1Y" ? "1 year" : "1 month";
}

// ---------------------------------------------------------------------------------------------------------
// Carts.

function getCart(ctx: SandboxContext, cartId: string): CartState {
  const cart = own(slice(ctx).carts, cartId);
  if (!cart) throw notFound(`cartId = ${cartId}`);
  return cart;
}

function writableCart(ctx: SandboxContext, cartId: string): CartState {
  const cart = getCart(ctx, cartId);
  if (cart.readOnly) throw new OvhError(403, "Client::Forbidden", `The cart ${cartId} is read only`);
  return cart;
}

function getItem(cart: CartState, itemId: number): CartItemState {
  const item = cart.items.find((i) => i.itemId === itemId);
  if (!item) throw notFound(`itemId = ${itemId}`);
  return item;
}

function cartView(cart: CartState): Json {
  return {
    cartId: cart.cartId,
    description: cart.description,
    expire: cart.expire === null ? null : isoDateTime(cart.expire),
    items: cart.items.map((i) => i.itemId),
    readOnly: cart.readOnly,
  };
}

function itemView(cart: CartState, item: CartItemState): Json {
  const unit = unitPriceOf(item.planCode, item.duration);
  return {
    cartId: cart.cartId,
    configurations: item.configurations.map((c) => c.id),
    duration: item.duration,
    itemId: item.itemId,
    offerId: null,
    options: [],
    parentItemId: null,
    prices: [
      { label: "PRICE", price: price(unit), promotions: [] },
      { label: "RENEW", price: price(unit), promotions: [] },
      { label: "TOTAL", price: price(unit * item.quantity), promotions: [] },
    ],
    productId: "csp2",
    settings: { planCode: item.planCode, pricingMode: item.pricingMode, quantity: item.quantity },
  };
}

function checkDuration(plan: PlanSpec, duration: string): void {
  if (!(DURATIONS as readonly string[]).includes(duration)) {
    throw badRequest(
      `[duration] Duration ${duration} is not available for plan ${plan.planCode}; available: ${DURATIONS.join(", ")}`,
    );
  }
}

function checkQuantity(quantity: number): void {
  if (quantity !== 1)
    throw badRequest(`[quantity] Quantity ${quantity} is out of range: exactly 1 is allowed`);
}

function labelsOf(item: CartItemState): readonly LabelSpec[] {
  return planSpec(item.planCode)?.labels ?? [];
}

/** The configuration problems of an item, in label order; empty when it may be checked out. */
export function configurationProblems(
  planCode: string,
  configurations: readonly { label: string; value: string }[],
): { label: string; message: string }[] {
  const plan = planSpec(planCode);
  if (!plan) return [{ label: "planCode", message: `Unknown plan ${planCode}` }];
  const problems: { label: string; message: string }[] = [];
  for (const spec of plan.labels) {
    const value = configurations.find((c) => c.label === spec.label)?.value;
    if (value === undefined || value.trim() === "") {
      if (spec.required) {
        problems.push({ label: spec.label, message: `Missing required configuration "${spec.label}"` });
      }
      continue;
    }
    const reason = spec.check?.(value.trim());
    if (reason)
      problems.push({ label: spec.label, message: `Invalid configuration "${spec.label}": ${reason}` });
  }
  return problems;
}

function validateForCheckout(cart: CartState): void {
  if (cart.items.length === 0) throw badRequest(`The cart ${cart.cartId} is empty`);
  for (const item of cart.items) {
    const problem = configurationProblems(item.planCode, item.configurations)[0];
    if (problem) {
      throw new OvhError(
        400,
        "Client::BadRequest",
        `${problem.message} on item ${item.itemId} (plan ${item.planCode})`,
        undefined,
        { label: problem.label, itemId: String(item.itemId) },
      );
    }
  }
}

const CONTRACTS: Json[] = [
  {
    name: "Conditions générales de service",
    url: "https://www.ovh.com/fr/support/documents_legaux/conditions_generales_de_service.pdf",
    content: "OVHcloud general terms of service (sandbox copy: the real text is at the URL).",
  },
  {
    name: "Conditions particulières Microsoft (CSP)",
    url: "https://www.microsoft.com/licensing/docs/customeragreement",
    content: "Microsoft Customer Agreement: the end customer accepts it through the tenant's administrator.",
  },
];

function lineDetail(cartItemId: number, planCode: string, duration: string, quantity: number): Json {
  const unit = unitPriceOf(planCode, duration);
  const plan = planSpec(planCode);
  return {
    cartItemID: cartItemId,
    description: `${plan?.productName ?? planCode} - ${durationText(duration)}`,
    detailType: "DURATION",
    domain: "*",
    originalTotalPrice: price(unit * quantity),
    quantity,
    reductionTotalPrice: price(0),
    reductions: [],
    totalPrice: price(unit * quantity),
    unitPrice: price(unit),
  };
}

function totals(withoutTax: number, taxRate: number): { withoutTax: number; tax: number; withTax: number } {
  const w = round2(withoutTax);
  const tax = round2(w * taxRate);
  return { withoutTax: w, tax, withTax: round2(w + tax) };
}

function orderPrices(withoutTax: number, taxRate: number): Json {
  const t = totals(withoutTax, taxRate);
  return {
    originalWithoutTax: price(t.withoutTax),
    reduction: price(0),
    tax: price(t.tax),
    withTax: price(t.withTax),
    withoutTax: price(t.withoutTax),
  };
}

/** `order.Order` for a cart: the dry run (no `orderId`) or, with `order`, the created order. */
function cartOrderView(cart: CartState, order: OrderState | null, withContracts: boolean): Json {
  const details = cart.items.map((i) => lineDetail(i.itemId, i.planCode, i.duration, i.quantity));
  const withoutTax = cart.items.reduce((s, i) => s + unitPriceOf(i.planCode, i.duration) * i.quantity, 0);
  return {
    contracts: withContracts ? CONTRACTS : [],
    details,
    orderId: order ? order.orderId : null,
    prices: orderPrices(withoutTax, TAX_RATES[cart.ovhSubsidiary] ?? 0.2),
    url: order ? orderUrl(order) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Orders.

function orderUrl(order: OrderState): string {
  return `https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=${order.orderId}&orderPassword=${order.password}`;
}

function getOrder(ctx: SandboxContext, orderId: number): OrderState {
  const order = own(slice(ctx).orders, String(orderId));
  if (!order) throw notFound(`orderId = ${orderId}`);
  return order;
}

function orderTotals(order: OrderState) {
  return totals(
    order.details.reduce((s, d) => s + d.unitPrice * d.quantity, 0),
    order.taxRate,
  );
}

export type OrderStatus = "notPaid" | "checking" | "delivering" | "delivered" | "unknown";

/** The order's status at `now`; paid orders spend the first half of `delayMs` checking, the rest delivering. */
export function orderStatusAt(
  order: Pick<OrderState, "paidAt" | "deliveredAt" | "deliveryError">,
  now: number,
  delayMs: number,
): OrderStatus {
  if (order.deliveryError) return "unknown";
  if (order.deliveredAt !== null) return "delivered";
  if (order.paidAt === null) return "notPaid";
  return now < order.paidAt + delayMs / 2 ? "checking" : "delivering";
}

function billingOrderView(order: OrderState): Json {
  const t = orderTotals(order);
  return {
    date: isoDateTime(order.date),
    expirationDate: isoDateTime(order.expirationDate),
    orderId: order.orderId,
    password: order.password,
    pdfUrl: `${orderUrl(order)}&format=pdf`,
    priceWithTax: price(t.withTax),
    priceWithoutTax: price(t.withoutTax),
    retractionDate: order.waiveRetractationPeriod ? null : isoDateTime(order.date + 14 * DAY_MS),
    tax: price(t.tax),
    url: orderUrl(order),
  };
}

function markPaid(ctx: SandboxContext, order: OrderState, paidWith: string): void {
  if (order.paidAt !== null) {
    throw new OvhError(409, "Client::Conflict", `The order ${order.orderId} has already been paid`);
  }
  order.paidAt = ctx.clock.now();
  order.paidWith = paidWith;
  order.billId = `FR${40_000_000 + ctx.store.nextId("bill")}`;
  addEmailNotification(
    ctx,
    `Payment received for order ${order.orderId}`,
    `We received the payment of order ${order.orderId} (${price(orderTotals(order).withTax)["text"] as string}). Delivery is in progress.`,
  );
}

function defaultPaymentMethod(ctx: SandboxContext): PaymentMethodState | undefined {
  return slice(ctx).paymentMethods.find((m) => m.default && m.status === "VALID");
}

function configValue(detail: OrderDetailState, label: string): string | undefined {
  const value = detail.configurations.find((c) => c.label === label)?.value.trim();
  return value === "" ? undefined : value;
}

function deliver(ctx: SandboxContext, order: OrderState, at: number): void {
  try {
    for (const detail of order.details) {
      if (detail.domain !== "*") continue;
      const get = (label: string) => configValue(detail, label);
      const delegated = detail.planCode === DELEGATION_PLAN;
      const existing = get("existingTenantDomain");
      detail.domain = provisionTenant(ctx, {
        orderId: order.orderId,
        displayName: get("tenantDisplayName") ?? existing ?? "Microsoft 365 tenant",
        mpnId: get("mpnId") ?? "",
        firstName: get("customerFirstName") ?? "",
        lastName: get("customerLastName") ?? "",
        email: get("customerEmail") ?? "",
        phone: get("customerPhone"),
        address: get("customerAddress"),
        city: get("customerCity"),
        zipCode: get("customerZipCode"),
        customSubDomain: delegated ? existing?.replace(/\.onmicrosoft\.com$/i, "") : get("customSubDomain"),
      });
    }
    order.deliveredAt = at;
    addEmailNotification(
      ctx,
      `Your order ${order.orderId} has been delivered`,
      `Order ${order.orderId} is delivered: ${order.details.map((d) => d.domain).join(", ")}. ` +
        "The Microsoft 365 administrator credentials were sent to the tenant's contact.",
    );
  } catch (error) {
    order.deliveryError = error instanceof Error ? error.message : String(error);
  }
}

function followUp(order: OrderState, now: number, delayMs: number): Json[] {
  const status = orderStatusAt(order, now, delayMs);
  const paid = order.paidAt !== null;
  const h = (at: number, label: string, description: string) => ({
    date: isoDateTime(at),
    description,
    label,
  });
  const validating: Json[] = [h(order.date, "ORDER_STARTED", "Order created")];
  if (paid && order.paidAt !== null) {
    validating.push(h(order.paidAt, "PAYMENT_INITIATED", `Payment initiated (${order.paidWith ?? "?"})`));
    validating.push(h(order.paidAt, "PAYMENT_RECEIVED", "Payment received"));
  }
  const validated: Json[] =
    paid && order.paidAt !== null ? [h(order.paidAt, "ORDER_ACCEPTED", "Order accepted")] : [];
  const delivering: Json[] =
    status === "delivering" || status === "delivered" || status === "unknown"
      ? [h((order.paidAt ?? order.date) + delayMs / 2, "DELIVERY", "Delivery started")]
      : [];
  const available: Json[] =
    order.deliveredAt !== null
      ? [h(order.deliveredAt, "INVOICE_SENT", "Service available, invoice sent")]
      : [];
  return [
    { step: "VALIDATING", status: paid ? "DONE" : "DOING", history: validating },
    { step: "VALIDATED", status: paid ? "DONE" : "TODO", history: validated },
    {
      step: "DELIVERING",
      status:
        status === "unknown"
          ? "ERROR"
          : status === "delivered"
            ? "DONE"
            : status === "delivering" || status === "checking"
              ? "DOING"
              : "TODO",
      history: delivering,
    },
    { step: "AVAILABLE", status: status === "delivered" ? "DONE" : "TODO", history: available },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Payment methods.

function paymentMethodIds(ctx: SandboxContext, req: SandboxRequest): number[] {
  const isDefault = queryBoolean(req.query, "default");
  const paymentType = req.query.get("paymentType");
  const status = queryEnum(req.query, "status", PAYMENT_METHOD_STATUSES, "me.payment.method.StatusEnum");
  return slice(ctx)
    .paymentMethods.filter((m) => isDefault === undefined || m.default === isDefault)
    .filter((m) => paymentType === null || m.paymentType === paymentType)
    .filter((m) => status === undefined || m.status === status)
    .map((m) => m.paymentMethodId);
}

function addPaymentMethod(
  ctx: SandboxContext,
  paymentType: string,
  description: string | null,
  makeDefault: boolean,
): PaymentMethodState {
  const methods = slice(ctx).paymentMethods;
  const method: PaymentMethodState = {
    paymentMethodId: 1_500_000 + ctx.store.nextId("paymentMethod"),
    paymentType,
    description,
    status: "VALID",
    default: makeDefault || !methods.some((m) => m.default),
    creationDate: ctx.clock.now(),
  };
  if (method.default) for (const m of methods) m.default = false;
  methods.push(method);
  return method;
}

// ---------------------------------------------------------------------------------------------------------
// The module.

const open = { authenticated: false } as const;

export const orderArea: AreaModule = {
  name: "order",

  check: (s) =>
    checkSlice("order", s, {
      account: "record",
      paymentMethods: "array of objects",
      carts: "record of objects",
      orders: "record of objects",
      emails: "array of objects",
    }),

  init(ctx) {
    const current = ctx.store.state["order"] as Partial<OrderSlice> | undefined;
    if (current && typeof current === "object") return;
    ctx.store.state["order"] = {
      account: defaultAccount(),
      paymentMethods: [],
      carts: {},
      orders: {},
      emails: [],
    } satisfies OrderSlice;
  },

  seedDefault(ctx) {
    const method = addPaymentMethod(ctx, "CREDIT_CARD", "Visa •••• 4242 (company card)", true);
    method.creationDate = ctx.clock.now() - 400 * DAY_MS;
    const welcomeId = addEmailNotification(
      ctx,
      "Welcome to OVHcloud",
      `Your account ${ACCOUNT_NIC} is ready. You can now order Microsoft 365 tenants (CSP2).`,
    );
    const welcome = slice(ctx).emails.find((e) => e.id === welcomeId);
    if (welcome) welcome.date = ctx.clock.now() - 400 * DAY_MS;
  },

  settle(ctx) {
    const now = ctx.clock.now();
    const state = slice(ctx);
    for (const [id, cart] of Object.entries(state.carts)) {
      if (cart.expire !== null && cart.expire <= now) delete state.carts[id];
    }
    for (const order of Object.values(state.orders)) {
      if (order.paidAt === null || order.deliveredAt !== null || order.deliveryError !== null) continue;
      const due = order.paidAt + ctx.options.orderDelayMs;
      if (due <= now) deliver(ctx, order, due);
    }
  },

  register(routes: Routes, ctx: SandboxContext) {
    // ----- carts
    routes.add(
      "POST",
      "/order/cart",
      (req) => {
        const body = bodyObject(req.body);
        const ovhSubsidiary = requiredEnum(
          body,
          "ovhSubsidiary",
          SUBSIDIARIES,
          "nichandle.OvhSubsidiaryEnum",
        );
        const description = optionalString(body, "description") ?? "";
        const expireRaw = optionalString(body, "expire");
        let expire: number | null = null;
        if (expireRaw !== undefined) {
          expire = Date.parse(expireRaw);
          if (Number.isNaN(expire))
            throw badRequest(`[expire] Given data (${expireRaw}) is not a valid datetime`);
          if (expire <= ctx.clock.now())
            throw badRequest("[expire] The expiration date must be in the future");
        }
        const cart: CartState = {
          cartId: randomUUID(),
          description,
          expire,
          ovhSubsidiary,
          assigned: false,
          readOnly: false,
          items: [],
        };
        slice(ctx).carts[cart.cartId] = cart;
        return cartView(cart);
      },
      open,
    );
    routes.add("GET", "/order/cart", (req) => {
      const description = req.query.get("description");
      return Object.values(slice(ctx).carts)
        .filter((c) => c.assigned && (description === null || c.description === description))
        .map((c) => c.cartId);
    });
    routes.add("GET", "/order/cart/{cartId}", (req) => cartView(getCart(ctx, req.params.cartId ?? "")), open);
    routes.add(
      "PUT",
      "/order/cart/{cartId}",
      (req) => {
        const cart = writableCart(ctx, req.params.cartId ?? "");
        const body = bodyObject(req.body);
        const description = optionalString(body, "description");
        const expireRaw = optionalString(body, "expire");
        if (expireRaw !== undefined) {
          const expire = Date.parse(expireRaw);
          if (Number.isNaN(expire))
            throw badRequest(`[expire] Given data (${expireRaw}) is not a valid datetime`);
          cart.expire = expire;
        }
        if (description !== undefined) cart.description = description;
        return cartView(cart);
      },
      open,
    );
    routes.add("DELETE", "/order/cart/{cartId}", (req) => {
      const cart = getCart(ctx, req.params.cartId ?? "");
      delete slice(ctx).carts[cart.cartId];
      return undefined;
    });
    routes.add("POST", "/order/cart/{cartId}/assign", (req) => {
      getCart(ctx, req.params.cartId ?? "").assigned = true;
      return undefined;
    });

    // ----- csp2 product
    routes.add(
      "GET",
      "/order/cart/{cartId}/csp2",
      (req) => {
        getCart(ctx, req.params.cartId ?? "");
        return offers();
      },
      open,
    );
    routes.add(
      "POST",
      "/order/cart/{cartId}/csp2",
      (req) => {
        const cart = writableCart(ctx, req.params.cartId ?? "");
        const body = bodyObject(req.body);
        const planCode = requiredString(body, "planCode");
        const duration = requiredString(body, "duration");
        const pricingMode = requiredString(body, "pricingMode");
        const quantity = requiredLong(body, "quantity");
        const plan = planSpec(planCode);
        if (!plan) {
          throw badRequest(
            `[planCode] Plan ${planCode} is not available for product csp2; available: ${PLANS.map((p) => p.planCode).join(", ")}`,
          );
        }
        checkDuration(plan, duration);
        if (pricingMode !== PRICING_MODE) {
          throw badRequest(
            `[pricingMode] Pricing mode ${pricingMode} is not available for plan ${planCode} and duration ${duration}`,
          );
        }
        checkQuantity(quantity);
        const item: CartItemState = {
          itemId: 120_000_000 + ctx.store.nextId("cartItem"),
          planCode,
          duration,
          pricingMode,
          quantity,
          configurations: [],
        };
        cart.items.push(item);
        return itemView(cart, item);
      },
      open,
    );
    routes.add(
      "GET",
      "/order/cart/{cartId}/csp2/options",
      (req) => {
        getCart(ctx, req.params.cartId ?? "");
        const planCode = req.query.get("planCode");
        if (planCode === null) throw mandatory("planCode");
        if (!planSpec(planCode))
          throw badRequest(`[planCode] Plan ${planCode} is not available for product csp2`);
        return [];
      },
      open,
    );
    routes.add(
      "POST",
      "/order/cart/{cartId}/csp2/options",
      (req) => {
        const cart = writableCart(ctx, req.params.cartId ?? "");
        const body = bodyObject(req.body);
        const itemId = requiredLong(body, "itemId");
        const planCode = requiredString(body, "planCode");
        requiredString(body, "duration");
        requiredString(body, "pricingMode");
        requiredLong(body, "quantity");
        const item = getItem(cart, itemId);
        throw badRequest(
          `[planCode] Option ${planCode} is not available for item ${itemId} (${item.planCode})`,
        );
      },
      open,
    );

    // ----- items
    const cartAndItem = (req: SandboxRequest, writable: boolean) => {
      const cartId = req.params.cartId ?? "";
      const cart = writable ? writableCart(ctx, cartId) : getCart(ctx, cartId);
      return { cart, item: getItem(cart, pathLong(req.params, "itemId")) };
    };
    routes.add(
      "GET",
      "/order/cart/{cartId}/item",
      (req) => getCart(ctx, req.params.cartId ?? "").items.map((i) => i.itemId),
      open,
    );
    routes.add(
      "GET",
      "/order/cart/{cartId}/item/{itemId}",
      (req) => {
        const { cart, item } = cartAndItem(req, false);
        return itemView(cart, item);
      },
      open,
    );
    routes.add(
      "PUT",
      "/order/cart/{cartId}/item/{itemId}",
      (req) => {
        const { cart, item } = cartAndItem(req, true);
        const body = bodyObject(req.body);
        const duration = optionalString(body, "duration");
        const quantity = optionalLong(body, "quantity");
        const plan = planSpec(item.planCode);
        if (duration !== undefined && plan) checkDuration(plan, duration);
        if (quantity !== undefined) checkQuantity(quantity);
        if (duration !== undefined) item.duration = duration;
        if (quantity !== undefined) item.quantity = quantity;
        return itemView(cart, item);
      },
      open,
    );
    routes.add(
      "DELETE",
      "/order/cart/{cartId}/item/{itemId}",
      (req) => {
        const { cart, item } = cartAndItem(req, true);
        cart.items = cart.items.filter((i) => i !== item);
        return undefined;
      },
      open,
    );
    routes.add(
      "GET",
      "/order/cart/{cartId}/item/{itemId}/requiredConfiguration",
      (req) =>
        labelsOf(cartAndItem(req, false).item).map((spec) => {
          if (!ctx.options.fidelity.typedLabels) {
            return { fields: null, label: spec.label, required: spec.required, type: "string" };
          }
          const typed = own(TYPED_LABELS, spec.label) ?? { type: "String", fields: null };
          return { fields: typed.fields, label: spec.label, required: spec.required, type: typed.type };
        }),
      open,
    );
    routes.add(
      "GET",
      "/order/cart/{cartId}/item/{itemId}/configuration",
      (req) => {
        const label = req.query.get("label");
        return cartAndItem(req, false)
          .item.configurations.filter((c) => label === null || c.label === label)
          .map((c) => c.id);
      },
      open,
    );
    routes.add(
      "POST",
      "/order/cart/{cartId}/item/{itemId}/configuration",
      (req) => {
        const { item } = cartAndItem(req, true);
        const body = bodyObject(req.body);
        const label = requiredString(body, "label");
        const value = requiredString(body, "value");
        const allowed = labelsOf(item).map((s) => s.label);
        if (!allowed.includes(label)) {
          throw badRequest(
            `[label] Configuration ${label} is not expected for plan ${item.planCode}; expected: ${allowed.join(", ")}`,
          );
        }
        if (item.configurations.some((c) => c.label === label)) {
          throw new OvhError(
            409,
            "Client::Conflict",
            `A configuration with label ${label} already exists on item ${item.itemId}; delete it first`,
          );
        }
        const configuration = { id: 60_000_000 + ctx.store.nextId("cartConfiguration"), label, value };
        item.configurations.push(configuration);
        return { ...configuration };
      },
      open,
    );
    const getConfiguration = (item: CartItemState, id: number) => {
      const configuration = item.configurations.find((c) => c.id === id);
      if (!configuration) throw notFound(`configurationId = ${id}`);
      return configuration;
    };
    routes.add(
      "GET",
      "/order/cart/{cartId}/item/{itemId}/configuration/{configurationId}",
      (req) => ({
        ...getConfiguration(cartAndItem(req, false).item, pathLong(req.params, "configurationId")),
      }),
      open,
    );
    routes.add(
      "DELETE",
      "/order/cart/{cartId}/item/{itemId}/configuration/{configurationId}",
      (req) => {
        const { item } = cartAndItem(req, true);
        const configuration = getConfiguration(item, pathLong(req.params, "configurationId"));
        item.configurations = item.configurations.filter((c) => c !== configuration);
        return undefined;
      },
      open,
    );

    // ----- checkout
    routes.add(
      "GET",
      "/order/cart/{cartId}/summary",
      (req) => cartOrderView(getCart(ctx, req.params.cartId ?? ""), null, false),
      open,
    );
    routes.add("GET", "/order/cart/{cartId}/checkout", (req) => {
      const cart = writableCart(ctx, req.params.cartId ?? "");
      if (cart.items.length === 0) throw badRequest(`The cart ${cart.cartId} is empty`);
      return cartOrderView(cart, null, true);
    });
    routes.add("POST", "/order/cart/{cartId}/checkout", (req) => {
      const cart = writableCart(ctx, req.params.cartId ?? "");
      const body = bodyObject(req.body);
      const autoPay = optionalBoolean(body, "autoPayWithPreferredPaymentMethod") ?? false;
      const waive = optionalBoolean(body, "waiveRetractationPeriod") ?? false;
      validateForCheckout(cart);
      const method = autoPay ? defaultPaymentMethod(ctx) : undefined;
      const now = ctx.clock.now();
      const taxRate = TAX_RATES[cart.ovhSubsidiary] ?? 0.2;
      const withoutTax = cart.items.reduce((s, i) => s + unitPriceOf(i.planCode, i.duration) * i.quantity, 0);
      if (autoPay && !method && totals(withoutTax, taxRate).withTax > 0) {
        throw badRequest(
          "No preferred payment method: register a default payment method or pay the order with POST /me/order/{orderId}/pay",
        );
      }
      const order: OrderState = {
        orderId: 210_000_000 + ctx.store.nextId("order"),
        cartId: cart.cartId,
        date: now,
        expirationDate: now + 15 * DAY_MS,
        password: randomBytes(4).toString("hex"),
        taxRate,
        waiveRetractationPeriod: waive,
        paidAt: null,
        paidWith: null,
        billId: null,
        deliveredAt: null,
        deliveryError: null,
        details: cart.items.map((item) => ({
          orderDetailId: 480_000_000 + ctx.store.nextId("orderDetail"),
          cartItemId: item.itemId,
          planCode: item.planCode,
          duration: item.duration,
          pricingMode: item.pricingMode,
          quantity: item.quantity,
          description: lineDetail(item.itemId, item.planCode, item.duration, item.quantity)[
            "description"
          ] as string,
          productName: "csp2",
          unitPrice: unitPriceOf(item.planCode, item.duration),
          configurations: item.configurations.map((c) => ({ label: c.label, value: c.value })),
          domain: "*",
        })),
      };
      slice(ctx).orders[String(order.orderId)] = order;
      cart.readOnly = true;
      cart.assigned = true;
      addEmailNotification(
        ctx,
        `Order ${order.orderId} created`,
        `Your order ${order.orderId} was created. Follow it at ${orderUrl(order)}.`,
      );
      if (autoPay) markPaid(ctx, order, method ? `paymentMethod ${method.paymentMethodId}` : "free order");
      return cartOrderView(cart, order, true);
    });

    // ----- account
    routes.add("GET", "/me", () => ({ ...slice(ctx).account }));
    routes.add("PUT", "/me", (req) => {
      const body = bodyObject(req.body);
      const account = slice(ctx).account;
      const updates: Json = {};
      for (const field of WRITABLE_ACCOUNT_FIELDS) {
        const value = optionalNullableString(body, field);
        if (value !== undefined) updates[field] = value;
      }
      const language = optionalEnum(body, "language", LANGUAGES, "nichandle.LanguageEnum");
      const legalform = optionalEnum(body, "legalform", LEGAL_FORMS, "nichandle.LegalFormEnum");
      const country = optionalString(body, "country");
      if (country !== undefined && !COUNTRY.test(country))
        throw notInEnum("country", country, "nichandle.CountryEnum");
      Object.assign(account, updates);
      if (language !== undefined) account["language"] = language;
      if (legalform !== undefined) account["legalform"] = legalform;
      if (country !== undefined) account["country"] = country;
      return undefined;
    });
    routes.add("GET", "/me/payment/method", (req) => paymentMethodIds(ctx, req));
    routes.add("POST", "/me/payment/method", (req) => {
      const body = bodyObject(req.body);
      const paymentType = requiredString(body, "paymentType");
      const callbackUrl = body["callbackUrl"];
      if (callbackUrl === undefined || callbackUrl === null) throw mandatory("callbackUrl");
      const method = addPaymentMethod(
        ctx,
        paymentType,
        optionalNullableString(body, "description") ?? null,
        optionalBoolean(body, "default") ?? false,
      );
      return {
        formSessionId: null,
        merchantId: null,
        organizationId: null,
        paymentMethodId: method.paymentMethodId,
        transactionId: null,
        url: null,
        validationType: "NONE",
      };
    });
    routes.add("GET", "/me/notification/email/history", () => slice(ctx).emails.map((e) => e.id));
    routes.add("GET", "/me/notification/email/history/{id}", (req) => {
      const id = pathLong(req.params, "id");
      const email = slice(ctx).emails.find((e) => e.id === id);
      if (!email) throw notFound(`id = ${id}`);
      return { body: email.body, date: isoDateTime(email.date), id: email.id, subject: email.subject };
    });

    // ----- orders
    routes.add("GET", "/me/order", (req) => {
      const from = queryDate(req.query, "date.from");
      const to = queryDate(req.query, "date.to");
      return Object.values(slice(ctx).orders)
        .filter((o) => (from === undefined || o.date >= from) && (to === undefined || o.date <= to))
        .map((o) => o.orderId)
        .sort((a, b) => a - b);
    });
    const orderOf = (req: SandboxRequest) => getOrder(ctx, pathLong(req.params, "orderId"));
    routes.add("GET", "/me/order/{orderId}", (req) => billingOrderView(orderOf(req)));
    routes.add("GET", "/me/order/{orderId}/status", (req) =>
      orderStatusAt(orderOf(req), ctx.clock.now(), ctx.options.orderDelayMs),
    );
    routes.add("GET", "/me/order/{orderId}/details", (req) =>
      orderOf(req).details.map((d) => d.orderDetailId),
    );
    const detailOf = (req: SandboxRequest) => {
      const order = orderOf(req);
      const id = pathLong(req.params, "orderDetailId");
      const detail = order.details.find((d) => d.orderDetailId === id);
      if (!detail) throw notFound(`orderDetailId = ${id}`);
      return detail;
    };
    routes.add("GET", "/me/order/{orderId}/details/{orderDetailId}", (req) => {
      const detail = detailOf(req);
      return {
        cancelled: false,
        description: detail.description,
        detailType: "DURATION",
        domain: detail.domain,
        orderDetailId: detail.orderDetailId,
        quantity: String(detail.quantity),
        totalPrice: price(detail.unitPrice * detail.quantity),
        unitPrice: price(detail.unitPrice),
      };
    });
    routes.add("GET", "/me/order/{orderId}/details/{orderDetailId}/extension", (req) => {
      const detail = detailOf(req);
      return {
        order: {
          action: "installation",
          configurations: detail.configurations.map((c) => ({ ...c })),
          plan: {
            code: detail.planCode,
            duration: detail.duration,
            pricingMode: detail.pricingMode,
            product: { name: detail.productName },
            quantity: detail.quantity,
          },
          type: "plan",
        },
      };
    });
    routes.add("GET", "/me/order/{orderId}/followUp", (req) =>
      followUp(orderOf(req), ctx.clock.now(), ctx.options.orderDelayMs),
    );
    routes.add("GET", "/me/order/{orderId}/associatedObject", (req) => {
      const order = orderOf(req);
      return order.billId === null ? { id: null, type: null } : { id: order.billId, type: "Bill" };
    });
    routes.add("POST", "/me/order/{orderId}/pay", (req) => {
      const order = orderOf(req);
      const body = bodyObject(req.body);
      const paymentMethod = body["paymentMethod"];
      if (paymentMethod === undefined || paymentMethod === null) throw mandatory("paymentMethod");
      if (typeof paymentMethod !== "object" || Array.isArray(paymentMethod)) {
        throw badRequest("[paymentMethod] An object { id } is expected");
      }
      const id = optionalLong(paymentMethod as Json, "id");
      const method =
        id === undefined
          ? defaultPaymentMethod(ctx)
          : slice(ctx).paymentMethods.find((m) => m.paymentMethodId === id);
      if (!method) throw notFound(`paymentMethodId = ${id ?? "default"}`);
      if (method.status !== "VALID") {
        throw badRequest(`[paymentMethod] The payment method ${method.paymentMethodId} is ${method.status}`);
      }
      markPaid(ctx, order, `paymentMethod ${method.paymentMethodId}`);
      return undefined;
    });
    routes.add("POST", "/me/order/{orderId}/payWithRegisteredPaymentMean", (req) => {
      const order = orderOf(req);
      const body = bodyObject(req.body);
      const mean = requiredEnum(
        body,
        "paymentMean",
        REUSABLE_PAYMENT_MEANS,
        "billing.ReusablePaymentMeanEnum",
      );
      optionalLong(body, "paymentMeanId");
      if (mean === "fidelityAccount" && orderTotals(order).withTax > 0) {
        throw badRequest(`Your fidelity account balance is too low to pay order ${order.orderId}`);
      }
      markPaid(ctx, order, mean);
      return undefined;
    });
  },
};

export default orderArea;
