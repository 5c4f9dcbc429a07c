/**
 * The tenant's outputs (its Pulumi state), built from what OVH says and what the program declared, and the way
 * back: inputs that reproduce a resource as it is (import, refresh drift).
 *
 * Live fields (status, billing, display name, contact, MPN ID) come from OVH; the "echo" is what OVH does not hold
 * (order choices, policies, the contact's country) and is carried over from the inputs or the previous state.
 */
import type { OfficeTenant, ServiceInfos } from "../../api/csp2";
import {
  ADMIN_PORTAL_URL,
  TenantInputsSchema,
  type TenantContact,
  type TenantContactOutput,
  type TenantInputs,
  type TenantOutputs,
} from "./inputs";
import type { OrderRecord } from "./orderRecord";

/** The outputs OVH does not hold: carried from the inputs or the previous state. */
export type Echo = Omit<
  TenantOutputs,
  | "serviceName"
  | "status"
  | "creationDate"
  | "mpnIssueFlag"
  | "adminPortalUrl"
  | "serviceId"
  | "renewAutomatic"
  | "renewPeriod"
  | "deleteAtExpiration"
  | "canDeleteAtExpiration"
  | "expirationDate"
  | "mpnId"
  | "displayName"
>;

/** The echo of the declared inputs (create: adopt or order). */
export function echoOfInputs(
  inputs: TenantInputs,
  order: { orderId: number | null; existingServiceName: string | null },
): Echo {
  return {
    orderId: order.orderId,
    pendingOrder: null,
    planCode: null,
    duration: null,
    pricingMode: null,
    ovhSubsidiary: inputs.ovhSubsidiary ?? null,
    contact: contactOutput(inputs.contact),
    customSubDomain: inputs.customSubDomain ?? null,
    extraConfiguration: inputs.extraConfiguration ?? null,
    waiveRetractationPeriod: inputs.waiveRetractationPeriod,
    existingServiceName: order.existingServiceName,
    deletionPolicy: inputs.deletionPolicy,
  };
}

/** Outputs of a resource whose order is not settled: the inputs and the order record, no tenant yet. */
export function pendingOutputs(inputs: TenantInputs, record: OrderRecord): TenantOutputs {
  return {
    ...echoOfInputs(inputs, { orderId: record.orderId, existingServiceName: null }),
    pendingOrder: record,
    planCode: record.planCode,
    duration: record.duration,
    pricingMode: record.pricingMode,
    ovhSubsidiary: record.ovhSubsidiary,
    serviceName: null,
    status: null,
    creationDate: null,
    mpnIssueFlag: null,
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: null,
    renewAutomatic: null,
    renewPeriod: null,
    deleteAtExpiration: null,
    canDeleteAtExpiration: null,
    expirationDate: null,
    mpnId: inputs.mpnId ?? null,
    displayName: inputs.displayName ?? null,
  };
}

/**
 * Outputs from the live tenant and its billing settings, plus the echo. OVH's models allow `null` for the MPN ID
 * and the renewal settings: a null there means OVH did not say, not that the value was cleared, so the value
 * already known (`previous`: declared or recorded) is kept. Otherwise every refresh would show a change the
 * program never made, and every `up` would send a PUT to "restore" it.
 */
export function buildOutputs(
  tenant: OfficeTenant,
  infos: ServiceInfos | null,
  echo: Echo,
  previous: Partial<TenantOutputs> = {},
): TenantOutputs {
  return {
    ...echo,
    serviceName: tenant.serviceName,
    status: tenant.status,
    creationDate: tenant.creationDate,
    mpnIssueFlag: tenant.mpnIssueFlag ?? null,
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: infos?.serviceId ?? null,
    renewAutomatic: infos?.renew?.automatic ?? previous.renewAutomatic ?? null,
    renewPeriod: infos?.renew?.period ?? previous.renewPeriod ?? null,
    deleteAtExpiration: infos?.renew?.deleteAtExpiration ?? previous.deleteAtExpiration ?? null,
    canDeleteAtExpiration: infos?.canDeleteAtExpiration ?? null,
    expirationDate: infos?.expiration ?? null,
    mpnId: tenant.mpnId ?? previous.mpnId ?? null,
    displayName: tenant.displayName,
    contact: {
      firstName: tenant.firstName,
      lastName: tenant.lastName,
      email: tenant.email,
      phone: tenant.phone,
      address: tenant.address,
      city: tenant.city,
      zipCode: tenant.zipCode,
      country: echo.contact?.country ?? null,
    },
  };
}

/** The non-live part of prior outputs (which may come from an older version, or be inputs on import). */
export function echoFrom(prior: Partial<TenantOutputs>, serviceName: string, imported: boolean): Echo {
  const full = completeOutputs(prior);
  const adopted = full.orderId === null && full.pendingOrder === null;
  return {
    orderId: full.orderId,
    pendingOrder: null,
    planCode: full.planCode,
    duration: full.duration,
    pricingMode: full.pricingMode,
    ovhSubsidiary: full.ovhSubsidiary,
    contact: full.contact,
    customSubDomain: full.customSubDomain,
    extraConfiguration: full.extraConfiguration,
    waiveRetractationPeriod: full.waiveRetractationPeriod,
    existingServiceName: full.existingServiceName ?? (imported || adopted ? serviceName : null),
    deletionPolicy: full.deletionPolicy,
    ...(full.administratorPassword !== undefined
      ? { administratorPassword: full.administratorPassword }
      : {}),
  };
}

/** Prior outputs with every field present (older states and partial records lack some). */
export function completeOutputs(prior: Partial<TenantOutputs>): TenantOutputs {
  const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);
  return {
    serviceName: orNull(prior.serviceName),
    status: orNull(prior.status),
    creationDate: orNull(prior.creationDate),
    mpnIssueFlag: orNull(prior.mpnIssueFlag),
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: orNull(prior.serviceId),
    renewAutomatic: orNull(prior.renewAutomatic),
    renewPeriod: orNull(prior.renewPeriod),
    deleteAtExpiration: orNull(prior.deleteAtExpiration),
    canDeleteAtExpiration: orNull(prior.canDeleteAtExpiration),
    expirationDate: orNull(prior.expirationDate),
    orderId: orNull(prior.orderId),
    pendingOrder: orNull(prior.pendingOrder),
    planCode: orNull(prior.planCode),
    duration: orNull(prior.duration),
    pricingMode: orNull(prior.pricingMode),
    ovhSubsidiary: orNull(prior.ovhSubsidiary),
    mpnId: orNull(prior.mpnId),
    displayName: orNull(prior.displayName),
    contact: prior.contact ? { ...prior.contact, country: prior.contact.country ?? null } : null,
    customSubDomain: orNull(prior.customSubDomain),
    extraConfiguration: orNull(prior.extraConfiguration),
    waiveRetractationPeriod: prior.waiveRetractationPeriod === true,
    existingServiceName: orNull(prior.existingServiceName),
    deletionPolicy: prior.deletionPolicy === "deleteAtExpiration" ? "deleteAtExpiration" : "retain",
    ...(typeof prior.administratorPassword === "string"
      ? { administratorPassword: prior.administratorPassword }
      : {}),
  };
}

/**
 * Inputs that reproduce the resource as it is: live display name, contact and MPN ID (so drift shows), the
 * recorded order choices, and for an adopted or imported tenant `existingServiceName` (so it is never ordered).
 * Live values our schema would refuse (e.g. an empty phone on an old tenant) are left out rather than
 * producing inputs that fail `check`.
 */
export function inputsFromOutputs(outs: TenantOutputs): TenantInputs {
  const candidate: Record<string, unknown> = {
    mpnId: outs.mpnId,
    displayName: outs.displayName,
    contact: outs.contact
      ? Object.fromEntries(Object.entries(outs.contact).filter(([, value]) => value !== null))
      : undefined,
    customSubDomain: outs.customSubDomain,
    ovhSubsidiary: outs.ovhSubsidiary,
    planCode: outs.planCode,
    duration: outs.duration,
    pricingMode: outs.pricingMode,
    extraConfiguration: outs.extraConfiguration,
    waiveRetractationPeriod: outs.waiveRetractationPeriod,
    existingServiceName: outs.existingServiceName,
    deletionPolicy: outs.deletionPolicy,
    administratorPassword: outs.administratorPassword,
  };
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidate)) {
    if (value === null || value === undefined) continue;
    const field = TenantInputsSchema.shape[key as keyof typeof TenantInputsSchema.shape];
    if (field.safeParse(value).success) inputs[key] = value;
  }
  return TenantInputsSchema.parse(inputs);
}

/** The declared contact as an output (the country is null when not given). */
export function contactOutput(contact: TenantContact | undefined): TenantContactOutput | null {
  return contact ? { ...contact, country: contact.country ?? null } : null;
}
