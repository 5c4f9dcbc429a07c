/**
 * What the provider stores in state for a subscription, built from OVH's answer (`outputsFrom`), and back into
 * inputs (`inputsFrom`, for refresh and import). The pending-order fields are filled by `pending.ts`.
 */
import type { OfficeSubscription } from "../../api/csp2";
import { commitmentOf, monthlyAmount, seatPriceOf, type Commitment } from "../billing";
import type { ResourceContext } from "../types";
import { orNull, type DeletionPolicy, type Settings, type SubscriptionInputs } from "./inputs";

/** What the provider stores in state (flat, JSON-serialisable). */
export interface SubscriptionOutputs {
  readonly tenant: string;
  /** OVH id of the subscription; null while an order is unconfirmed (see pendingOrderId). */
  readonly subscriptionId: number | null;
  readonly licenceId: number;
  /** The licence name as OVH spells it. */
  readonly licenceName: string;
  /** `NON-SPECIFIC` (standalone) or `ADDON`. */
  readonly licenceType: string;
  /** The licence name as the user wrote it (null when declared by licenceId). */
  readonly licence: string | null;
  /** OVH's status of the subscription (free text, e.g. `active`); `orderPending` while unconfirmed. */
  readonly status: string;
  readonly quantity: number;
  readonly creationDate: string | null;
  readonly lastUpdate: string | null;
  /** The OVH task pending on the subscription, null when none. */
  readonly taskPendingId: number | null;
  readonly parentSubscriptionId: number | null;
  readonly existingSubscriptionId: number | null;
  readonly deletionPolicy: DeletionPolicy;
  readonly academicEligibilityAcknowledged: boolean;
  /** `pending-order:<tenant>:<licenceId>:<epoch ms>` while OVH's answer to an order is unconfirmed, else null. */
  readonly pendingOrderId: string | null;
  /** Local time the unconfirmed order was sent (ISO 8601). */
  readonly pendingOrderAt: string | null;
  /** The order's task id, when OVH answered with it. */
  readonly pendingOrderTaskId: number | null;
  /** Subscription ids (add-on ids of the parent, for an add-on) that existed before the unconfirmed order. */
  readonly pendingOrderKnownSubscriptionIds: number[] | null;
  /** Pending task ids of the tenant before the unconfirmed order. */
  readonly pendingOrderKnownTaskIds: number[] | null;
  /** Monthly list price of one seat from OVH's price API (excluding tax); null when OVH gives none. */
  readonly seatPrice?: number | null;
  /** Currency of seatPrice / monthlyPrice (the account's, as OVH answers it). */
  readonly currency?: string | null;
  /** quantity × seatPrice; null when OVH gives no price. */
  readonly monthlyPrice?: number | null;
  /** End of the current billing period (next renewal): seats are billed at least until then. */
  readonly commitmentEndsAt?: string | null;
  /** End of the window after purchase or renewal in which seats may be decreased or the subscription cancelled. */
  readonly decreaseAllowedUntil?: string | null;
}

/** `status` of a resource whose order is unconfirmed. */
export const PENDING_STATUS = "orderPending";

/** The licence as the outputs name it (a full `Licence` is not needed, nor always known). */
export interface LicenceRef {
  readonly id: number;
  readonly name: string;
  readonly type: string;
}

const NO_PENDING = {
  pendingOrderId: null,
  pendingOrderAt: null,
  pendingOrderTaskId: null,
  pendingOrderKnownSubscriptionIds: null,
  pendingOrderKnownTaskIds: null,
} as const;

/** "subscription 42 on tenant csp2-1", for messages. */
export function describeSubscription(tenant: string, subscriptionId: number | null): string {
  return subscriptionId === null
    ? `subscription on tenant ${tenant}`
    : `subscription ${subscriptionId} on tenant ${tenant}`;
}

/** The outputs of a subscription as OVH answered it; `now` is OVH's time (`ovhNow`), for the commitment dates. */
export function outputsFrom(
  tenant: string,
  live: OfficeSubscription,
  licence: LicenceRef,
  settings: Settings,
  now: Date,
): SubscriptionOutputs {
  return {
    tenant,
    subscriptionId: live.id,
    licenceId: live.licenseId,
    licenceName: licence.name,
    licenceType: licence.type,
    licence: settings.licence,
    status: live.status,
    quantity: live.quantity,
    creationDate: orNull(live.creationDate),
    lastUpdate: orNull(live.lastUpdate),
    taskPendingId: live.taskPendingId === 0 ? null : live.taskPendingId,
    parentSubscriptionId: settings.parentSubscriptionId,
    existingSubscriptionId: settings.existingSubscriptionId,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    ...NO_PENDING,
    ...commitmentOutputs(commitmentOf(live.creationDate, now)),
  };
}

function commitmentOutputs(commitment: Commitment | undefined) {
  return {
    commitmentEndsAt: commitment?.periodEnd ?? null,
    decreaseAllowedUntil: commitment?.decreaseAllowedUntil ?? null,
  };
}

/** Adds the price outputs (1 GET per licence and run, from OVH's price API); a price failure never fails an operation. */
export async function priced(ctx: ResourceContext, outs: SubscriptionOutputs): Promise<SubscriptionOutputs> {
  const seat = await seatPriceOf(ctx, outs.licenceName).catch(() => undefined);
  return {
    ...outs,
    seatPrice: seat?.value ?? null,
    currency: seat?.currency ?? null,
    monthlyPrice: seat ? monthlyAmount(seat, outs.quantity) : null,
  };
}

/** Inputs that reproduce `outs` (refresh and import), keeping the user's licence-by-name vs by-id style. */
export function inputsFrom(outs: SubscriptionOutputs): SubscriptionInputs {
  const inputs: Record<string, unknown> = {
    tenant: outs.tenant,
    quantity: outs.quantity,
    deletionPolicy: outs.deletionPolicy,
    academicEligibilityAcknowledged: outs.academicEligibilityAcknowledged,
  };
  if (outs.licence !== null) inputs.licence = outs.licence;
  else inputs.licenceId = outs.licenceId;
  if (outs.parentSubscriptionId !== null) inputs.parentSubscriptionId = outs.parentSubscriptionId;
  if (outs.existingSubscriptionId !== null) inputs.existingSubscriptionId = outs.existingSubscriptionId;
  return inputs as SubscriptionInputs;
}
