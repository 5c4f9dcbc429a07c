/**
 * read (refresh and import): the subscription as OVH has it now. An unconfirmed order is looked for once and
 * adopted only with proof (pending.ts), else kept as it is; import adopts, never orders.
 */
import * as csp2 from "../../api/csp2";
import { isGoneAtOvh } from "../../ovh/errors";
import { ovhNow } from "../billing";
import { findLicenceById } from "../licences";
import type { ReadResult, ResourceContext } from "../types";
import { claimSubscription, lookForOrder, type OrderEvidence } from "./evidence";
import { parseResourceId, resourceId, type Settings, type SubscriptionInputs } from "./inputs";
import { readLive } from "./live";
import { errorText } from "../errors";
import { inputsFrom, outputsFrom, type LicenceRef, type SubscriptionOutputs } from "./outputs";
import { doubtfulPending, pendingOf } from "./pending";

export async function read(
  id: string,
  olds: Partial<SubscriptionOutputs> | undefined,
  ctx: ResourceContext,
): Promise<ReadResult<SubscriptionInputs, SubscriptionOutputs>> {
  const hasOlds = olds !== undefined && olds.tenant !== undefined;
  if (hasOlds && typeof olds.pendingOrderId === "string")
    return readPending(id, olds as SubscriptionOutputs, ctx);

  let tenant: string;
  let subscriptionId: number;
  if (hasOlds && typeof (olds.subscriptionId ?? olds.existingSubscriptionId) === "number") {
    tenant = olds.tenant as string;
    subscriptionId = (olds.subscriptionId ?? olds.existingSubscriptionId) as number;
  } else {
    const parsed = parseResourceId(id);
    if (!parsed)
      throw new Error(
        `Cannot read subscription "${id}": the id must be "<tenant>/<subscriptionId>", e.g. "csp2-123456/3000001".`,
      );
    ({ tenant, subscriptionId } = parsed);
  }
  const live = await readLive(ctx, tenant, subscriptionId);
  if (!live) return { id: undefined };
  claimSubscription(tenant, subscriptionId);
  const ref = await licenceRef(ctx, tenant, live.licenseId, hasOlds ? olds : undefined);
  let settings: Settings;
  if (hasOlds) {
    settings = {
      licence: live.licenseId === olds.licenceId ? (olds.licence ?? null) : null,
      parentSubscriptionId: olds.parentSubscriptionId ?? null,
      existingSubscriptionId: olds.existingSubscriptionId ?? null,
      deletionPolicy: olds.deletionPolicy ?? "cancel",
      academicEligibilityAcknowledged: olds.academicEligibilityAcknowledged ?? false,
    };
  } else {
    // Import: adopt (never order), declare the licence by id, acknowledge what already exists.
    const licence = await findLicenceById(ctx, tenant, live.licenseId).catch(() => undefined);
    settings = {
      licence: null,
      parentSubscriptionId: ref.type === "ADDON" ? await findParent(ctx, tenant, subscriptionId) : null,
      existingSubscriptionId: subscriptionId,
      deletionPolicy: "cancel",
      academicEligibilityAcknowledged: licence?.academic ?? false,
    };
  }
  const outs = outputsFrom(tenant, live, ref, settings, await ovhNow(ctx));
  return { id: resourceId(tenant, subscriptionId), props: outs, inputs: inputsFrom(outs) };
}

/**
 * Refresh of an unconfirmed order: one look (no waiting, never an order). Takes the product only with proof (see
 * resolvePending); otherwise keeps the marker as it is, with a warning naming any candidates.
 */
async function readPending(
  id: string,
  olds: SubscriptionOutputs,
  ctx: ResourceContext,
): Promise<ReadResult<SubscriptionInputs, SubscriptionOutputs>> {
  const recorded = pendingOf(olds);
  const keep = { id, props: olds, inputs: inputsFrom(olds) };
  if (!recorded) return keep;
  let evidence: OrderEvidence;
  try {
    evidence = await lookForOrder(ctx, recorded.intent, recorded.pending.snapshot, {
      windowMs: 0,
      taskId: null,
      sameOperation: false,
    });
  } catch (error) {
    ctx.log?.warn(
      `Could not look for the unconfirmed order ${recorded.pending.marker}: ${errorText(error)}; kept as it is.`,
    );
    return keep;
  }
  if (evidence.kind === "doubt")
    ctx.log?.warn(doubtfulPending(recorded.intent, recorded.pending, evidence.candidates).message);
  if (evidence.kind !== "subscription") return keep;
  claimSubscription(olds.tenant, evidence.subscription.id);
  const outs = outputsFrom(
    olds.tenant,
    evidence.subscription,
    recorded.intent.licence,
    { ...olds, existingSubscriptionId: null },
    await ovhNow(ctx),
  );
  return { id, props: outs, inputs: { ...inputsFrom(outs), quantity: olds.quantity } };
}

/** Name and type of a subscription's licence: from olds when it is the same licence, else 0-1 GET. */
async function licenceRef(
  ctx: ResourceContext,
  tenant: string,
  licenceId: number,
  olds: Partial<SubscriptionOutputs> | undefined,
): Promise<LicenceRef> {
  if (olds?.licenceId === licenceId && olds.licenceName !== undefined && olds.licenceType !== undefined)
    return { id: licenceId, name: olds.licenceName, type: olds.licenceType };
  const licence = await findLicenceById(ctx, tenant, licenceId).catch(() => undefined);
  return licence ?? { id: licenceId, name: `licence ${licenceId}`, type: "unknown" };
}

/** For an imported add-on: the subscription it hangs on (1 GET per standalone subscription of the tenant). */
async function findParent(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
): Promise<number | null> {
  const ids = await csp2.listSubscriptions(ctx.ovh, tenant);
  for (const id of ids) {
    if (id === subscriptionId) continue;
    try {
      if ((await csp2.listAddonSubscriptionIds(ctx.ovh, tenant, id)).includes(subscriptionId)) return id;
    } catch (error) {
      if (!isGoneAtOvh(error)) throw error;
    }
  }
  return null;
}
