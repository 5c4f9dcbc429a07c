/**
 * diff: which declared changes replace the subscription (tenant, licence, parent, another adopted subscription)
 * and which are applied in place (quantity: a seat change; the rest: state only).
 */
import type { DiffResult } from "../types";
import { isUnknown } from "../unknown";
import { claimSubscription } from "./evidence";
import { sameName, type SubscriptionInputs } from "./inputs";
import type { SubscriptionOutputs } from "./outputs";

export function diff(_id: string, olds: SubscriptionOutputs, raw: SubscriptionInputs): DiffResult {
  // The engine diffs every resource of the program: what each one holds is then never offered to another
  // resource's unconfirmed order (see orderOnce.ts).
  if (typeof olds.tenant === "string" && typeof olds.subscriptionId === "number")
    claimSubscription(olds.tenant, olds.subscriptionId);
  const news = raw as Partial<SubscriptionInputs> & Record<string, unknown>;
  const replaces: string[] = [];
  const changed: string[] = [];
  const differs = (value: unknown, same: () => boolean): boolean => isUnknown(value) || !same();
  // An identity (tenant, licence, parent) still unknown in preview comes from an object that does not exist yet:
  // the SDK and the native provider keep the identity of an object being UPDATED known in preview (from its
  // resource id, and from the native provider's preview outputs), so unknown means the tenant or the parent is
  // being created or replaced, and this subscription is then replaced with it. `pulumi up` diffs again with the
  // real value before acting.
  const identity = (key: string): void => {
    replaces.push(key);
  };

  if (differs(news.tenant, () => news.tenant === olds.tenant)) identity("tenant");
  if (news.licence !== undefined && news.licence !== null) {
    // By name: against the name OVH resolved (and the name as written), ignoring case.
    if (
      differs(
        news.licence,
        () => sameName(news.licence, olds.licenceName) || sameName(news.licence, olds.licence),
      )
    )
      identity("licence");
    else if (news.licence !== olds.licence) changed.push("licence"); // spelling or style only: state
  } else if (news.licenceId !== undefined && news.licenceId !== null) {
    if (differs(news.licenceId, () => news.licenceId === olds.licenceId)) identity("licenceId");
    else if (olds.licence !== null && olds.licence !== undefined) changed.push("licenceId");
  } else {
    replaces.push("licence");
  }
  const parent = news.parentSubscriptionId ?? null;
  if (differs(parent, () => parent === (olds.parentSubscriptionId ?? null))) identity("parentSubscriptionId");

  // Adoption: declaring (or dropping) the id of the very subscription already managed is not a new object.
  const existing = news.existingSubscriptionId ?? null;
  const oldExisting = olds.existingSubscriptionId ?? null;
  if (isUnknown(existing)) changed.push("existingSubscriptionId");
  else if (existing !== oldExisting) {
    const sameObject =
      olds.subscriptionId !== null &&
      olds.subscriptionId !== undefined &&
      (existing === null || existing === olds.subscriptionId);
    // Naming the product of an unconfirmed order settles that order in place (update), it orders nothing new.
    const settlesPendingOrder = typeof olds.pendingOrderId === "string" && existing !== null;
    if (sameObject || settlesPendingOrder) changed.push("existingSubscriptionId");
    else replaces.push("existingSubscriptionId");
  }

  if (differs(news.quantity, () => news.quantity === olds.quantity)) changed.push("quantity");
  const policy = news.deletionPolicy ?? "cancel";
  if (differs(policy, () => policy === olds.deletionPolicy)) changed.push("deletionPolicy");
  const ack = news.academicEligibilityAcknowledged ?? false;
  if (differs(ack, () => ack === olds.academicEligibilityAcknowledged))
    changed.push("academicEligibilityAcknowledged");

  // An unconfirmed order always needs update (which looks for it), even when nothing else changed.
  if (typeof olds.pendingOrderId === "string" && changed.length === 0 && replaces.length === 0)
    changed.push("pendingOrderId");
  const changedKeys = [...replaces, ...changed];
  return { changes: changedKeys.length > 0, replaces, changedKeys };
}
