/**
 * A resource whose order is unconfirmed (order.ts, step 4): its record in state, and how a later run settles it.
 *
 * Pulumi updates resources with init errors, so the next `pulumi up` calls update, which looks again (same
 * evidence rules): found → adopted, then the declared quantity is applied as an ordinary seat change; the
 * order's own task failed → OVH took nothing: order again; nothing found and the order younger than the grace
 * period (`OVH_OFFICE_PENDING_ORDER_GRACE_MS`) → refuse and say when to retry; nothing found after it → order
 * again, the new attempt replacing the record. The user may also name the product (existingSubscriptionId).
 * refresh (read.ts) looks once and adopts what it finds, else keeps the record as is; delete (remove.ts) looks,
 * cancels what it finds (per deletionPolicy) and refuses to forget an order younger than the grace period.
 */
import type { OfficeSubscription } from "../../api/csp2";
import { ovhNow } from "../billing";
import { inContext, PartialCreateError } from "../errors";
import { withLocks } from "../keyedLock";
import { DoubtfulProductError, graceEndsAt, orderLookWindowMs } from "../orderOnce";
import type { ResourceContext } from "../types";
import {
  claimSubscription,
  isClaimedSubscription,
  lookForOrder,
  orderLockKeys,
  type OrderIntent,
} from "./evidence";
import { settingsOf, type Settings, type SubscriptionInputs } from "./inputs";
import { readLive, refuseOn } from "./live";
import {
  describeIntent,
  orderAndIdentify,
  UnconfirmedOrder,
  unconfirmedText,
  type PendingOrder,
} from "./order";
import { outputsFrom, PENDING_STATUS, type SubscriptionOutputs } from "./outputs";
import { checkLive } from "./rules";

/** The outputs of a resource whose order is unconfirmed: what a later run needs to look for it again. */
export function pendingOutputs(
  intent: OrderIntent,
  settings: Settings,
  pending: PendingOrder,
): SubscriptionOutputs {
  return {
    tenant: intent.tenant,
    subscriptionId: null,
    licenceId: intent.licence.id,
    licenceName: intent.licence.name,
    licenceType: intent.licence.type,
    licence: settings.licence,
    status: PENDING_STATUS,
    quantity: intent.quantity,
    creationDate: null,
    lastUpdate: null,
    taskPendingId: pending.taskId,
    parentSubscriptionId: intent.parentSubscriptionId,
    existingSubscriptionId: null,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    pendingOrderId: pending.marker,
    pendingOrderAt: pending.snapshot.orderedAt,
    pendingOrderTaskId: pending.taskId,
    pendingOrderKnownSubscriptionIds: [...pending.snapshot.subscriptionIds],
    pendingOrderKnownTaskIds: [...pending.snapshot.taskIds],
  };
}

/** The pending order recorded in outputs, or undefined. */
export function pendingOf(
  olds: Partial<SubscriptionOutputs>,
): { intent: OrderIntent; pending: PendingOrder } | undefined {
  if (typeof olds.pendingOrderId !== "string" || olds.tenant === undefined || olds.licenceId === undefined)
    return undefined;
  return {
    intent: {
      tenant: olds.tenant,
      licence: {
        id: olds.licenceId,
        name: olds.licenceName ?? `licence ${olds.licenceId}`,
        type: olds.licenceType ?? "",
        limit: null,
        newSeatsAllowed: true,
        newSubscriptionsAllowed: true,
        academic: false,
      },
      quantity: olds.quantity ?? 1,
      parentSubscriptionId: olds.parentSubscriptionId ?? null,
    },
    pending: {
      marker: olds.pendingOrderId,
      taskId: olds.pendingOrderTaskId ?? null,
      snapshot: {
        subscriptionIds: olds.pendingOrderKnownSubscriptionIds ?? [],
        taskIds: olds.pendingOrderKnownTaskIds ?? [],
        orderedAt: olds.pendingOrderAt ?? new Date(0).toISOString(),
      },
    },
  };
}

export type PendingResolution =
  | { readonly kind: "found"; readonly subscription: OfficeSubscription; readonly because: string }
  | { readonly kind: "neverTaken"; readonly reason: string }
  | { readonly kind: "undetermined"; readonly retryAfter: Date };

/**
 * Applies the evidence rule to an order left unconfirmed by an earlier run (see the top of order.ts and of this module). Calls:
 * one look series (lookForOrder). Throws DoubtfulProductError when new subscriptions could be the product but
 * none provably is: they may belong to other resources, whose seats must never be touched on a guess.
 */
export async function resolvePending(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  windowMs: number,
): Promise<PendingResolution> {
  const evidence = await lookForOrder(ctx, intent, pending.snapshot, {
    taskId: pending.taskId,
    windowMs,
    sameOperation: false,
  });
  if (evidence.kind === "subscription") {
    claimSubscription(intent.tenant, evidence.subscription.id);
    return { kind: "found", subscription: evidence.subscription, because: evidence.because };
  }
  if (evidence.kind === "failed")
    return {
      kind: "neverTaken",
      reason: `its task ${evidence.task.id} (${evidence.task.function}) ended in status "${evidence.task.status}"`,
    };
  if (evidence.kind === "doubt") throw doubtfulPending(intent, pending, evidence.candidates);
  const retryAfter = graceEndsAt(pending.snapshot.orderedAt);
  if (Date.now() >= retryAfter.getTime())
    return {
      kind: "neverTaken",
      reason: `OVH shows neither a new "${intent.licence.name}" subscription of ${intent.quantity} seat(s) nor an order task since ${pending.snapshot.orderedAt}`,
    };
  return { kind: "undetermined", retryAfter };
}

export function doubtfulPending(
  intent: OrderIntent,
  pending: PendingOrder,
  candidates: readonly string[],
): DoubtfulProductError {
  return new DoubtfulProductError(
    `The order ${pending.marker} (${describeIntent(intent)}, sent at ${pending.snapshot.orderedAt}) is unconfirmed, and ` +
      `${candidates.length === 1 ? "a new subscription has" : "new subscriptions have"} appeared since: ${candidates.join("; ")}. ` +
      "Nothing proves that one of them is this order's product rather than another resource's or another order's, so " +
      "nothing was ordered, changed or cancelled. To resolve it, check the tenant in the OVHcloud Control Panel, then either " +
      "set existingSubscriptionId to the id of this order's subscription on this resource and run `pulumi up` (it is " +
      "taken as it is), or, if none of them is this order's, remove this resource from the state (`pulumi state delete " +
      "<urn>`) and run `pulumi up` to order it afresh.",
    candidates,
  );
}

/**
 * The user names the product of the unconfirmed order (existingSubscriptionId): the proof the provider could not
 * find. Checked like any adoption (exists, same licence, right parent); never another resource's.
 */
async function adoptNamedProduct(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  subscriptionId: number,
): Promise<OfficeSubscription> {
  const label = `subscription ${subscriptionId} on tenant ${intent.tenant}`;
  const live = await readLive(ctx, intent.tenant, subscriptionId);
  const problems: string[] = [];
  if (!live) problems.push("it does not exist at OVH");
  else if (live.licenseId !== intent.licence.id)
    problems.push(
      `it is of licence ${live.licenseId}, where "${intent.licence.name}" (${intent.licence.id}) was ordered`,
    );
  if (isClaimedSubscription(intent.tenant, subscriptionId))
    problems.push("another resource of this stack already holds it");
  if (problems.length > 0 || !live)
    throw new Error(
      `existingSubscriptionId ${subscriptionId} cannot settle the unconfirmed order ${pending.marker}: ${problems.join("; ")}. ` +
        "Give the id of the subscription this order produced, or remove existingSubscriptionId.",
    );
  claimSubscription(intent.tenant, subscriptionId);
  ctx.log?.info(
    `The unconfirmed order ${pending.marker} is settled as ${label}, as declared by existingSubscriptionId.`,
  );
  return live;
}

/**
 * update of a resource whose order is unconfirmed: settles the order (found, named by the user, or ordered again
 * once provably never taken) and returns the outputs of its subscription as OVH has it. The caller then applies
 * the declared quantity as an ordinary seat change.
 */
export async function settlePending(
  id: string,
  olds: SubscriptionOutputs,
  news: SubscriptionInputs,
  ctx: ResourceContext,
): Promise<SubscriptionOutputs> {
  const recorded = pendingOf(olds);
  if (!recorded) throw new Error(`Internal error: ${id} has no pending order`);
  const { intent, pending } = recorded;
  const settings = settingsOf(news);
  const label = describeIntent(intent);
  const adopted = await withLocks(orderLockKeys(intent), async (): Promise<OfficeSubscription> => {
    if (news.existingSubscriptionId !== undefined)
      return adoptNamedProduct(ctx, intent, pending, news.existingSubscriptionId);
    let resolution: PendingResolution;
    try {
      resolution = await resolvePending(ctx, intent, pending, orderLookWindowMs());
    } catch (error) {
      if (error instanceof DoubtfulProductError) throw error;
      throw inContext(
        `Looking for the unconfirmed order ${pending.marker} (${label})`,
        error,
        "Nothing was ordered again. Run `pulumi up` again later; the order is looked for again before anything is sent.",
      );
    }
    if (resolution.kind === "found") {
      ctx.log?.info(
        `The unconfirmed order ${pending.marker} did reach OVH: subscription ${resolution.subscription.id} (${resolution.because}).`,
      );
      return resolution.subscription;
    }
    if (resolution.kind === "undetermined")
      throw new Error(
        `The order ${pending.marker} (${label}) sent at ${pending.snapshot.orderedAt} is still unconfirmed: OVH shows no trace of it yet, ` +
          `and it is too early to conclude it was never taken. Nothing was ordered again. Run \`pulumi up\` again after ` +
          `${resolution.retryAfter.toISOString()}.`,
      );
    // OVH never took it: order now (same locks held), with the declared (possibly changed) quantity.
    ctx.log?.warn(`The order ${pending.marker} never reached OVH (${resolution.reason}); ordering again.`);
    const fresh = await checkLive(ctx, news, { newObject: true });
    refuseOn(fresh.failures, `Ordering ${label} again`);
    const again: OrderIntent = {
      ...intent,
      licence: fresh.licence ?? intent.licence,
      quantity: news.quantity,
    };
    try {
      return await orderAndIdentify(ctx, again);
    } catch (error) {
      if (error instanceof UnconfirmedOrder)
        throw new PartialCreateError(
          unconfirmedText(error),
          id,
          pendingOutputs(again, settings, error.pending),
        );
      throw error;
    }
  });
  return outputsFrom(intent.tenant, adopted, intent.licence, settings, await ovhNow(ctx));
}
