import * as pulumi from "@pulumi/pulumi";
import { MODULE, providers } from "./dynamicProvider";
import { BILLING_KEY } from "../provider/runtime/billingKeys";
import { logBillingNotes } from "./billingNotes";
import { identityFromId, serviceNameOf } from "./identity";
import { propsBag, withSecretOutputs } from "./resourceOptions";

/** The end customer: OVH stores it on the tenant; the e-mail receives the Microsoft 365 admin credentials. */
export interface TenantContactArgs {
  firstName: pulumi.Input<string>;
  lastName: pulumi.Input<string>;
  email: pulumi.Input<string>;
  /** `+<country code>.<number>`, e.g. `+33.123456789`. */
  phone: pulumi.Input<string>;
  address: pulumi.Input<string>;
  city: pulumi.Input<string>;
  zipCode: pulumi.Input<string>;
  /** ISO 3166-1 alpha-2 code, e.g. `FR` (used at order time). */
  country?: pulumi.Input<string>;
}

export interface Office365ResellerTenantArgs {
  /** Your Microsoft partner id (MPN ID), enrolled as CSP indirect reseller. Required to order. */
  mpnId?: pulumi.Input<string>;
  /** Required to order; updated in place. */
  contact?: pulumi.Input<TenantContactArgs>;
  /** Name of the tenant in the OVHcloud Control Panel. Required to order; updated in place. */
  displayName?: pulumi.Input<string>;
  /** `<name>` of the `<name>.onmicrosoft.com` initial domain. Changing it orders a new tenant. */
  customSubDomain?: pulumi.Input<string>;
  /** OVH subsidiary of the order cart (`FR`, `DE`, ...). Default: your account's. */
  ovhSubsidiary?: pulumi.Input<string>;
  /** Cart offer to order. Default: discovered from the cart's csp2 offers. */
  planCode?: pulumi.Input<string>;
  /** ISO 8601 duration of the offer's pricing (`P1M`). Default: discovered. */
  duration?: pulumi.Input<string>;
  /** Pricing mode of the offer (`default`). Default: discovered. */
  pricingMode?: pulumi.Input<string>;
  /** Order configuration labels to set or override, label → value. */
  extraConfiguration?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Passed to checkout: waive the legal withdrawal period so delivery starts at once. Default false. */
  waiveRetractationPeriod?: pulumi.Input<boolean>;
  /** Adopt this existing tenant (service name) instead of ordering one. */
  existingServiceName?: pulumi.Input<string>;
  /** `retain` (default): destroy only forgets the tenant. `deleteAtExpiration`: it is not renewed. */
  deletionPolicy?: pulumi.Input<"retain" | "deleteAtExpiration">;
  /** Sets the tenant administrator's password through OVH's legacy API, where OVH still offers it. */
  administratorPassword?: pulumi.Input<string>;
}

const OUTPUTS = [
  "serviceName",
  "status",
  "creationDate",
  "mpnIssueFlag",
  "adminPortalUrl",
  "serviceId",
  "renewAutomatic",
  "renewPeriod",
  "deleteAtExpiration",
  "canDeleteAtExpiration",
  "expirationDate",
  "orderId",
  "planCode",
  "duration",
  "pricingMode",
  "ovhSubsidiary",
  "mpnId",
  "displayName",
  "contact",
  "customSubDomain",
  "extraConfiguration",
  "waiveRetractationPeriod",
  "existingServiceName",
  "deletionPolicy",
] as const;

/**
 * A customer's Microsoft 365 licence group at OVHcloud (a CSP2 service, i.e. a Microsoft tenant).
 * Creating it orders a tenant through the OVH order cart (billed), or adopts one with `existingServiceName`.
 */
export class Office365ResellerTenant extends pulumi.dynamic.Resource {
  /** The CSP2 service name, used by `Subscription.tenant` and `DomainAutoConfig.tenant`. */
  declare readonly serviceName: pulumi.Output<string>;
  /** `creating`, `ok`, `suspended`, ... */
  declare readonly status: pulumi.Output<string>;
  declare readonly creationDate: pulumi.Output<string>;
  /** Set by OVH when Microsoft reports a problem with the MPN ID. */
  declare readonly mpnIssueFlag: pulumi.Output<string | null>;
  declare readonly adminPortalUrl: pulumi.Output<string>;
  declare readonly serviceId: pulumi.Output<number | null>;
  declare readonly renewAutomatic: pulumi.Output<boolean | null>;
  /** Renewal period in months. */
  declare readonly renewPeriod: pulumi.Output<number | null>;
  declare readonly deleteAtExpiration: pulumi.Output<boolean | null>;
  declare readonly canDeleteAtExpiration: pulumi.Output<boolean | null>;
  declare readonly expirationDate: pulumi.Output<string | null>;
  /** The OVH order that created the tenant; null when adopted. */
  declare readonly orderId: pulumi.Output<number | null>;
  declare readonly planCode: pulumi.Output<string | null>;
  declare readonly duration: pulumi.Output<string | null>;
  declare readonly pricingMode: pulumi.Output<string | null>;
  declare readonly ovhSubsidiary: pulumi.Output<string | null>;
  declare readonly mpnId: pulumi.Output<string | null>;
  declare readonly displayName: pulumi.Output<string | null>;
  declare readonly contact: pulumi.Output<Record<string, string | null> | null>;
  declare readonly customSubDomain: pulumi.Output<string | null>;
  declare readonly extraConfiguration: pulumi.Output<Record<string, string> | null>;
  declare readonly waiveRetractationPeriod: pulumi.Output<boolean>;
  declare readonly existingServiceName: pulumi.Output<string | null>;
  declare readonly deletionPolicy: pulumi.Output<string>;

  constructor(name: string, args: Office365ResellerTenantArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providers.Office365ResellerTenant,
      name,
      propsBag(args, [...OUTPUTS, BILLING_KEY], opts),
      args.administratorPassword === undefined ? opts : withSecretOutputs(opts, ["administratorPassword"]),
      MODULE,
      "Office365ResellerTenant",
    );
    // Known in preview while this tenant is only updated: its subscriptions preview no false change.
    this.serviceName = identityFromId(this.id, this.serviceName, serviceNameOf);
    logBillingNotes(this);
  }
}
