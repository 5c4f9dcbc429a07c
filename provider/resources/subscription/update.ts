/**
 * update: a seat change (`changeQuantity` on the subscription, then its task), or state-only edits. A resource
 * whose order is unconfirmed settles that order first (pending.ts). The seat rules are in seats.ts.
 */
import * as csp2 from "../../api/csp2";
import type { OfficeTask } from "../../api/csp2";
import { ovhNow } from "../billing";
import { inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import { findLicenceById } from "../licences";
import { provesNotExecuted } from "../orderOnce";
import { waitForTask } from "../tasks";
import type { ResourceContext } from "../types";
import { assertKnown, settingsOf, type Settings, type SubscriptionInputs } from "./inputs";
import { followPending, readLive, refusalHint, refuseOn } from "./live";
import { describeSubscription, outputsFrom, type LicenceRef, type SubscriptionOutputs } from "./outputs";
import { settlePending } from "./pending";
import { seatRefusals } from "./seats";

/** Seat change when `quantity` differs; every other change is state only (no call). */
export async function update(
  id: string,
  olds: SubscriptionOutputs,
  news: SubscriptionInputs,
  ctx: ResourceContext,
): Promise<SubscriptionOutputs> {
  assertKnown(news, "update");
  if (typeof olds.pendingOrderId === "string") {
    const settled = await settlePending(id, olds, news, ctx);
    return news.quantity !== settled.quantity ? changeSeats(ctx, settled, news.quantity) : settled;
  }
  const settings = settingsOf(news);
  const carried: SubscriptionOutputs = {
    ...olds,
    licence: settings.licence,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    existingSubscriptionId: settings.existingSubscriptionId,
  };
  if (news.quantity === olds.quantity || olds.subscriptionId === null) return carried; // state only: no call
  return changeSeats(ctx, carried, news.quantity);
}

/**
 * Sets the seats of an existing subscription to `quantity`, under its lock. Calls: 1 GET (live state: skip when
 * already at the target, wait for a pending task first) + 1 POST + the task's polls + 1 GET (final state). The
 * licence flags are the ones check read in this run (licences.ts remembers them per run): 0 GET after check, 1
 * when check did not run (values unknown in preview). Commitment dates are on OVH's clock (no call of its own).
 */
export async function changeSeats(
  ctx: ResourceContext,
  outs: SubscriptionOutputs,
  quantity: number,
): Promise<SubscriptionOutputs> {
  const tenant = outs.tenant;
  const subscriptionId = outs.subscriptionId as number;
  const label = describeSubscription(tenant, subscriptionId);
  return withLocks([lockKeys.subscription(tenant, subscriptionId)], async () => {
    let live = await readLive(ctx, tenant, subscriptionId);
    if (!live)
      throw new Error(
        `Changing the seats of ${label}: it no longer exists at OVH. Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to order it again if it is still wanted.`,
      );
    if (live.taskPendingId !== 0) {
      await followPending(ctx, tenant, live.taskPendingId, label);
      live = (await readLive(ctx, tenant, subscriptionId)) ?? live;
    }
    const settings: Settings = outs;
    const ref: LicenceRef = { id: outs.licenceId, name: outs.licenceName, type: outs.licenceType };
    if (live.quantity === quantity) return outputsFrom(tenant, live, ref, settings, await ovhNow(ctx));

    // Judged against the live seat count (what OVH changes) and the licence's flags as OVH has them now.
    const licence = await findLicenceById(ctx, tenant, live.licenseId).catch(() => undefined);
    if (licence) {
      const refusals = seatRefusals({
        licence,
        quantity,
        current: live.quantity,
        academicAcknowledged: outs.academicEligibilityAcknowledged,
      });
      refuseOn(refusals, `Changing the seats of ${label} from ${live.quantity} to ${quantity}`);
    }

    ctx.log?.info(`Changing the seats of ${label} from ${live.quantity} to ${quantity}.`);
    let task: OfficeTask;
    try {
      task = await csp2.changeSubscriptionQuantity(ctx.ovh, tenant, subscriptionId, { quantity });
    } catch (error) {
      const hint = provesNotExecuted(error)
        ? refusalHint(error)
        : "OVH may have applied the change: the next `pulumi up` reads the live seat count first and does not repeat a change that is already there.";
      throw inContext(`Changing the seats of ${label} from ${live.quantity} to ${quantity}`, error, hint);
    }
    try {
      await waitForTask(ctx, tenant, task);
    } catch (error) {
      throw inContext(`Changing the seats of ${label} to ${quantity}`, error);
    }
    const after = await readLive(ctx, tenant, subscriptionId);
    return outputsFrom(tenant, after ?? { ...live, quantity }, ref, settings, await ovhNow(ctx));
  });
}
