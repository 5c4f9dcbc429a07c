import * as pulumi from "@pulumi/pulumi";
import { MODULE, providers } from "./dynamicProvider";
import { AMOUNTS_KEY, BILLING_KEY, STATE_AMOUNTS_KEY } from "../provider/runtime/billingKeys";
import { logBillingNotes } from "./billingNotes";
import { recordForSummary } from "./billingSummary";
import { identityFromId, subscriptionIdOf } from "./identity";
import { propsBag } from "./resourceOptions";

export interface SubscriptionArgs {
  /** Service name of the tenant (e.g. `tenant.serviceName`). Changing it replaces the subscription. */
  tenant: pulumi.Input<string>;
  /** Licence name, case-insensitive, as listed by `getOrderableLicences`. Exactly one of licence / licenceId. */
  licence?: pulumi.Input<string>;
  /** OVH id of the licence. Exactly one of licence / licenceId. */
  licenceId?: pulumi.Input<number>;
  /** Number of seats (a positive whole number, at most the licence's limit). Changed in place. */
  quantity: pulumi.Input<number>;
  /** Order this licence as an add-on of that subscription (`orderAddon`). */
  parentSubscriptionId?: pulumi.Input<number>;
  /** Adopt this existing subscription instead of ordering one. */
  existingSubscriptionId?: pulumi.Input<number>;
  /** `cancel` (default): destroy cancels the subscription. `retain`: destroy only forgets it. */
  deletionPolicy?: pulumi.Input<"cancel" | "retain">;
  /** Must be true for academic licences: you confirm the customer meets Microsoft's academic eligibility. */
  academicEligibilityAcknowledged?: pulumi.Input<boolean>;
}

const OUTPUTS = [
  "subscriptionId",
  "seatPrice",
  "currency",
  "monthlyPrice",
  "commitmentEndsAt",
  "decreaseAllowedUntil",
  "licenceName",
  "licenceType",
  "status",
  "creationDate",
  "lastUpdate",
  "taskPendingId",
  "pendingOrderId",
] as const;

/**
 * Seats of one licence in a tenant. Creating it orders the licence (billed), changing `quantity` changes the
 * seat count, deleting it cancels the subscription (unless `deletionPolicy: "retain"`).
 */
export class Subscription extends pulumi.dynamic.Resource {
  declare readonly subscriptionId: pulumi.Output<number>;
  declare readonly tenant: pulumi.Output<string>;
  declare readonly licenceId: pulumi.Output<number>;
  /** The licence name as OVH spells it. */
  declare readonly licenceName: pulumi.Output<string>;
  /** `NON-SPECIFIC` (standalone) or `ADDON`. */
  declare readonly licenceType: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly quantity: pulumi.Output<number>;
  declare readonly creationDate: pulumi.Output<string | null>;
  declare readonly lastUpdate: pulumi.Output<string | null>;
  /** The OVH task still running on the subscription, if any. */
  declare readonly taskPendingId: pulumi.Output<number | null>;
  declare readonly parentSubscriptionId: pulumi.Output<number | null>;
  /** Monthly list price of one seat from OVH's price API (excluding tax); null when OVH gives none. */
  declare readonly seatPrice: pulumi.Output<number | null>;
  /** Currency of seatPrice / monthlyPrice. */
  declare readonly currency: pulumi.Output<string | null>;
  /** quantity × seatPrice; null when OVH gives no price. */
  declare readonly monthlyPrice: pulumi.Output<number | null>;
  /** End of the current billing period (next renewal): seats are billed at least until then. */
  declare readonly commitmentEndsAt: pulumi.Output<string | null>;
  /** End of the window after purchase or renewal in which seats may be decreased or the subscription cancelled. */
  declare readonly decreaseAllowedUntil: pulumi.Output<string | null>;
  /** Set while OVH's answer to an order is unconfirmed; the next `pulumi up` settles it without reordering. */
  declare readonly pendingOrderId: pulumi.Output<string | null>;

  constructor(name: string, args: SubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providers.Subscription,
      name,
      propsBag(
        args,
        [
          ...OUTPUTS,
          "tenant",
          "licenceId",
          "quantity",
          "parentSubscriptionId",
          BILLING_KEY,
          AMOUNTS_KEY,
          STATE_AMOUNTS_KEY,
        ],
        opts,
      ),
      opts,
      MODULE,
      "Subscription",
    );
    // Known in preview while this subscription is only updated: an add-on on it previews no false change.
    this.subscriptionId = identityFromId(this.id, this.subscriptionId, subscriptionIdOf);
    logBillingNotes(this);
    recordForSummary(name, this);
  }
}
