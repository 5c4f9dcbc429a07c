/**
 * `/saas/csp2`: Office 365 Reseller (CSP2) tenants, licence subscriptions and their tasks
 * (schemas/saas-csp2-current.json, plus two operations only in schemas/saas-csp2-legacy.json).
 */
import { z } from "zod";
import type { OvhRequester } from "../ovh/request";
import {
  encodeIamTags,
  IamResourceMetadata,
  IdList,
  long,
  NameList,
  openEnum,
  pickDefined,
  ServiceInfos,
  serviceInfosBody,
  type IamTagFilters,
  type OpenEnum,
  type ServiceInfosUpdate,
} from "./common";
import { callOperation, callVoidOperation } from "./operation";

export { ServiceInfos, RenewType } from "./common";
export type { ServiceInfosUpdate, IamTagFilters } from "./common";

// ---------------------------------------------------------------------------------------------
// Enums

export const SERVICE_STATES = [
  "creating",
  "inMaintenance",
  "ok",
  "reopening",
  "suspended",
  "suspending",
] as const;
/** saas.csp2.ServiceStateEnum: state of a tenant. */
export type ServiceState = OpenEnum<(typeof SERVICE_STATES)[number]>;
export const ServiceState = openEnum(SERVICE_STATES);

export const TASK_STATUSES = ["cancelled", "doing", "done", "error", "todo"] as const;
/** saas.csp2.TaskStatusEnum: state of an OfficeTask. */
export type TaskStatus = OpenEnum<(typeof TASK_STATUSES)[number]>;
export const TaskStatus = openEnum(TASK_STATUSES);

/** Task states after which OVH will not touch the task again. */
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ["cancelled", "done", "error"];

export const LICENSE_TYPES = ["ADDON", "NON-SPECIFIC"] as const;
/** saas.csp2.LicenseTypeEnum: standalone licence or add-on. */
export type LicenseType = OpenEnum<(typeof LICENSE_TYPES)[number]>;
export const LicenseType = openEnum(LICENSE_TYPES);

export const SUPPORTED_SERVICES = ["Email", "Intune", "OfficeCommunicationsOnline"] as const;
/** saas.csp2.SupportedServiceEnum (legacy `configureDomain` only). */
export type SupportedService = OpenEnum<(typeof SUPPORTED_SERVICES)[number]>;

export const LICENSE_PERIODS = ["lastMonth", "lastQuarter", "lastWeek", "lastYear"] as const;
/** msServices.LicensePeriodEnum: window of `usageStatistics`. */
export type LicensePeriod = OpenEnum<(typeof LICENSE_PERIODS)[number]>;

// ---------------------------------------------------------------------------------------------
// Models

const tenantFields = {
  address: z.string(),
  city: z.string(),
  creationDate: z.string(),
  displayName: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  mpnId: z.string().nullish(),
  mpnIssueFlag: z.string().nullish(),
  phone: z.string(),
  serviceName: z.string(),
  status: ServiceState,
  zipCode: z.string(),
};

/** saas.csp2.OfficeTenant: a CSP2 tenant (a Microsoft tenant resold by OVH). */
export const OfficeTenant = z.looseObject(tenantFields);
export type OfficeTenant = z.infer<typeof OfficeTenant>;

/** saas.csp2.OfficeTenantWithIAM: OfficeTenant plus its IAM metadata. */
export const OfficeTenantWithIAM = z.looseObject({ ...tenantFields, iam: IamResourceMetadata.nullish() });
export type OfficeTenantWithIAM = z.infer<typeof OfficeTenantWithIAM>;

/** Writable fields of saas.csp2.OfficeTenant (body of `PUT /saas/csp2/{serviceName}`). */
export interface OfficeTenantUpdate {
  readonly address?: string;
  readonly city?: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Microsoft Partner Network id; null clears it. */
  readonly mpnId?: string | null;
  readonly phone?: string;
  readonly zipCode?: string;
}

const TENANT_WRITABLE_FIELDS = [
  "address",
  "city",
  "displayName",
  "email",
  "firstName",
  "lastName",
  "mpnId",
  "phone",
  "zipCode",
] as const satisfies readonly (keyof OfficeTenantUpdate)[];

/** saas.csp2.OfficeSubscription: seats of one licence in a tenant. */
export const OfficeSubscription = z.looseObject({
  creationDate: z.string(),
  id: long,
  lastUpdate: z.string().nullish(),
  licenseId: long,
  quantity: long,
  /** Free string in the schema (no enum). */
  status: z.string(),
  taskPendingId: long,
});
export type OfficeSubscription = z.infer<typeof OfficeSubscription>;

/** saas.csp2.OfficeTask: an asynchronous change OVH is carrying out. */
export const OfficeTask = z.looseObject({
  finishDate: z.string().nullish(),
  /** Free string in the schema (no enum). */
  function: z.string(),
  id: long,
  status: TaskStatus,
  /** Creation date. */
  todoDate: z.string(),
});
export type OfficeTask = z.infer<typeof OfficeTask>;

/** saas.csp2.OfficeLicence: a licence the tenant may order. */
export const OfficeLicence = z.looseObject({
  id: long,
  licenceType: LicenseType,
  limit: long.nullish(),
  name: z.string(),
  newSeatsAllowed: z.boolean(),
  newSubscriptionsAllowed: z.boolean(),
});
export type OfficeLicence = z.infer<typeof OfficeLicence>;

/** saas.csp2.BillingStatisticsLine */
export const BillingStatisticsLine = z.looseObject({
  licenceId: long,
  licenceName: z.string(),
  peakCount: long,
});
export type BillingStatisticsLine = z.infer<typeof BillingStatisticsLine>;

/** saas.csp2.BillingStatistics: licence peaks of the current billing period. */
export const BillingStatistics = z.looseObject({
  endDate: z.string(),
  lines: z.array(BillingStatisticsLine),
  startDate: z.string(),
});
export type BillingStatistics = z.infer<typeof BillingStatistics>;

/** saas.csp2.StatisticsLine */
export const StatisticsLine = z.looseObject({
  endOfDayCount: long,
  licenceId: long,
  licenceName: z.string(),
  peakCount: long,
});
export type StatisticsLine = z.infer<typeof StatisticsLine>;

/** saas.csp2.Statistics: licence usage of one day. */
export const Statistics = z.looseObject({
  date: z.string(),
  lines: z.array(StatisticsLine),
});
export type Statistics = z.infer<typeof Statistics>;

/** saas.csp2.SubscriptionCreation */
export interface SubscriptionCreation {
  readonly licenseId: number;
  readonly quantity: number;
}

/** saas.csp2.SubscriptionChangeQuantityCreation */
export interface SubscriptionChangeQuantity {
  /** New seat quantity. */
  readonly quantity: number;
}

/** saas.csp2.SubscriptionOrderAddonCreation */
export interface SubscriptionOrderAddon {
  /** One of `listAvailableAddonLicenses`. */
  readonly licenseId: number;
  readonly quantity: number;
}

/** saas.csp2.ConfigureDomainCreation (legacy) */
export interface ConfigureDomainCreation {
  readonly domain: string;
  readonly supportedServices: readonly SupportedService[];
}

/** saas.csp2.ChangeAdministratorPasswordCreation (legacy) */
export interface ChangeAdministratorPasswordCreation {
  readonly newPassword: string;
}

// ---------------------------------------------------------------------------------------------
// Operations

/** Lists the CSP2 tenant service names, optionally filtered by IAM tags. */
export function listTenants(ovh: OvhRequester, options: { iamTags?: IamTagFilters } = {}): Promise<string[]> {
  return callOperation(ovh, "GET /saas/csp2", NameList, {
    query: { iamTags: encodeIamTags(options.iamTags) },
  });
}

/** Reads one tenant, with its IAM metadata. */
export function getTenant(ovh: OvhRequester, serviceName: string): Promise<OfficeTenantWithIAM> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}", OfficeTenantWithIAM, { params: { serviceName } });
}

/** Changes a tenant's writable properties (display name, contact, MPN id). */
export function updateTenant(
  ovh: OvhRequester,
  serviceName: string,
  changes: OfficeTenantUpdate,
): Promise<void> {
  return callVoidOperation(ovh, "PUT /saas/csp2/{serviceName}", {
    params: { serviceName },
    body: pickDefined(changes, TENANT_WRITABLE_FIELDS),
  });
}

/** Reads the licence peaks of the tenant's current billing period. */
export function getBillingPeriodPeaks(ovh: OvhRequester, serviceName: string): Promise<BillingStatistics> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/billingPeriodPeaks", BillingStatistics, {
    params: { serviceName },
  });
}

/** Lists the ids of the licences this tenant may order. */
export function listOrderableLicenses(ovh: OvhRequester, serviceName: string): Promise<number[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/orderableLicenses", IdList, {
    params: { serviceName },
  });
}

/** Reads one orderable licence. */
export function getOrderableLicense(
  ovh: OvhRequester,
  serviceName: string,
  licenseId: number,
): Promise<OfficeLicence> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/orderableLicenses/{id}", OfficeLicence, {
    params: { serviceName, id: licenseId },
  });
}

/** Reads the tenant's billing information (renewal, expiration, service id). */
export function getServiceInfos(ovh: OvhRequester, serviceName: string): Promise<ServiceInfos> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/serviceInfos", ServiceInfos, {
    params: { serviceName },
  });
}

/** Changes the tenant's renewal settings (e.g. `renew.deleteAtExpiration`). */
export function updateServiceInfos(
  ovh: OvhRequester,
  serviceName: string,
  changes: ServiceInfosUpdate,
): Promise<void> {
  return callVoidOperation(ovh, "PUT /saas/csp2/{serviceName}/serviceInfos", {
    params: { serviceName },
    body: serviceInfosBody(changes),
  });
}

/** Lists the ids of the tenant's subscriptions. */
export function listSubscriptions(ovh: OvhRequester, serviceName: string): Promise<number[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/subscription", IdList, { params: { serviceName } });
}

/** Orders a new licence subscription; the returned task tracks it (the new id is not returned). */
export function createSubscription(
  ovh: OvhRequester,
  serviceName: string,
  subscription: SubscriptionCreation,
): Promise<OfficeTask> {
  return callOperation(ovh, "POST /saas/csp2/{serviceName}/subscription", OfficeTask, {
    params: { serviceName },
    body: { licenseId: subscription.licenseId, quantity: subscription.quantity },
  });
}

/** Reads one subscription. */
export function getSubscription(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
): Promise<OfficeSubscription> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/subscription/{id}", OfficeSubscription, {
    params: { serviceName, id: subscriptionId },
  });
}

/** Cancels a subscription and all its seats. */
export function deleteSubscription(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
): Promise<OfficeTask> {
  return callOperation(ovh, "DELETE /saas/csp2/{serviceName}/subscription/{id}", OfficeTask, {
    params: { serviceName, id: subscriptionId },
  });
}

/** Lists the ids of the add-on subscriptions attached to a subscription. */
export function listAddonSubscriptionIds(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
): Promise<number[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/subscription/{id}/addonsSubscriptionIds", IdList, {
    params: { serviceName, id: subscriptionId },
  });
}

/** Lists the ids of the add-on licences that can be ordered on top of a subscription. */
export function listAvailableAddonLicenses(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
): Promise<number[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/subscription/{id}/availableAddonLicenses", IdList, {
    params: { serviceName, id: subscriptionId },
  });
}

/** Sets a subscription's seat count. */
export function changeSubscriptionQuantity(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
  change: SubscriptionChangeQuantity,
): Promise<OfficeTask> {
  return callOperation(ovh, "POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity", OfficeTask, {
    params: { serviceName, id: subscriptionId },
    body: { quantity: change.quantity },
  });
}

/** Orders an add-on licence on top of a subscription. */
export function orderSubscriptionAddon(
  ovh: OvhRequester,
  serviceName: string,
  subscriptionId: number,
  addon: SubscriptionOrderAddon,
): Promise<OfficeTask> {
  return callOperation(ovh, "POST /saas/csp2/{serviceName}/subscription/{id}/orderAddon", OfficeTask, {
    params: { serviceName, id: subscriptionId },
    body: { licenseId: addon.licenseId, quantity: addon.quantity },
  });
}

/** Lists the ids of the tenant's pending tasks. */
export function listTasks(ovh: OvhRequester, serviceName: string): Promise<number[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/task", IdList, { params: { serviceName } });
}

/** Reads one task. */
export function getTask(ovh: OvhRequester, serviceName: string, taskId: number): Promise<OfficeTask> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/task/{id}", OfficeTask, {
    params: { serviceName, id: taskId },
  });
}

/** Reads daily licence usage over a period. */
export function getUsageStatistics(
  ovh: OvhRequester,
  serviceName: string,
  timePeriod: LicensePeriod,
): Promise<Statistics[]> {
  return callOperation(ovh, "GET /saas/csp2/{serviceName}/usageStatistics", z.array(Statistics), {
    params: { serviceName },
    query: { timePeriod },
  });
}

/**
 * Legacy: asks OVH to write the Microsoft 365 records into an OVH-hosted domain.
 * @deprecated Removed from the OVH schema in 2023; the provider writes the records through `dnsZone`.
 */
export function configureDomain(
  ovh: OvhRequester,
  serviceName: string,
  request: ConfigureDomainCreation,
): Promise<OfficeTask> {
  return callOperation(ovh, "POST /saas/csp2/{serviceName}/configureDomain", OfficeTask, {
    params: { serviceName },
    body: { domain: request.domain, supportedServices: [...request.supportedServices] },
  });
}

/**
 * Legacy: sets a new password for the tenant's Microsoft administrator.
 * @deprecated Removed from the OVH schema in 2023; may no longer answer.
 */
export function changeAdministratorPassword(
  ovh: OvhRequester,
  serviceName: string,
  request: ChangeAdministratorPasswordCreation,
): Promise<OfficeTask> {
  return callOperation(ovh, "POST /saas/csp2/{serviceName}/changeAdministratorPassword", OfficeTask, {
    params: { serviceName },
    body: { newPassword: request.newPassword },
  });
}
