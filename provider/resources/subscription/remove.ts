/**
 * delete: cancel the subscription (`DELETE subscription/{id}`, then its task) or, with `deletionPolicy:
 * "retain"`, leave it at OVH. A resource whose order is unconfirmed is looked for first (pending.ts).
 */
import * as csp2 from "../../api/csp2";
import type { OfficeTask } from "../../api/csp2";
import { OvhNetworkError, isGoneAtOvh, isConflictAtOvh } from "../../ovh/errors";
import { inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import { DoubtfulProductError, orderLookWindowMs, provesNotExecuted } from "../orderOnce";
import { waitForTask } from "../tasks";
import type { ResourceContext } from "../types";
import { orderLockKeys } from "./evidence";
import { parseResourceId, type DeletionPolicy } from "./inputs";
import { followPending, readLive, refusalHint } from "./live";
import { describeIntent } from "./order";
import { describeSubscription, type SubscriptionOutputs } from "./outputs";
import { pendingOf, resolvePending } from "./pending";

/** cancel: 1 DELETE + the task's polls (+1 GET and a wait when OVH reports a task in progress). retain: no call. */
export async function remove(id: string, olds: SubscriptionOutputs, ctx: ResourceContext): Promise<void> {
  const policy = olds.deletionPolicy ?? "cancel";
  if (typeof olds.pendingOrderId === "string") return removePending(id, olds, ctx, policy);
  const tenant = olds.tenant;
  const subscriptionId = olds.subscriptionId ?? parseResourceId(id)?.subscriptionId;
  if (subscriptionId === undefined || subscriptionId === null) return;
  const label = describeSubscription(tenant, subscriptionId);
  if (policy === "retain") {
    ctx.log?.warn(
      `${label} is left at OVH (deletionPolicy "retain") and removed from the Pulumi state only: its seats stay billed until cancelled in the OVHcloud Control Panel.`,
    );
    return;
  }
  await cancel(ctx, tenant, subscriptionId);
}

async function cancel(ctx: ResourceContext, tenant: string, subscriptionId: number): Promise<void> {
  const label = describeSubscription(tenant, subscriptionId);
  await withLocks([lockKeys.subscription(tenant, subscriptionId)], async () => {
    ctx.log?.info(`Cancelling ${label}.`);
    let task: OfficeTask;
    try {
      task = await csp2.deleteSubscription(ctx.ovh, tenant, subscriptionId);
    } catch (error) {
      if (isGoneAtOvh(error)) return; // already gone: fine
      const retried = await afterFailedCancel(ctx, tenant, subscriptionId, error);
      if (retried === "gone") return;
      task = retried;
    }
    try {
      await waitForTask(ctx, tenant, task);
    } catch (error) {
      throw inContext(`Cancelling ${label}`, error);
    }
  });
}

/**
 * A DELETE that failed: when OVH reports a conflict (a task in progress) or the answer was lost, look at the
 * subscription; gone → done; a pending task → follow it (ours after a lost answer) and, if the subscription is
 * still there, send DELETE once more.
 */
async function afterFailedCancel(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
  error: unknown,
): Promise<OfficeTask | "gone"> {
  const label = describeSubscription(tenant, subscriptionId);
  const conflict = isConflictAtOvh(error);
  const ambiguous = !provesNotExecuted(error);
  if (!conflict && !ambiguous) throw inContext(`Cancelling ${label}`, error);
  const live = await readLive(ctx, tenant, subscriptionId);
  if (!live) return "gone";
  if (live.taskPendingId !== 0) {
    // The pending task may be our own cancellation: after it, the subscription may be gone.
    await followPending(ctx, tenant, live.taskPendingId, label);
    if (!(await readLive(ctx, tenant, subscriptionId))) return "gone";
  }
  try {
    return await csp2.deleteSubscription(ctx.ovh, tenant, subscriptionId);
  } catch (second) {
    if (isGoneAtOvh(second)) return "gone";
    throw inContext(
      `Cancelling ${label}`,
      second,
      error instanceof OvhNetworkError ? undefined : refusalHint(second),
    );
  }
}

async function removePending(
  id: string,
  olds: SubscriptionOutputs,
  ctx: ResourceContext,
  policy: DeletionPolicy,
): Promise<void> {
  const recorded = pendingOf(olds);
  if (!recorded) return;
  const { intent, pending } = recorded;
  const resolution = await withLocks(orderLockKeys(intent), () =>
    resolvePending(ctx, intent, pending, orderLookWindowMs()),
  ).catch((error: unknown) => {
    if (error instanceof DoubtfulProductError)
      throw new DoubtfulProductError(`Cannot delete ${id}: ${error.message}`, error.candidates);
    throw inContext(`Looking for the unconfirmed order ${pending.marker} before deleting ${id}`, error);
  });
  if (resolution.kind === "found") {
    const subscriptionId = resolution.subscription.id;
    if (policy === "retain") {
      ctx.log?.warn(
        `The unconfirmed order ${pending.marker} did reach OVH (subscription ${subscriptionId} on tenant ${intent.tenant}); it is left at OVH (deletionPolicy "retain") and still billed.`,
      );
      return;
    }
    await cancel(ctx, intent.tenant, subscriptionId);
    return;
  }
  if (resolution.kind === "undetermined")
    throw new Error(
      `Cannot delete ${id} yet: its order (${describeIntent(intent)}, sent at ${pending.snapshot.orderedAt}) is unconfirmed and OVH shows no trace of it so far. ` +
        `Retry after ${resolution.retryAfter.toISOString()}; if the subscription appears meanwhile it is ${policy === "retain" ? "left at OVH" : "cancelled"}. ` +
        `To forget it now, check the tenant in the OVHcloud Control Panel and run \`pulumi state delete\` on this resource.`,
    );
  ctx.log?.info(
    `The unconfirmed order ${pending.marker} never reached OVH (${resolution.reason}): nothing to cancel.`,
  );
}
