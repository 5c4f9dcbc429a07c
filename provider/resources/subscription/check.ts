/**
 * check: validates the declaration (inputs.ts), runs the live rules (rules.ts) when OVH may be called, and says
 * what the change bills (a preview note) or which commitment rule it would break (a failure). What it learned at
 * OVH (the licence id, the subscription's purchase date) rides in the checked inputs for the next run (known.ts).
 *
 * Calls of a seat change whose facts are known: the licence by id (1 GET), the price (1 GET), OVH's time (the
 * `/auth/time` signing reads anyway). The first seat change after a create also looks the subscription up once.
 */
import * as csp2 from "../../api/csp2";
import {
  commitmentIfBoughtNow,
  commitmentOf,
  day,
  describeSubscriptionChange,
  monthlyAmount,
  ovhNow,
  seatPriceOf,
  type Commitment,
} from "../billing";
import { unchangedSincePreviousRun, validateInputs } from "../check";
import type { BillingAmounts, CheckFailure, CheckResult, ResourceContext } from "../types";
import { isUnknown } from "../unknown";
import { licenceProperty, sameName, SubscriptionInputsSchema, type SubscriptionInputs } from "./inputs";
import { knownAtOvhOf, subscriptionFacts, withKnown, type KnownAtOvh } from "./known";
import { checkLive, type LiveCheck } from "./rules";

export async function check(
  raw: Record<string, unknown>,
  ctx: ResourceContext | undefined,
  oldInputs?: Record<string, unknown>,
): Promise<CheckResult<SubscriptionInputs>> {
  const validated = validateInputs(SubscriptionInputsSchema, raw);
  if (!validated.inputs || !ctx) return validated;
  const inputs = validated.inputs;
  const known = knownAtOvhOf(oldInputs);
  // Nothing changes: no call, and the facts stay for the next run (the engine stores these inputs again).
  if (unchangedSincePreviousRun(SubscriptionInputsSchema, inputs, oldInputs))
    return { inputs: withKnown(inputs, known), failures: [] };
  const previous = previousInputs(oldInputs);
  const newObject = !previous || replacementKeys(previous, inputs).length > 0;
  // A licence id resolved on this very tenant: read it alone (rules.ts takes it only if its name still matches).
  const sameTenant = previous !== undefined && !isUnknown(inputs.tenant) && previous.tenant === inputs.tenant;
  const live = await checkLive(ctx, inputs, {
    newObject,
    ...(previous && !newObject && typeof previous.quantity === "number"
      ? { previousQuantity: previous.quantity }
      : {}),
    ...(sameTenant && known.licenceId !== undefined ? { knownLicenceId: known.licenceId } : {}),
  });
  if (live.failures.length > 0) return { failures: live.failures };
  if (previous && newObject) {
    const refused = await replacementRefused(ctx, previous, inputs, known);
    if (refused) return { failures: [refused] };
  }
  // The subscription's facts hold while the declared identity does not change.
  const carried = newObject ? {} : subscriptionFacts(known);
  const billing = await billingOf(ctx, inputs, previous, newObject, live, carried);
  if (billing.failures.length > 0) return { failures: billing.failures };
  const learned: KnownAtOvh = {
    // Never a licence id read on another tenant (a tenant not created yet is checked against a reference one).
    ...(live.licence && !isUnknown(inputs.tenant) ? { licenceId: live.licence.id } : {}),
    ...(billing.subscription ?? carried),
  };
  return {
    inputs: withKnown(inputs, learned),
    failures: [],
    ...(billing.notes.length > 0 ? { notes: billing.notes } : {}),
    ...(billing.amounts ? { amounts: billing.amounts } : {}),
  };
}

/**
 * What the declared change bills (preview line), and the commitment rule it would break (a failure). Only for a
 * change that bills or un-bills seats: a new subscription, or a seat change. Calls: the price (1 GET per licence
 * and run); for a seat change, the subscription's purchase date when it is not carried yet (`known`). Dates are
 * judged on OVH's clock.
 */
async function billingOf(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  previous: SubscriptionInputs | undefined,
  newObject: boolean,
  live: LiveCheck,
  known: KnownAtOvh,
): Promise<{
  notes: string[];
  failures: CheckFailure[];
  amounts?: BillingAmounts;
  /** The subscription's facts, when they were read now. */
  subscription?: KnownAtOvh;
}> {
  const none = { notes: [], failures: [] };
  const licence = live.licence;
  if (!licence || isUnknown(inputs.quantity) || (!newObject && isUnknown(inputs.tenant))) return none;
  const adopting = inputs.existingSubscriptionId !== undefined;
  if (newObject && adopting) return none; // adoption orders nothing; a seat difference shows as the next update
  const before = !newObject && previous && typeof previous.quantity === "number" ? previous.quantity : 0;
  const seat = await seatPriceOf(ctx, licence.name).catch(() => undefined);
  if (!newObject && before === inputs.quantity) {
    // Nothing billed changes (a state-only edit): the amounts still count in a change set's total.
    const monthly = seat ? monthlyAmount(seat, before) : undefined;
    return monthly === undefined
      ? none
      : {
          ...none,
          amounts: { monthlyBefore: monthly, monthlyAfter: monthly, currency: seat?.currency ?? "" },
        };
  }
  const now = await ovhNow(ctx);
  let commitment: Commitment | undefined;
  let subscription: KnownAtOvh | undefined;
  if (newObject) commitment = commitmentIfBoughtNow(now);
  else if (known.purchaseDate !== undefined) commitment = commitmentOf(known.purchaseDate, now);
  else {
    subscription = await currentSubscription(ctx, inputs.tenant, licence.id, previous, before);
    commitment = commitmentOf(subscription?.purchaseDate, now);
  }
  const change = describeSubscriptionChange({
    licenceName: licence.name,
    seatsBefore: before,
    seatsAfter: inputs.quantity,
    kind: newObject ? "new" : "seats",
    price: seat,
    commitment,
  });
  if (!newObject && inputs.quantity < before && commitment && !commitment.windowOpen)
    return {
      notes: [],
      failures: [
        {
          property: "quantity",
          reason: `decreasing "${licence.name}" from ${before} to ${inputs.quantity} seats is refused by Microsoft's commitment rules: the window for decreases after purchase or renewal closed on ${day(commitment.decreaseAllowedUntil)}, and the seats stay billed until ${day(commitment.periodEnd)}. Keep ${before} seats now and lower the quantity within ${day(commitment.periodEnd)} and the following window (the renewal's cancellation window)`,
        },
      ],
    };
  const amounts =
    change.monthlyBefore !== null && change.monthlyAfter !== null && change.currency !== null
      ? { monthlyBefore: change.monthlyBefore, monthlyAfter: change.monthlyAfter, currency: change.currency }
      : undefined;
  return {
    notes: [change.message],
    failures: [],
    ...(amounts ? { amounts } : {}),
    ...(subscription ? { subscription } : {}),
  };
}

/**
 * A replacement orders the new subscription and then cancels the current one (deletionPolicy "cancel"). Outside
 * Microsoft's cancellation window OVH refuses that cancellation, after the new one is already billed: both would
 * stay billed. Refused here, at preview, on the property that forces the replacement. Unknown purchase date (no
 * fact carried, none found): not judged, as a seat change with an unknown commitment is not.
 */
async function replacementRefused(
  ctx: ResourceContext,
  previous: SubscriptionInputs,
  inputs: SubscriptionInputs,
  known: KnownAtOvh,
): Promise<CheckFailure | undefined> {
  if (previous.deletionPolicy !== "cancel" || isUnknown(previous.tenant)) return undefined;
  const purchaseDate =
    known.purchaseDate ??
    (known.licenceId !== undefined
      ? (await currentSubscription(ctx, previous.tenant, known.licenceId, previous, previous.quantity))
          ?.purchaseDate
      : undefined);
  if (purchaseDate === undefined) return undefined;
  const commitment = commitmentOf(purchaseDate, await ovhNow(ctx));
  if (!commitment || commitment.windowOpen) return undefined;
  const keys = replacementKeys(previous, inputs);
  const current = `${previous.quantity} seat(s) of ${previous.licence !== undefined ? `"${previous.licence}"` : `licence ${String(previous.licenceId)}`}`;
  return {
    property: keys[0] ?? licenceProperty(inputs),
    reason: `changing ${keys.join(", ")} replaces the subscription: a new one is ordered, then the current one (${current}) is cancelled, and Microsoft refuses that cancellation now: the window after purchase or renewal closed on ${day(commitment.decreaseAllowedUntil)}, the next one opens at the renewal on ${day(commitment.periodEnd)}. Both subscriptions would stay billed. Keep ${keys.join(", ")} as it is until that renewal's window, or first set deletionPolicy: "retain" on this resource and run \`pulumi up\` (the current subscription then stays at OVH, billed until you cancel it)`,
  };
}

/**
 * The purchase date of the existing subscription a seat change applies to. check knows its previous inputs, not
 * its id: the subscription is the adopted one (1 GET), or the only one of the tenant with this licence (and
 * parent) and the previous seat count (the list + 1 GET per subscription listed). Undefined when that is not one
 * subscription (the line then says the commitment is unknown).
 */
async function currentSubscription(
  ctx: ResourceContext,
  tenant: string,
  licenceId: number,
  previous: SubscriptionInputs | undefined,
  before: number,
): Promise<KnownAtOvh | undefined> {
  try {
    const adopted = previous?.existingSubscriptionId;
    const parent = previous?.parentSubscriptionId;
    let found: csp2.OfficeSubscription | undefined;
    if (typeof adopted === "number") found = await csp2.getSubscription(ctx.ovh, tenant, adopted);
    else {
      const ids =
        typeof parent === "number"
          ? await csp2.listAddonSubscriptionIds(ctx.ovh, tenant, parent)
          : await csp2.listSubscriptions(ctx.ovh, tenant);
      const subscriptions = await Promise.all(ids.map((id) => csp2.getSubscription(ctx.ovh, tenant, id)));
      const matches = subscriptions.filter((s) => s.licenseId === licenceId && s.quantity === before);
      found = matches.length === 1 ? matches[0] : undefined;
    }
    return found?.creationDate ? { subscriptionId: found.id, purchaseDate: found.creationDate } : undefined;
  } catch {
    return undefined;
  }
}

/** The previous inputs, when the resource already exists. */
function previousInputs(olds: Record<string, unknown> | undefined): SubscriptionInputs | undefined {
  if (!olds || olds.tenant === undefined) return undefined;
  return validateInputs(SubscriptionInputsSchema, olds).inputs;
}

/** Replacement-forcing differences between two declarations (inputs vs inputs). */
export function replacementKeys(olds: SubscriptionInputs, news: SubscriptionInputs): string[] {
  const keys: string[] = [];
  if (olds.tenant !== news.tenant) keys.push("tenant");
  const licenceSame =
    news.licence !== undefined
      ? olds.licence !== undefined && sameName(olds.licence, news.licence)
      : olds.licenceId !== undefined && olds.licenceId === news.licenceId;
  if (!licenceSame) keys.push(licenceProperty(news));
  if (olds.parentSubscriptionId !== news.parentSubscriptionId) keys.push("parentSubscriptionId");
  if (olds.existingSubscriptionId !== news.existingSubscriptionId) keys.push("existingSubscriptionId");
  return keys;
}
