/**
 * Ordering a new CSP2 tenant through OVH's order cart (REFERENCE §4), without ever ordering twice.
 *
 * Steps: cart → assign → offers → item → requiredConfiguration → one configuration per label → checkout dry
 * run (the price is logged) → checkout (the billing point) → payment when OVH did not take it automatically →
 * delivery → the service name from the order details → the tenant is `ok`.
 *
 * Everything before the checkout is free and undone by deleting the cart. The checkout is the only call that
 * bills, so its outcome must be known before anything else happens (the order-once rules, `orderOnce.ts`):
 * - it answers with an order id: the order is known;
 * - it fails in a way that proves OVH did not act (`provesNotExecuted`: a readable OVH 4xx other than 408/429,
 *   a request that never left): nothing was ordered, the cart is deleted and the error is surfaced;
 * - anything else (answer lost or unreadable, 5xx, 408, 429, 2xx without an order id, an unexpected error): we
 *   look for the order among the account's recent orders, matching the plan code and every configuration value
 *   we sent. Found → we go on with it. Not found → `CheckoutUnconfirmedError`, which the tenant resource turns
 *   into a Pulumi partial create (`pending-order:cart-<cartId>`), so the next `pulumi up` looks again
 *   (`resumeCheckout`) instead of ordering again; the cart is kept. Only when the cart is still open (not
 *   read-only, so OVH never turned it into an order) is the checkout of that same cart retried.
 *
 * The delivered tenant's service name comes from two independent sources: the order line's `domain`, and the
 * tenants that appeared on the account since the checkout (the list is taken right before it). Whichever answers
 * is used and named in the log; when both answer and disagree, nothing is guessed.
 */
import * as order from "../../api/order";
import type {
  ConfigurationRequirements,
  GenericProductDefinition,
  GenericProductPricing,
  Order,
} from "../../api/order";
import * as csp2 from "../../api/csp2";
import type { OfficeTenantWithIAM } from "../../api/csp2";
import { OvhApiError, OvhNetworkError } from "../../ovh/errors";
import { inContext } from "../errors";
import {
  claim,
  claimKeys,
  isClaimed,
  pendingOrderMarker,
  sendBilledCall,
  UnconfirmedOrderError,
} from "../orderOnce";
import { describeMissingLabels, planConfiguration, type ConfigurationValues } from "./configuration";
import { pollUntilSettled } from "../poller";
import { DEFAULT_TASK_TIMEOUT_MS } from "../tasks";
import type { ResourceContext } from "../types";

/** What to order. */
export interface OrderRequest {
  readonly ovhSubsidiary: string;
  readonly planCode?: string;
  readonly duration?: string;
  readonly pricingMode?: string;
  readonly waiveRetractationPeriod: boolean;
  readonly values: ConfigurationValues;
  readonly extraConfiguration: Readonly<Record<string, string>>;
  /** Names the order in messages: the tenant's display name. */
  readonly displayName: string;
}

/**
 * What was (or may have been) ordered: kept in Pulumi state while an order is pending, so a later run can find
 * the order again. Plain JSON.
 */
export interface OrderRecord {
  readonly cartId: string;
  /** Null while the checkout's outcome is unknown. */
  readonly orderId: number | null;
  readonly ovhSubsidiary: string;
  readonly planCode: string;
  readonly duration: string;
  readonly pricingMode: string;
  /** The configuration sent with the item: what identifies our order among the account's orders. */
  readonly configuration: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  /** ISO date-time just before the checkout was sent. */
  readonly checkoutStartedAt: string;
  /**
   * The account's tenants right before the checkout: a tenant absent from it is a candidate for the delivered
   * one (the second source of its service name). Absent in records written by older versions.
   */
  readonly tenantsBefore?: readonly string[];
  readonly waiveRetractationPeriod: boolean;
}

export type PlacedOrder = OrderRecord & { readonly orderId: number };

/** The checkout may have created an order that could not be found: nothing may be ordered again blindly. */
export class CheckoutUnconfirmedError extends UnconfirmedOrderError<OrderRecord> {
  constructor(message: string, record: OrderRecord, options?: { cause?: unknown }) {
    super(message, pendingOrderMarker(`cart-${record.cartId}`), record, options);
  }
}

/** The checkout was refused in a way that proves OVH did not act: the cart may be thrown away. */
class CheckoutRefusedError extends Error {
  override readonly name = "CheckoutRefusedError";
}

/** The order exists (it was paid or may be paid) but did not reach a delivered tenant. */
export class OrderNotCompletedError extends Error {
  override readonly name = "OrderNotCompletedError";
  constructor(
    message: string,
    readonly orderId: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How far before our own checkout time an order may be dated (clock differences with OVH). */
const ORDER_LOOKBACK_MS = 15 * 60_000;
/** How many of the most recent orders are examined when looking for ours. */
const ORDER_SEARCH_LIMIT = 20;
/** How long `notPaid`, `unknown` or `documentsRequested` may last before we stop waiting. */
const STALLED_GRACE_MS = 10 * 60_000;
/** Plan codes that adopt an existing Microsoft tenant rather than creating one. */
const NOT_A_NEW_TENANT = /deleg|transfer|migrat|existing|adopt/i;

const ORDERS_URL = "https://www.ovh.com/manager/#/dedicated/billing/orders";

// ---------------------------------------------------------------------------------------------
// Offer choice (pure)

export interface OfferChoice {
  readonly planCode: string;
  readonly duration: string;
  readonly pricingMode: string;
  readonly quantity: number;
  readonly pricing: GenericProductPricing;
}

/**
 * Picks the plan, duration and pricing mode. Explicit inputs must exist in the offers. Without a plan code the
 * only plan that creates a new tenant (not a delegation/transfer) is taken; several or none is an error listing
 * the plan codes. Without a duration the shortest is taken (least commitment); without a pricing mode
 * `default` if offered, else the only one.
 */
export function chooseOffer(
  offers: readonly GenericProductDefinition[],
  wanted: { planCode?: string; duration?: string; pricingMode?: string },
): OfferChoice {
  const list = offers.map((o) => `${o.planCode} (${o.productName})`).join(", ") || "none";
  let offer: GenericProductDefinition | undefined;
  if (wanted.planCode !== undefined) {
    offer = offers.find((o) => o.planCode === wanted.planCode);
    if (!offer) {
      throw new Error(
        `OVH offers no csp2 plan "${wanted.planCode}" for this account and subsidiary. Plans offered: ${list}. Fix planCode.`,
      );
    }
  } else {
    const fresh = offers.filter(
      (o) => !NOT_A_NEW_TENANT.test(o.planCode) && !NOT_A_NEW_TENANT.test(o.productName),
    );
    if (fresh.length !== 1) {
      throw new Error(
        (fresh.length === 0
          ? "None of OVH's csp2 plans looks like a new-tenant order"
          : "Several of OVH's csp2 plans could create a new tenant") +
          `. Plans offered: ${list}. Set planCode to the one to order.`,
      );
    }
    offer = fresh[0] as GenericProductDefinition;
  }

  const orderable = offer.prices.some((p) => p.capacities.includes("installation"))
    ? offer.prices.filter((p) => p.capacities.includes("installation"))
    : offer.prices;
  const pairs = orderable.map((p) => `${p.duration}/${p.pricingMode}`).join(", ") || "none";

  let candidates = orderable;
  if (wanted.duration !== undefined) {
    candidates = candidates.filter((p) => p.duration === wanted.duration);
    if (candidates.length === 0) {
      throw new Error(
        `Plan ${offer.planCode} cannot be ordered for duration "${wanted.duration}". Offered duration/pricingMode: ${pairs}. Fix duration.`,
      );
    }
  }
  if (wanted.pricingMode !== undefined) {
    candidates = candidates.filter((p) => p.pricingMode === wanted.pricingMode);
    if (candidates.length === 0) {
      throw new Error(
        `Plan ${offer.planCode} has no pricing mode "${wanted.pricingMode}"` +
          (wanted.duration ? ` for duration ${wanted.duration}` : "") +
          `. Offered duration/pricingMode: ${pairs}. Fix pricingMode.`,
      );
    }
  } else {
    const modes = [...new Set(candidates.map((p) => p.pricingMode))];
    const mode = modes.includes("default") ? "default" : modes.length === 1 ? modes[0] : undefined;
    if (mode === undefined) {
      throw new Error(
        `Plan ${offer.planCode} has several pricing modes (${modes.join(", ") || "none"}). Set pricingMode.`,
      );
    }
    candidates = candidates.filter((p) => p.pricingMode === mode);
  }
  const sorted = [...candidates].sort(
    (a, b) => durationDays(a.duration) - durationDays(b.duration) || a.duration.localeCompare(b.duration),
  );
  const pricing = sorted[0];
  if (!pricing) throw new Error(`Plan ${offer.planCode} has no orderable price. Offered: ${pairs}.`);
  return {
    planCode: offer.planCode,
    duration: pricing.duration,
    pricingMode: pricing.pricingMode,
    quantity: Math.max(1, pricing.minimumQuantity),
    pricing,
  };
}

/** Approximate length of an ISO 8601 duration (`P1M`, `P1Y`, `P2W`), for ordering durations only. */
export function durationDays(duration: string): number {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  if (!match) return Number.MAX_SAFE_INTEGER;
  const [, y, m, w, d] = match.map((part) => Number(part ?? 0));
  return (y ?? 0) * 365 + (m ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Cart → checkout

async function step<T>(action: string, run: () => Promise<T>, hint?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw inContext(action, error, hint);
  }
}

/**
 * Fills a cart and checks it out. Resolves with the order; throws `CheckoutUnconfirmedError` when the checkout
 * may have created an order that could not be found; any other error means nothing was ordered (the cart is
 * deleted).
 */
export async function placeOrder(ctx: ResourceContext, request: OrderRequest): Promise<PlacedOrder> {
  const { ovh } = ctx;
  const what = `Ordering Office 365 tenant "${request.displayName}"`;
  const cart = await step(`${what}: creating an order cart (subsidiary ${request.ovhSubsidiary})`, () =>
    order.createCart(ovh, {
      ovhSubsidiary: request.ovhSubsidiary,
      description: `pulumi office365 tenant ${request.displayName}`.slice(0, 100),
    }),
  );
  const cartId = cart.cartId;
  const inCart = `${what}, cart ${cartId}`;
  let checkoutSent = false;
  let record: OrderRecord | undefined;
  try {
    await step(`${inCart}: assigning the cart to the account`, () => order.assignCart(ovh, cartId));
    const offers = await step(`${inCart}: listing csp2 offers`, () => order.listCsp2Offers(ovh, cartId));
    const choice = chooseOffer(offers, request);
    const item = await step(
      `${inCart}: adding plan ${choice.planCode} (${choice.duration}, ${choice.pricingMode})`,
      () =>
        order.addCsp2Item(ovh, cartId, {
          planCode: choice.planCode,
          duration: choice.duration,
          pricingMode: choice.pricingMode,
          quantity: choice.quantity,
        }),
    );
    const requirements: ConfigurationRequirements[] = await step(
      `${inCart}: reading the configuration plan ${choice.planCode} requires`,
      () => order.getItemRequiredConfiguration(ovh, cartId, item.itemId),
    );
    const plan = planConfiguration(requirements, request.values, request.extraConfiguration);
    if (plan.missing.length > 0) {
      throw new Error(
        `${what}: ${describeMissingLabels(choice.planCode, requirements, plan.missing)}\nNothing was ordered.`,
      );
    }
    for (const configuration of plan.configurations) {
      await step(
        `${inCart}: setting configuration "${configuration.label}" (from ${configuration.from})`,
        () =>
          order.addItemConfiguration(ovh, cartId, item.itemId, {
            label: configuration.label,
            value: configuration.value,
          }),
        `Check ${configuration.from}; nothing was ordered.`,
      );
    }
    const preview = await step(`${inCart}: pricing the order (checkout dry run)`, () =>
      order.previewCheckout(ovh, cartId),
    );
    ctx.log?.info(describePrice(request.displayName, choice, preview, request.waiveRetractationPeriod));
    const tenantsBefore = await step(`${inCart}: listing the account's tenants before the checkout`, () =>
      csp2.listTenants(ovh),
    );

    record = {
      cartId,
      orderId: null,
      ovhSubsidiary: request.ovhSubsidiary,
      planCode: choice.planCode,
      duration: choice.duration,
      pricingMode: choice.pricingMode,
      configuration: plan.configurations.map(({ label, value }) => ({ label, value })),
      checkoutStartedAt: new Date().toISOString(),
      waiveRetractationPeriod: request.waiveRetractationPeriod,
      tenantsBefore,
    };
    checkoutSent = true;
    return await checkout(ctx, record);
  } catch (error) {
    // Before the checkout, or after a checkout that provably did not happen, the cart is just litter. After a
    // checkout that may have happened it is evidence: kept, and the order recorded as unconfirmed.
    if (!checkoutSent || !record || error instanceof CheckoutRefusedError) {
      await deleteCartQuietly(ctx, cartId);
      throw error;
    }
    if (error instanceof CheckoutUnconfirmedError) throw error;
    throw new CheckoutUnconfirmedError(
      `${what}: the checkout of cart ${cartId} may have created an order, and following it up failed: ` +
        `${error instanceof Error ? error.message : String(error)}. Nothing will be ordered again for this resource: the next ` +
        `\`pulumi up\` looks for the order first. Check ${ORDERS_URL} meanwhile.`,
      record,
      { cause: error },
    );
  }
}

/** Sends the checkout of a filled cart and settles its outcome (see the module comment). */
async function checkout(ctx: ResourceContext, record: OrderRecord): Promise<PlacedOrder> {
  const sent = await sendBilledCall(
    () =>
      order.checkoutCart(ctx.ovh, record.cartId, {
        autoPayWithPreferredPaymentMethod: true,
        waiveRetractationPeriod: record.waiveRetractationPeriod,
      }),
    (error) => {
      const refused = inContext(
        `Checking out cart ${record.cartId} (plan ${record.planCode}) failed; nothing was ordered`,
        error,
        "Fix the cause (payment method, contracts, configuration) and run `pulumi up` again.",
      );
      return new CheckoutRefusedError(refused.message, { cause: error });
    },
  );
  if (sent.kind === "mayHaveActed") return confirmAmbiguousCheckout(ctx, record, sent.error);
  const placed = sent.answer;
  if (typeof placed.orderId !== "number") {
    return confirmAmbiguousCheckout(ctx, record, new Error("OVH's checkout answer carries no orderId"));
  }
  ctx.log?.info(`OVH order ${placed.orderId} placed from cart ${record.cartId} (plan ${record.planCode}).`);
  return { ...record, orderId: placed.orderId };
}

async function confirmAmbiguousCheckout(
  ctx: ResourceContext,
  record: OrderRecord,
  error: unknown,
): Promise<PlacedOrder> {
  const reason = error instanceof Error ? error.message : String(error);
  ctx.log?.warn(
    `The checkout of cart ${record.cartId} may have created an order (${reason}); looking for it before doing anything else.`,
  );
  let found: number | undefined;
  let searchError: unknown;
  try {
    found = await findPlacedOrder(ctx, record);
  } catch (e) {
    searchError = e;
  }
  if (found !== undefined) {
    ctx.log?.info(`Found OVH order ${found} for cart ${record.cartId}; continuing with it.`);
    return { ...record, orderId: found };
  }
  throw new CheckoutUnconfirmedError(
    `The checkout of cart ${record.cartId} (plan ${record.planCode}) got no usable answer (${reason}) and the order ` +
      `could not be found ${searchError ? `(the search failed: ${searchError instanceof Error ? searchError.message : String(searchError)})` : "among the account's recent orders"}. ` +
      `Nothing will be ordered again for this resource: the next \`pulumi up\` looks for the order again and continues with it. ` +
      `Check ${ORDERS_URL} meanwhile.`,
    record,
    { cause: error },
  );
}

/**
 * Looks for the order a checkout created: recent orders (newest first) with a line of our plan carrying every
 * configuration value we sent (MPN ID, contact e-mail, display name...).
 */
export async function findPlacedOrder(
  ctx: ResourceContext,
  record: OrderRecord,
): Promise<number | undefined> {
  const started = Date.parse(record.checkoutStartedAt);
  const dateFrom = new Date((Number.isNaN(started) ? Date.now() : started) - ORDER_LOOKBACK_MS).toISOString();
  const ids = await order.listOrders(ctx.ovh, { dateFrom });
  const newestFirst = [...ids].sort((a, b) => b - a).slice(0, ORDER_SEARCH_LIMIT);
  for (const orderId of newestFirst) {
    const detailIds = await order.listOrderDetails(ctx.ovh, orderId);
    for (const detailId of detailIds) {
      const extension = await order.getOrderDetailExtension(ctx.ovh, orderId, detailId);
      if (extensionMatches(extension, record)) return orderId;
    }
  }
  return undefined;
}

export function extensionMatches(extension: order.ItemDetail, record: OrderRecord): boolean {
  const code = extension.order.plan.code;
  if (code !== undefined && code !== null && code !== record.planCode) return false;
  const sent = extension.order.configurations;
  return record.configuration.every((wanted) =>
    sent.some((c) => c.label === wanted.label && c.value.trim() === wanted.value.trim()),
  );
}

/**
 * Follows up a checkout whose outcome was unknown (the next `pulumi up`): finds the order; if it is not there
 * and the cart is still open, OVH never turned the cart into an order, so the same cart is checked out again.
 */
export async function resumeCheckout(ctx: ResourceContext, record: OrderRecord): Promise<PlacedOrder> {
  if (record.orderId !== null) return { ...record, orderId: record.orderId };
  const found = await step(`Looking for the OVH order of cart ${record.cartId}`, () =>
    findPlacedOrder(ctx, record),
  );
  if (found !== undefined) {
    ctx.log?.info(`Found OVH order ${found} for cart ${record.cartId}; continuing with it.`);
    return { ...record, orderId: found };
  }
  let open = false;
  try {
    const cart = await order.getCart(ctx.ovh, record.cartId);
    open = !cart.readOnly;
  } catch (error) {
    if (!(error instanceof OvhApiError && error.isGone))
      throw inContext(`Reading cart ${record.cartId}`, error);
  }
  if (!open) {
    throw new CheckoutUnconfirmedError(
      `Cart ${record.cartId} was checked out (or expired) but no matching order is visible yet among the account's recent orders. ` +
        `Nothing was ordered again. Check ${ORDERS_URL}; run \`pulumi up\` again later, or, if there is really no order, ` +
        "remove this resource from the state (`pulumi state delete <urn>`) and run `pulumi up` to order afresh.",
      record,
    );
  }
  ctx.log?.info(`Cart ${record.cartId} was never checked out; checking it out now.`);
  return checkout(ctx, { ...record, checkoutStartedAt: new Date().toISOString() });
}

async function deleteCartQuietly(ctx: ResourceContext, cartId: string): Promise<void> {
  try {
    await order.deleteCart(ctx.ovh, cartId);
  } catch (error) {
    ctx.log?.warn(
      `Could not delete order cart ${cartId} (${error instanceof Error ? error.message : String(error)}); OVH drops unused carts by itself.`,
    );
  }
}

function describePrice(displayName: string, choice: OfferChoice, preview: Order, waive: boolean): string {
  const p = preview.prices;
  const contracts = preview.contracts.map((c) => c.name).join(", ");
  return (
    `Ordering Office 365 tenant "${displayName}": plan ${choice.planCode}, duration ${choice.duration}, pricing mode ` +
    `${choice.pricingMode}. OVH will bill ${p.withoutTax.text} excl. tax (${p.withTax.text} incl. tax) for this order` +
    (contracts ? `; contracts: ${contracts}` : "") +
    (waive ? "; the retractation period is waived." : ".")
  );
}

// ---------------------------------------------------------------------------------------------
// After the checkout: payment, delivery, service name, tenant ready

function timeoutOf(ctx: ResourceContext): number {
  return ctx.operationTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
}

/** Pays the order with the default payment method when OVH did not take the payment at checkout. */
export async function payIfNeeded(ctx: ResourceContext, orderId: number): Promise<void> {
  const status = await order.getOrderStatus(ctx.ovh, orderId);
  if (status !== "notPaid") return;
  const methods = await order.listPaymentMethods(ctx.ovh, { default: true });
  const methodId = methods[0];
  try {
    if (methodId !== undefined) {
      await order.payOrder(ctx.ovh, orderId, methodId);
      ctx.log?.info(`Paid OVH order ${orderId} with the default payment method ${methodId}.`);
      return;
    }
    const placed = await order.getOrder(ctx.ovh, orderId);
    if (placed.priceWithTax.value === 0) {
      await order.payOrderWithRegisteredPaymentMean(ctx.ovh, orderId, { paymentMean: "fidelityAccount" });
      return;
    }
  } catch (error) {
    // Someone (OVH's automatic payment) was quicker: the order is paid, which is what we want.
    if (error instanceof OvhApiError && error.isConflict) return;
    throw error;
  }
  throw new OrderNotCompletedError(
    `OVH order ${orderId} is not paid and the account has no default payment method. Pay it at ${ORDERS_URL}, then run \`pulumi up\` again: the order will be picked up, not placed again.`,
    orderId,
  );
}

const FAILED_ORDER = new Set(["cancelled", "cancelling", "deleted"]);
const STALLED_ORDER = new Set(["notPaid", "unknown", "documentsRequested"]);

/** Waits for the order to be delivered; throws `OrderNotCompletedError` when it fails or stalls. */
export async function waitForDelivery(ctx: ResourceContext, orderId: number): Promise<void> {
  const timeoutMs = timeoutOf(ctx);
  const grace = Math.min(STALLED_GRACE_MS, timeoutMs / 2);
  const started = Date.now();
  let lastLogged: string | undefined;
  const status = await pollUntilSettled<string>({
    look: async () => {
      try {
        return await order.getOrderStatus(ctx.ovh, orderId);
      } catch (error) {
        if (error instanceof OvhApiError && error.isGone) return "deleted";
        // A transient failure to look is not a failed order: look again at the next tick.
        if (error instanceof OvhNetworkError) return "unreachable";
        if (error instanceof OvhApiError && (error.isServerFailure || error.isRateLimited))
          return "unreachable";
        throw error;
      }
    },
    isSettled: (s) =>
      s === "delivered" || FAILED_ORDER.has(s) || (STALLED_ORDER.has(s) && Date.now() - started >= grace),
    timeoutMs,
    what: `delivery of OVH order ${orderId}`,
    onProgress: (s) => {
      if (s !== lastLogged) ctx.log?.info(`OVH order ${orderId}: ${s}`);
      lastLogged = s;
    },
  }).catch((error: unknown) => {
    throw new OrderNotCompletedError(
      `${error instanceof Error ? error.message : String(error)} The order is not placed again: run \`pulumi up\` again to keep waiting.`,
      orderId,
      { cause: error },
    );
  });
  if (status === "delivered") return;
  const advice: Record<string, string> = {
    cancelled: "OVH cancelled it",
    cancelling: "OVH is cancelling it",
    deleted: "it no longer exists at OVH",
    notPaid: "it is still not paid",
    documentsRequested: "OVH asks for documents before delivering it",
    unknown: "OVH reports its status as unknown",
  };
  throw new OrderNotCompletedError(
    `OVH order ${orderId} was not delivered: ${advice[status] ?? status}. See ${ORDERS_URL}; once it is resolved, ` +
      "run `pulumi up` again (the order is followed, not placed again).",
    orderId,
  );
}

/**
 * The service name of the tenant an order delivered, from two independent sources (calls: 1 + 2 per order line,
 * then 1 + 1 per new tenant):
 * 1. the order line of our plan, whose `domain` names the service (what OVH's order details carry today);
 * 2. the tenants that appeared on the account since the checkout (`tenantsBefore`), not held by another resource
 *    of this run, and, when several appeared, the one with our display name.
 * The one that answers is used and named in the log. Both answering with different names, or several new tenants
 * that cannot be told apart, stop the operation (nothing is guessed; the order is followed again next time).
 */
export async function findServiceName(
  ctx: ResourceContext,
  placed: PlacedOrder,
  displayName: string,
): Promise<string> {
  const fromOrder = await serviceNameFromOrderLines(ctx, placed.orderId, placed.planCode);
  const fromList = await serviceNameFromTenantList(ctx, placed, displayName);
  const orderText = `OVH order ${placed.orderId}`;
  if (fromOrder && fromList.kind === "one" && fromOrder !== fromList.serviceName)
    throw new OrderNotCompletedError(
      `${orderText} is delivered, but its order line names tenant ${fromOrder} while the tenant that appeared on the account ` +
        `since the checkout is ${fromList.serviceName}. Check both in the OVHcloud Control Panel and set existingServiceName ` +
        "to the one this order delivered, then run `pulumi up`.",
      placed.orderId,
    );
  if (fromOrder) {
    ctx.log?.info(
      `${orderText} delivered tenant ${fromOrder} (named by the order line${fromList.kind === "one" ? "; the account's tenant list agrees" : ""}).`,
    );
    claim(claimKeys.tenant(fromOrder));
    return fromOrder;
  }
  if (fromList.kind === "one") {
    ctx.log?.info(
      `${orderText} delivered tenant ${fromList.serviceName} (found as the new tenant on the account since the checkout; the order line names none).`,
    );
    claim(claimKeys.tenant(fromList.serviceName));
    return fromList.serviceName;
  }
  const listText =
    fromList.kind === "several"
      ? `several tenants appeared on the account since the checkout and none can be told apart (${fromList.candidates.join(", ")})`
      : fromList.kind === "unknown"
        ? "the tenant list before the checkout is not recorded"
        : "no new tenant is visible on the account yet";
  throw new OrderNotCompletedError(
    `${orderText} is delivered but the tenant cannot be named yet: none of its lines names the tenant of plan ${placed.planCode}, and ${listText}. ` +
      "Nothing was ordered again; the next `pulumi up` looks again. If the tenant exists, set existingServiceName to its service name " +
      "(OVHcloud Control Panel) and run `pulumi up`.",
    placed.orderId,
  );
}

async function serviceNameFromOrderLines(
  ctx: ResourceContext,
  orderId: number,
  planCode: string,
): Promise<string | undefined> {
  const detailIds = await order.listOrderDetails(ctx.ovh, orderId);
  for (const detailId of detailIds) {
    const extension = await order.getOrderDetailExtension(ctx.ovh, orderId, detailId);
    if (extension.order.plan.code !== planCode) continue;
    const detail = await order.getOrderDetail(ctx.ovh, orderId, detailId);
    const domain = typeof detail.domain === "string" ? detail.domain.trim() : "";
    if (domain !== "" && domain !== "*") return domain;
  }
  return undefined;
}

type ListAnswer =
  | { readonly kind: "one"; readonly serviceName: string }
  | { readonly kind: "several"; readonly candidates: readonly string[] }
  | { readonly kind: "none" }
  | { readonly kind: "unknown" };

async function serviceNameFromTenantList(
  ctx: ResourceContext,
  placed: PlacedOrder,
  displayName: string,
): Promise<ListAnswer> {
  if (!placed.tenantsBefore) return { kind: "unknown" };
  const before = new Set(placed.tenantsBefore);
  const fresh = (await csp2.listTenants(ctx.ovh)).filter(
    (name) => !before.has(name) && !isClaimed(claimKeys.tenant(name)),
  );
  if (fresh.length === 0) return { kind: "none" };
  if (fresh.length === 1) return { kind: "one", serviceName: fresh[0] as string };
  const named: string[] = [];
  for (const name of fresh) {
    try {
      const tenant = await csp2.getTenant(ctx.ovh, name);
      if (tenant.displayName === displayName) named.push(name);
    } catch (error) {
      if (!(error instanceof OvhApiError && error.isGone)) throw error;
    }
  }
  return named.length === 1
    ? { kind: "one", serviceName: named[0] as string }
    : { kind: "several", candidates: fresh };
}

const TENANT_SETTLED = new Set(["ok", "suspended", "suspending"]);

/** Waits until a newly delivered tenant leaves `creating` (404 while OVH has not published it yet). */
export async function waitForTenantReady(
  ctx: ResourceContext,
  serviceName: string,
): Promise<OfficeTenantWithIAM> {
  const looked = await pollUntilSettled<OfficeTenantWithIAM | undefined>({
    look: async () => {
      try {
        return await csp2.getTenant(ctx.ovh, serviceName);
      } catch (error) {
        if (error instanceof OvhApiError && error.isGone) return undefined;
        throw error;
      }
    },
    isSettled: (t) => t !== undefined && TENANT_SETTLED.has(t.status),
    timeoutMs: timeoutOf(ctx),
    what: `tenant ${serviceName} to be created`,
  });
  const tenant = looked as OfficeTenantWithIAM;
  if (tenant.status !== "ok") {
    ctx.log?.warn(`Tenant ${serviceName} was delivered in status "${tenant.status}", not "ok".`);
  }
  return tenant;
}
