/**
 * Building blocks shared by the API modules: open enums, integer ids, and the models several OVH
 * areas reuse (order.Price, iam.ResourceMetadata, services.Service).
 */
import { z } from "zod";

/** A known set of values as a type hint, while still accepting any string OVH may add later. */
export type OpenEnum<T extends string> = T | (string & {});

/** zod model of an OVH enum that tolerates unknown values (kept as they are). */
export function openEnum<const T extends readonly string[]>(
  _known: T,
): z.ZodType<OpenEnum<T[number]>, string> {
  return z.string() as unknown as z.ZodType<OpenEnum<T[number]>, string>;
}

/** OVH `long`: an integer carried as a JSON number. */
export const long = z.number().int();

/** OVH `double`. */
export const double = z.number();

/** A list of ids (`long[]`), as returned by OVH listing operations. */
export const IdList = z.array(long);

/** A list of names (`string[]`). */
export const NameList = z.array(z.string());

/** Schema for OVH `void` answers: anything (usually `null`) is accepted and dropped. */
export const Void = z.unknown();

// ---------------------------------------------------------------------------------------------
// order.Price (order, me, services, price)

export const CURRENCY_CODES = [
  "AUD",
  "CAD",
  "CZK",
  "EUR",
  "GBP",
  "INR",
  "LTL",
  "MAD",
  "N/A",
  "PLN",
  "SGD",
  "TND",
  "USD",
  "XOF",
  "points",
] as const;
/** order.CurrencyCodeEnum */
export type CurrencyCode = OpenEnum<(typeof CURRENCY_CODES)[number]>;
export const CurrencyCode = openEnum(CURRENCY_CODES);

/** order.Price: an amount with its currency and display text. */
export const Price = z.looseObject({
  currencyCode: CurrencyCode,
  priceInUcents: long.nullish(),
  text: z.string(),
  value: double,
});
export type Price = z.infer<typeof Price>;

// ---------------------------------------------------------------------------------------------
// IAM

/** iam.ResourceMetadata: the IAM view of a resource (urn, tags). */
export const IamResourceMetadata = z.looseObject({
  displayName: z.string().nullish(),
  id: z.string(),
  tags: z.record(z.string(), z.string()).nullish(),
  urn: z.string(),
});
export type IamResourceMetadata = z.infer<typeof IamResourceMetadata>;

export const IAM_TAG_FILTER_OPERATORS = ["EQ"] as const;
/** iam.resource.TagFilter.OperatorEnum */
export type IamTagFilterOperator = OpenEnum<(typeof IAM_TAG_FILTER_OPERATORS)[number]>;

/** iam.resource.TagFilter: one condition on a tag (`operator` defaults to `EQ` at OVH). */
export interface IamTagFilter {
  readonly operator?: IamTagFilterOperator;
  readonly value: string;
}

/** The `iamTags` query parameter: `map[string][]iam.resource.TagFilter`, tag name → conditions. */
export type IamTagFilters = Readonly<Record<string, readonly IamTagFilter[]>>;

/**
 * Encodes `iamTags` for the query string. OVH does not document the encoding of this map
 * (REFERENCE §9.13); it is sent as JSON, the form OVH's API console uses for complex query values.
 */
export function encodeIamTags(tags: IamTagFilters | undefined): string | undefined {
  if (tags === undefined || Object.keys(tags).length === 0) return undefined;
  return JSON.stringify(tags);
}

// ---------------------------------------------------------------------------------------------
// services.Service (the `/serviceInfos` of a product)

export const RENEWAL_TYPES = [
  "automaticForcedProduct",
  "automaticV2012",
  "automaticV2014",
  "automaticV2016",
  "manual",
  "oneShot",
  "option",
] as const;
/** service.RenewalTypeEnum */
export type RenewalType = OpenEnum<(typeof RENEWAL_TYPES)[number]>;
export const RenewalType = openEnum(RENEWAL_TYPES);

export const SERVICE_STATUSES = ["expired", "inCreation", "ok", "pendingDebt", "unPaid"] as const;
/** service.StateEnum */
export type ServiceStatus = OpenEnum<(typeof SERVICE_STATUSES)[number]>;
export const ServiceStatus = openEnum(SERVICE_STATUSES);

/** service.RenewType: how a service renews. */
export const RenewType = z.looseObject({
  automatic: z.boolean(),
  deleteAtExpiration: z.boolean(),
  forced: z.boolean(),
  manualPayment: z.boolean().nullish(),
  period: long.nullish(),
});
export type RenewType = z.infer<typeof RenewType>;

/** services.Service: billing view of a service (`GET …/serviceInfos`). */
export const ServiceInfos = z.looseObject({
  canDeleteAtExpiration: z.boolean(),
  contactAdmin: z.string(),
  contactBilling: z.string(),
  contactTech: z.string(),
  creation: z.string(),
  domain: z.string(),
  engagedUpTo: z.string().nullish(),
  expiration: z.string(),
  possibleRenewPeriod: z.array(long).nullish(),
  renew: RenewType.nullish(),
  renewalType: RenewalType,
  serviceId: long,
  status: ServiceStatus,
});
export type ServiceInfos = z.infer<typeof ServiceInfos>;

/** Body of `PUT …/serviceInfos`: only `renew` is writable. */
export interface ServiceInfosUpdate {
  readonly renew: {
    readonly automatic: boolean;
    readonly deleteAtExpiration: boolean;
    readonly forced: boolean;
    readonly manualPayment?: boolean | null;
    readonly period?: number | null;
  };
}

/** Copies the listed keys of `source` whose value is not `undefined` (keeps request bodies to writable fields). */
export function pickDefined<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

/** The `renew` object of a `PUT …/serviceInfos` body, without extra keys. */
export function serviceInfosBody(changes: ServiceInfosUpdate): ServiceInfosUpdate {
  return {
    renew: pickDefined(changes.renew, [
      "automatic",
      "deleteAtExpiration",
      "forced",
      "manualPayment",
      "period",
    ]) as ServiceInfosUpdate["renew"],
  };
}
