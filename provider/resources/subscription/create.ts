/**
 * create: order a new subscription (order.ts), or adopt an existing one (`existingSubscriptionId`, no order).
 *
 * Adoption verifies that the subscription exists, has the declared licence and (if given) belongs to the declared
 * parent (rules.ts). A different live quantity is NOT changed at create: the resource is adopted as it is
 * (outputs carry the live quantity, a warning says so) and the next `pulumi preview` shows the seat change as an
 * ordinary update, so a quantity change is never billed as a side effect of adopting.
 */
import type { OfficeSubscription } from "../../api/csp2";
import { ovhNow } from "../billing";
import { PartialCreateError } from "../errors";
import { withLocks } from "../keyedLock";
import type { Licence } from "../licences";
import type { ResourceContext } from "../types";
import { claimSubscription, orderLockKeys, type OrderIntent } from "./evidence";
import {
  assertKnown,
  orNull,
  resourceId,
  settingsOf,
  type Settings,
  type SubscriptionInputs,
} from "./inputs";
import { knownAtOvhOf } from "./known";
import { readLive, refuseOn } from "./live";
import { orderAndIdentify, UnconfirmedOrder, unconfirmedText } from "./order";
import { describeSubscription, outputsFrom } from "./outputs";
import { pendingOutputs } from "./pending";
import { checkLive } from "./rules";

export async function create(inputs: SubscriptionInputs, ctx: ResourceContext) {
  assertKnown(inputs, "create");
  const tenant = inputs.tenant;
  // The licence id check just resolved (known.ts) saves reading the catalogue again for a replacement.
  const knownLicenceId = knownAtOvhOf(inputs as unknown as Record<string, unknown>).licenceId;
  const live = await checkLive(ctx, inputs, {
    newObject: true,
    ...(knownLicenceId !== undefined ? { knownLicenceId } : {}),
  });
  const settings = settingsOf(inputs);
  if (inputs.existingSubscriptionId !== undefined) {
    refuseOn(live.failures, `Adopting subscription ${inputs.existingSubscriptionId} on tenant ${tenant}`);
    return adopt(ctx, inputs, live.licence as Licence, settings, live.adoptable);
  }
  refuseOn(live.failures, `Ordering a subscription on tenant ${tenant}`);
  const licence = live.licence as Licence;
  const intent: OrderIntent = {
    tenant,
    licence,
    quantity: inputs.quantity,
    parentSubscriptionId: orNull(inputs.parentSubscriptionId),
  };
  try {
    const subscription = await withLocks(orderLockKeys(intent), () => orderAndIdentify(ctx, intent));
    return {
      id: resourceId(tenant, subscription.id),
      outs: outputsFrom(tenant, subscription, licence, settings, await ovhNow(ctx)),
    };
  } catch (error) {
    if (error instanceof UnconfirmedOrder)
      throw new PartialCreateError(
        unconfirmedText(error),
        error.pending.marker,
        pendingOutputs(intent, settings, error.pending),
      );
    throw error;
  }
}

/** Adoption: 0 mutating calls; 1 GET of the subscription (read by checkLive) + 1 GET when a parent is declared. */
async function adopt(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  licence: Licence,
  settings: Settings,
  checked: OfficeSubscription | undefined,
) {
  const tenant = inputs.tenant;
  const subscriptionId = inputs.existingSubscriptionId as number;
  const live = checked ?? (await readLive(ctx, tenant, subscriptionId));
  if (!live)
    throw new Error(
      `Adopting subscription ${subscriptionId} on tenant ${tenant}: it does not exist at OVH. Fix existingSubscriptionId, or remove it to order a new subscription.`,
    );
  claimSubscription(tenant, subscriptionId);
  if (live.quantity !== inputs.quantity)
    ctx.log?.warn(
      `Adopted ${describeSubscription(tenant, subscriptionId)} as it is, with ${live.quantity} seats; ${inputs.quantity} are declared. ` +
        `Nothing was changed now: the next \`pulumi preview\`/\`up\` shows and applies the seat change as an update.`,
    );
  return {
    id: resourceId(tenant, subscriptionId),
    outs: outputsFrom(tenant, live, licence, settings, await ovhNow(ctx)),
  };
}
