/**
 * After the checkout: payment when OVH did not take it automatically, delivery of the order, the delivered
 * tenant's service name, and the tenant leaving `creating`.
 *
 * The order exists by now: whatever fails here (`OrderNotCompletedError` when the order stalls or cannot name
 * its tenant, a timeout, an OVH error), `create.ts` turns it into a partial create and the next `pulumi up`
 * follows the same order, never placing it again.
 *
 * The delivered tenant's service name comes from two independent sources: the order line's `domain`, and the
 * tenants that appeared on the account since the checkout (the list is taken right before it, `cart.ts`).
 * Whichever answers is used and named in the log; when both answer and disagree, nothing is guessed.
 */
import * as order from "../../api/order";
import * as csp2 from "../../api/csp2";
import type { OfficeTenantWithIAM } from "../../api/csp2";
import { OvhApiError, OvhNetworkError, isGoneAtOvh, isConflictAtOvh } from "../../ovh/errors";
import { claim, claimKeys, isClaimed } from "../orderOnce";
import { pollUntilSettled } from "../poller";
import { operationTimeoutOf } from "../tasks";
import type { ResourceContext } from "../types";
import { ORDERS_URL, type PlacedOrder } from "./orderRecord";
import { errorText } from "../errors";

/** How long `notPaid`, `unknown` or `documentsRequested` may last before we stop waiting. */
const STALLED_GRACE_MS = 10 * 60_000;

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
    if (isConflictAtOvh(error)) return;
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
  const timeoutMs = operationTimeoutOf(ctx);
  const grace = Math.min(STALLED_GRACE_MS, timeoutMs / 2);
  const started = Date.now();
  let lastLogged: string | undefined;
  const status = await pollUntilSettled<string>({
    look: async () => {
      try {
        return await order.getOrderStatus(ctx.ovh, orderId);
      } catch (error) {
        if (isGoneAtOvh(error)) return "deleted";
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
      `${errorText(error)} The order is not placed again: run \`pulumi up\` again to keep waiting.`,
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
      if (!isGoneAtOvh(error)) throw error;
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
        if (isGoneAtOvh(error)) return undefined;
        throw error;
      }
    },
    isSettled: (t) => t !== undefined && TENANT_SETTLED.has(t.status),
    timeoutMs: operationTimeoutOf(ctx),
    what: `tenant ${serviceName} to be created`,
  });
  const tenant = looked as OfficeTenantWithIAM;
  if (tenant.status !== "ok") {
    ctx.log?.warn(`Tenant ${serviceName} was delivered in status "${tenant.status}", not "ok".`);
  }
  return tenant;
}
