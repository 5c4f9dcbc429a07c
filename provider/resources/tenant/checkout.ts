/**
 * The checkout of a filled cart: the only call of a tenant order that bills, so its outcome must be known before
 * anything else happens (the order-once rules of the kernel, `../orderOnce.ts`, whose `sendBilledCall` sends it):
 * - it answers with an order id: the order is known;
 * - it fails in a way that proves OVH did not act (`provesNotExecuted`: a readable OVH 4xx other than 408/429,
 *   a request that never left): nothing was ordered, `CheckoutRefusedError` (the cart is deleted by `cart.ts`);
 * - anything else (answer lost or unreadable, 5xx, 408, 429, 2xx without an order id, an unexpected error): we
 *   look for the order among the account's recent orders, matching the plan code and every configuration value
 *   we sent. Found → we go on with it. Not found → `CheckoutUnconfirmedError`, which the tenant resource turns
 *   into a Pulumi partial create (`pending-order:cart-<cartId>`), so the next `pulumi up` looks again
 *   (`resumeCheckout`) instead of ordering again; the cart is kept. Only when the cart is still open (not
 *   read-only, so OVH never turned it into an order) is the checkout of that same cart retried.
 */
import * as order from "../../api/order";
import { isGoneAtOvh } from "../../ovh/errors";
import { errorText, inContext } from "../errors";
import { pendingOrderMarker, sendBilledCall, UnconfirmedOrderError } from "../orderOnce";
import type { ResourceContext } from "../types";
import { ORDERS_URL, type OrderRecord, type PlacedOrder } from "./orderRecord";

/** How far before our own checkout time an order may be dated (clock differences with OVH). */
const ORDER_LOOKBACK_MS = 15 * 60_000;
/** How many of the most recent orders are examined when looking for ours. */
const ORDER_SEARCH_LIMIT = 20;

/** The checkout may have created an order that could not be found: nothing may be ordered again blindly. */
export class CheckoutUnconfirmedError extends UnconfirmedOrderError<OrderRecord> {
  constructor(message: string, record: OrderRecord, options?: { cause?: unknown }) {
    super(message, pendingOrderMarker(`cart-${record.cartId}`), record, options);
  }
}

/** The checkout was refused in a way that proves OVH did not act: the cart may be thrown away. */
export class CheckoutRefusedError extends Error {
  override readonly name = "CheckoutRefusedError";
}

/** Sends the checkout of a filled cart and settles its outcome (see the module comment). */
export async function checkout(ctx: ResourceContext, record: OrderRecord): Promise<PlacedOrder> {
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
  const reason = errorText(error);
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
      `could not be found ${searchError ? `(the search failed: ${errorText(searchError)})` : "among the account's recent orders"}. ` +
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
  let found: number | undefined;
  try {
    found = await findPlacedOrder(ctx, record);
  } catch (error) {
    throw inContext(`Looking for the OVH order of cart ${record.cartId}`, error);
  }
  if (found !== undefined) {
    ctx.log?.info(`Found OVH order ${found} for cart ${record.cartId}; continuing with it.`);
    return { ...record, orderId: found };
  }
  let open = false;
  try {
    const cart = await order.getCart(ctx.ovh, record.cartId);
    open = !cart.readOnly;
  } catch (error) {
    if (!isGoneAtOvh(error)) throw inContext(`Reading cart ${record.cartId}`, error);
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
