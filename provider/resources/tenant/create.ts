/**
 * `pulumi up` creates a tenant: adopt an existing one (`adopt.ts`), or order a new one and follow the order to a
 * ready tenant.
 *
 * Ordering: the account's OVH subsidiary (GET /me, unless declared) → `placeOrder` (`cart.ts`: cart, offer,
 * configuration labels, then the billed checkout in `checkout.ts`) → `completeOrder`: payment, delivery and the
 * delivered tenant's service name (`delivery.ts`), the tenant leaving `creating`, the administrator password.
 *
 * Nothing is ever ordered twice: once the checkout may have happened, every failure is a `PartialCreateError`
 * that records the order (`pendingOutputs`) under a pending-order id, and the next `pulumi up` calls `update`,
 * which resumes here (`resumePendingOrder`) instead of ordering again. Orders with the same MPN ID, contact
 * e-mail and display name are serialised by a lock (`orderLockKey`).
 */
import * as order from "../../api/order";
import { PartialCreateError, errorText, inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { CreateResult, ResourceContext } from "../types";
import { adoptTenant } from "./adopt";
import { placeOrder } from "./cart";
import { CheckoutUnconfirmedError, resumeCheckout } from "./checkout";
import { assertKnown } from "./check";
import type { ConfigurationValues } from "./configuration";
import { findServiceName, payIfNeeded, waitForDelivery, waitForTenantReady } from "./delivery";
import { pendingId, type TenantInputs, type TenantOutputs } from "./inputs";
import { getServiceInfosOrNull, setAdministratorPassword } from "./live";
import { describeCartAndOrder, type PlacedOrder } from "./orderRecord";
import { buildOutputs, pendingOutputs } from "./outputs";

export async function createTenant(
  inputs: TenantInputs,
  ctx: ResourceContext,
): Promise<CreateResult<TenantOutputs>> {
  assertKnown(inputs);
  if (inputs.existingServiceName !== undefined) return adoptTenant(inputs, inputs.existingServiceName, ctx);
  return withLocks([orderLockKey(inputs)], () => orderTenant(inputs, ctx));
}

function orderLockKey(inputs: TenantInputs): string {
  return lockKeys.tenantOrder(inputs.mpnId ?? "", inputs.contact?.email ?? "", inputs.displayName ?? "");
}

/** Places a new order; a checkout whose outcome is unknown becomes a partial create (a pending order). */
async function orderTenant(inputs: TenantInputs, ctx: ResourceContext): Promise<CreateResult<TenantOutputs>> {
  const displayName = inputs.displayName ?? "";
  let subsidiary = inputs.ovhSubsidiary;
  if (subsidiary === undefined) {
    try {
      subsidiary = (await order.getMe(ctx.ovh)).ovhSubsidiary;
    } catch (error) {
      throw inContext(
        `Ordering Office 365 tenant "${displayName}": reading the account's OVH subsidiary (GET /me)`,
        error,
        "Set ovhSubsidiary explicitly, or check the credentials' access to GET /me. Nothing was ordered.",
      );
    }
  }
  let placed: PlacedOrder;
  try {
    placed = await placeOrder(ctx, {
      ovhSubsidiary: subsidiary,
      ...(inputs.planCode !== undefined ? { planCode: inputs.planCode } : {}),
      ...(inputs.duration !== undefined ? { duration: inputs.duration } : {}),
      ...(inputs.pricingMode !== undefined ? { pricingMode: inputs.pricingMode } : {}),
      waiveRetractationPeriod: inputs.waiveRetractationPeriod,
      values: configurationValues(inputs),
      extraConfiguration: inputs.extraConfiguration ?? {},
      displayName,
    });
  } catch (error) {
    if (error instanceof CheckoutUnconfirmedError) {
      throw new PartialCreateError(
        error.message,
        pendingId(error.record),
        pendingOutputs(inputs, error.record),
      );
    }
    throw error;
  }
  return completeOrder(inputs, placed, ctx);
}

/** The inputs a cart's configuration labels are filled from (`configuration.ts`), absent ones left out. */
export function configurationValues(inputs: TenantInputs): ConfigurationValues {
  const c = inputs.contact;
  const values: ConfigurationValues = {
    mpnId: inputs.mpnId,
    displayName: inputs.displayName,
    customSubDomain: inputs.customSubDomain,
    "contact.firstName": c?.firstName,
    "contact.lastName": c?.lastName,
    "contact.email": c?.email,
    "contact.phone": c?.phone,
    "contact.address": c?.address,
    "contact.city": c?.city,
    "contact.zipCode": c?.zipCode,
    "contact.country": c?.country,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as ConfigurationValues;
}

/**
 * Follows a placed order to a ready tenant. Every failure from here on is a partial create: the order exists
 * and must be followed, never placed again.
 */
async function completeOrder(
  inputs: TenantInputs,
  placed: PlacedOrder,
  ctx: ResourceContext,
): Promise<CreateResult<TenantOutputs>> {
  const pending = pendingOutputs(inputs, placed);
  let serviceName: string;
  try {
    await payIfNeeded(ctx, placed.orderId);
    await waitForDelivery(ctx, placed.orderId);
    serviceName = await findServiceName(ctx, placed, inputs.displayName ?? "");
  } catch (error) {
    throw new PartialCreateError(
      afterCheckoutMessage(`Following OVH order ${placed.orderId} (cart ${placed.cartId})`, error),
      pendingId(placed),
      pending,
    );
  }
  // findServiceName claimed the tenant for this resource.

  const base: TenantOutputs = { ...pending, serviceName, pendingOrder: null };
  let outs: TenantOutputs;
  try {
    const tenant = await waitForTenantReady(ctx, serviceName);
    const infos = await getServiceInfosOrNull(ctx, serviceName);
    outs = buildOutputs(tenant, infos, base, base);
  } catch (error) {
    throw new PartialCreateError(
      afterCheckoutMessage(`Waiting for tenant ${serviceName} (order ${placed.orderId})`, error),
      serviceName,
      base,
    );
  }
  if (inputs.administratorPassword !== undefined) {
    try {
      await setAdministratorPassword(ctx, serviceName, inputs.administratorPassword);
      outs = { ...outs, administratorPassword: inputs.administratorPassword };
    } catch (error) {
      throw new PartialCreateError(
        `Tenant ${serviceName} was created (order ${placed.orderId}), but: ${errorText(error)}`,
        serviceName,
        outs,
      );
    }
  }
  return { id: serviceName, outs };
}

/** The message of a failure after the checkout: the order exists and is followed again, never placed again. */
function afterCheckoutMessage(action: string, error: unknown): string {
  return (
    inContext(action, error).message +
    "\nThe order was placed and is NOT placed again: run `pulumi up` again to keep following it."
  );
}

/** `update` of a resource whose order was not settled at create time (see the module comment). */
export async function resumePendingOrder(
  id: string,
  olds: TenantOutputs,
  news: TenantInputs,
  ctx: ResourceContext,
): Promise<TenantOutputs> {
  const record = olds.pendingOrder;
  if (news.existingServiceName !== undefined) {
    ctx.log?.warn(
      `${id}: adopting ${news.existingServiceName} instead of following the pending order` +
        (record ? ` (${describeCartAndOrder(record)})` : "") +
        "; that order may still be delivered and billed: check the OVHcloud Control Panel.",
    );
    return (await adoptTenant(news, news.existingServiceName, ctx)).outs;
  }
  if (!record) {
    throw new Error(
      `${id} is recorded as a pending order but its state has no order details. Check the OVHcloud Control Panel for the order; ` +
        "then either set existingServiceName to the delivered tenant or remove the resource from the state (`pulumi state delete`).",
    );
  }
  return withLocks([orderLockKey(news)], async () => {
    let placed: PlacedOrder;
    try {
      placed = await resumeCheckout(ctx, record);
    } catch (error) {
      if (error instanceof CheckoutUnconfirmedError) {
        throw new PartialCreateError(error.message, id, pendingOutputs(news, error.record));
      }
      throw error;
    }
    const done = await completeOrder(news, placed, ctx);
    return done.outs;
  });
}
