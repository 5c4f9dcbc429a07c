/**
 * `/services`: the account-wide view of services (billing, lifecycle, termination)
 * (schemas/services-excerpt.json).
 */
import { z } from "zod";
import type { OvhRequester } from "../ovh/request";
import { IdList, long, openEnum, Price, pickDefined, type OpenEnum } from "./common";
import { callOperation, callVoidOperation } from "./operation";

export const PRICING_CAPACITIES = [
  "consumption",
  "detach",
  "downgrade",
  "dynamic",
  "installation",
  "renew",
  "upgrade",
] as const;
/** order.cart.GenericProductPricingCapacitiesEnum */
export type PricingCapacity = OpenEnum<(typeof PRICING_CAPACITIES)[number]>;
const PricingCapacity = openEnum(PRICING_CAPACITIES);

export const PRICING_TYPES = ["consumption", "purchase", "rental"] as const;
/** order.cart.GenericProductPricingTypeEnum */
export type PricingType = OpenEnum<(typeof PRICING_TYPES)[number]>;
const PricingType = openEnum(PRICING_TYPES);

export const ENGAGEMENT_END_STRATEGIES = [
  "CANCEL_SERVICE",
  "REACTIVATE_ENGAGEMENT",
  "STOP_ENGAGEMENT_FALLBACK_DEFAULT_PRICE",
  "STOP_ENGAGEMENT_KEEP_PRICE",
] as const;
/** services.billing.engagement.EndStrategyEnum */
export type EngagementEndStrategy = OpenEnum<(typeof ENGAGEMENT_END_STRATEGIES)[number]>;
export const EngagementEndStrategy = openEnum(ENGAGEMENT_END_STRATEGIES);

export const ENGAGEMENT_TYPES = ["periodic", "upfront"] as const;
/** services.billing.engagement.TypeEnum */
export type EngagementType = OpenEnum<(typeof ENGAGEMENT_TYPES)[number]>;
export const EngagementType = openEnum(ENGAGEMENT_TYPES);

export const CONTACT_TYPES = ["administrator", "billing", "technical"] as const;
/** services.expanded.Customer.Contact.TypeEnum */
export type ContactType = OpenEnum<(typeof CONTACT_TYPES)[number]>;
export const ContactType = openEnum(CONTACT_TYPES);

export const LIFECYCLE_ACTIONS = [
  "earlyRenewal",
  "terminate",
  "terminateAtEngagementDate",
  "terminateAtExpirationDate",
] as const;
/** services.expanded.Lifecycle.ActionEnum */
export type LifecycleAction = OpenEnum<(typeof LIFECYCLE_ACTIONS)[number]>;
export const LifecycleAction = openEnum(LIFECYCLE_ACTIONS);

export const LIFECYCLE_STATES = [
  "active",
  "error",
  "rupture",
  "terminated",
  "toRenew",
  "unpaid",
  "unrenewed",
] as const;
/** services.expanded.Lifecycle.StateEnum */
export type LifecycleState = OpenEnum<(typeof LIFECYCLE_STATES)[number]>;
export const LifecycleState = openEnum(LIFECYCLE_STATES);

export const RENEW_MODES = ["automatic", "manual"] as const;
/** services.expanded.Renew.ModeEnum */
export type RenewMode = OpenEnum<(typeof RENEW_MODES)[number]>;
export const RenewMode = openEnum(RENEW_MODES);

export const RESELLING_PROVIDERS = ["ovh.ca", "ovh.eu"] as const;
/** services.expanded.ResellingProviderEnum */
export type ResellingProvider = OpenEnum<(typeof RESELLING_PROVIDERS)[number]>;
export const ResellingProvider = openEnum(RESELLING_PROVIDERS);

export const RESOURCE_STATES = [
  "active",
  "deleted",
  "suspended",
  "toActivate",
  "toDelete",
  "toSuspend",
] as const;
/** services.expanded.Resource.StateEnum */
export type ResourceState = OpenEnum<(typeof RESOURCE_STATES)[number]>;
export const ResourceState = openEnum(RESOURCE_STATES);

export const TERMINATION_POLICIES = [
  "empty",
  "terminateAtEngagementDate",
  "terminateAtExpirationDate",
] as const;
/** services.expanded.terminationPolicyEnum */
export type TerminationPolicy = OpenEnum<(typeof TERMINATION_POLICIES)[number]>;

/** services.billing.Pricing.EngagementConfiguration */
export const EngagementConfiguration = z.looseObject({
  defaultEndAction: EngagementEndStrategy,
  duration: z.string(),
  type: EngagementType,
});
export type EngagementConfiguration = z.infer<typeof EngagementConfiguration>;

/** services.billing.Pricing */
export const Pricing = z.looseObject({
  capacities: z.array(PricingCapacity),
  description: z.string(),
  duration: z.string(),
  engagementConfiguration: EngagementConfiguration.nullish(),
  interval: long,
  maximumQuantity: long.nullish(),
  maximumRepeat: long.nullish(),
  minimumQuantity: long,
  minimumRepeat: long,
  price: Price,
  priceInUcents: long,
  pricingMode: z.string(),
  pricingType: PricingType,
});
export type Pricing = z.infer<typeof Pricing>;

/** services.billing.engagement.EndRule */
export const EngagementEndRule = z.looseObject({
  possibleStrategies: z.array(EngagementEndStrategy),
  strategy: EngagementEndStrategy,
});
export type EngagementEndRule = z.infer<typeof EngagementEndRule>;

/** services.expanded.EngagementSummary */
export const EngagementSummary = z.looseObject({
  endDate: z.string().nullish(),
  endRule: EngagementEndRule.nullish(),
});
export type EngagementSummary = z.infer<typeof EngagementSummary>;

/** services.expanded.EngagementRequestSummary */
export const EngagementRequestSummary = z.looseObject({
  pricingMode: z.string(),
  requestDate: z.string(),
});
export type EngagementRequestSummary = z.infer<typeof EngagementRequestSummary>;

/** services.expanded.Group */
export const Group = z.looseObject({ id: long });
export type Group = z.infer<typeof Group>;

/** services.expanded.Lifecycle */
export const Lifecycle = z.looseObject({
  capacities: z.looseObject({ actions: z.array(LifecycleAction) }),
  current: z.looseObject({
    creationDate: z.string().nullish(),
    pendingActions: z.array(LifecycleAction),
    state: LifecycleState,
    terminationDate: z.string().nullish(),
  }),
});
export type Lifecycle = z.infer<typeof Lifecycle>;

/** services.expanded.Plan */
export const Plan = z.looseObject({ code: z.string(), invoiceName: z.string() });
export type Plan = z.infer<typeof Plan>;

/** services.expanded.Renew */
export const Renew = z.looseObject({
  capacities: z.looseObject({ mode: z.array(RenewMode) }),
  current: z.looseObject({
    mode: RenewMode.nullish(),
    nextDate: z.string().nullish(),
    period: z.string().nullish(),
  }),
});
export type Renew = z.infer<typeof Renew>;

/** services.expanded.Billing */
export const Billing = z.looseObject({
  engagement: EngagementSummary.nullish(),
  engagementRequest: EngagementRequestSummary.nullish(),
  expirationDate: z.string().nullish(),
  group: Group.nullish(),
  lifecycle: Lifecycle.nullish(),
  nextBillingDate: z.string().nullish(),
  plan: Plan.nullish(),
  pricing: Pricing.nullish(),
  renew: Renew.nullish(),
});
export type Billing = z.infer<typeof Billing>;

/** services.expanded.Customer.Contact */
export const CustomerContact = z.looseObject({ customerCode: z.string(), type: ContactType });
export type CustomerContact = z.infer<typeof CustomerContact>;

/** services.expanded.Customer */
export const Customer = z.looseObject({ contacts: z.array(CustomerContact) });
export type Customer = z.infer<typeof Customer>;

/** services.expanded.Product */
export const Product = z.looseObject({ description: z.string(), name: z.string() });
export type Product = z.infer<typeof Product>;

/** services.expanded.Resource */
export const Resource = z.looseObject({
  displayName: z.string(),
  name: z.string(),
  product: Product.nullish(),
  resellingProvider: ResellingProvider.nullish(),
  state: ResourceState,
});
export type Resource = z.infer<typeof Resource>;

/** complexType.SafeKeyValue<string> */
export const KeyValue = z.looseObject({ key: z.string(), value: z.string() });
export type KeyValue = z.infer<typeof KeyValue>;

/** services.expanded.Route: the product API route of the service. */
export const Route = z.looseObject({
  path: z.string().nullish(),
  url: z.string().nullish(),
  vars: z.array(KeyValue),
});
export type Route = z.infer<typeof Route>;

/** services.expanded.Service: a service with its billing, lifecycle and route. */
export const ExpandedService = z.looseObject({
  billing: Billing,
  customer: Customer,
  parentServiceId: long.nullish(),
  resource: Resource,
  route: Route.nullish(),
  serviceId: long,
  tags: z.array(z.string()),
});
export type ExpandedService = z.infer<typeof ExpandedService>;

/** services.update.Service: body of `PUT /services/{serviceId}`. */
export interface ServiceUpdate {
  readonly displayName?: string | null;
  readonly renew?: { readonly mode: RenewMode; readonly period: string } | null;
  readonly terminationPolicy?: TerminationPolicy | null;
}

/** services.terminate.TerminationAnswer */
export const TerminationAnswer = z.looseObject({ message: z.string() });
export type TerminationAnswer = z.infer<typeof TerminationAnswer>;

/** Filters of `GET /services`. */
export interface ServiceListFilter {
  /** Resource name (`resource.name`), e.g. a CSP2 service name. */
  readonly resourceName?: string;
  /** API route paths, comma separated, e.g. `/saas/csp2/{serviceName}`. */
  readonly routes?: string;
  /** A services.expanded.Service property to order by. */
  readonly orderBy?: string;
  /** Sort direction of `orderBy`. */
  readonly sort?: string;
}

/** Lists service ids, optionally by resource name and route. */
export function listServices(ovh: OvhRequester, filter: ServiceListFilter = {}): Promise<number[]> {
  return callOperation(ovh, "GET /services", IdList, {
    query: {
      orderBy: filter.orderBy,
      resourceName: filter.resourceName,
      routes: filter.routes,
      sort: filter.sort,
    },
  });
}

/** Reads one service with its billing and lifecycle. */
export function getService(ovh: OvhRequester, serviceId: number): Promise<ExpandedService> {
  return callOperation(ovh, "GET /services/{serviceId}", ExpandedService, { params: { serviceId } });
}

/** Changes a service's display name, renewal or termination policy. */
export function updateService(ovh: OvhRequester, serviceId: number, changes: ServiceUpdate): Promise<void> {
  return callVoidOperation(ovh, "PUT /services/{serviceId}", {
    params: { serviceId },
    body: pickDefined(changes, ["displayName", "renew", "terminationPolicy"]),
  });
}

/** Asks for the termination of a service; OVH e-mails a confirmation token to the admin contact. */
export function terminateService(ovh: OvhRequester, serviceId: number): Promise<TerminationAnswer> {
  return callOperation(ovh, "POST /services/{serviceId}/terminate", TerminationAnswer, {
    params: { serviceId },
  });
}

/** Confirms a termination with the token OVH e-mailed. */
export function confirmServiceTermination(
  ovh: OvhRequester,
  serviceId: number,
  token: string,
): Promise<TerminationAnswer> {
  return callOperation(ovh, "POST /services/{serviceId}/terminate/confirm", TerminationAnswer, {
    params: { serviceId },
    body: { token },
  });
}
