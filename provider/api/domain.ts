/**
 * `/domain`: domains registered at OVH, read to check their delegation (which name servers they use)
 * before writing DNS records (schemas/domain-zone-excerpt.json). Read-only on purpose.
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
  type IamTagFilters,
  type OpenEnum,
} from "./common";
import { callOperation } from "./operation";

export type { IamTagFilters } from "./common";

export const NAME_SERVER_TYPES = [
  "anycast",
  "dedicated",
  "empty",
  "external",
  "hold",
  "hosted",
  "hosting",
  "mixed",
  "parking",
] as const;
/** domain.nameServer.NameServerTypeEnum: who serves the domain's DNS. */
export type NameServerType = OpenEnum<(typeof NAME_SERVER_TYPES)[number]>;
export const NameServerType = openEnum(NAME_SERVER_TYPES);

export const DNSSEC_STATES = ["disabled", "enabled", "not_supported"] as const;
/** domain.DnssecStateEnum */
export type DnssecState = OpenEnum<(typeof DNSSEC_STATES)[number]>;
export const DnssecState = openEnum(DNSSEC_STATES);

export const DOMAIN_STATES = [
  "deleted",
  "dispute",
  "expired",
  "ok",
  "outgoing_transfer",
  "pending_create",
  "pending_delete",
  "pending_incoming_transfer",
  "pending_installation",
  "registry_suspended",
  "restorable",
  "technical_suspended",
] as const;
/** domain.DomainStateEnum */
export type DomainState = OpenEnum<(typeof DOMAIN_STATES)[number]>;
export const DomainState = openEnum(DOMAIN_STATES);

export const LOCK_STATUSES = ["locked", "locking", "unavailable", "unlocked", "unlocking"] as const;
/** domain.LockStatusEnum */
export type LockStatus = OpenEnum<(typeof LOCK_STATUSES)[number]>;
export const LockStatus = openEnum(LOCK_STATUSES);

export const OFFERS = ["diamond", "gold", "platinum"] as const;
/** domain.OfferEnum */
export type Offer = OpenEnum<(typeof OFFERS)[number]>;
export const Offer = openEnum(OFFERS);

export const PARENT_SERVICE_TYPES = ["/allDom"] as const;
/** domain.ParentServiceTypeEnum */
export type ParentServiceType = OpenEnum<(typeof PARENT_SERVICE_TYPES)[number]>;
export const ParentServiceType = openEnum(PARENT_SERVICE_TYPES);

export const RENEWAL_STATES = [
  "automatic_renew",
  "cancellation_complete",
  "cancellation_requested",
  "manual_renew",
  "unpaid",
] as const;
/** domain.RenewalStateEnum */
export type RenewalState = OpenEnum<(typeof RENEWAL_STATES)[number]>;
export const RenewalState = openEnum(RENEWAL_STATES);

export const SUSPENSION_STATES = ["not_suspended", "suspended"] as const;
/** domain.SuspensionStateEnum */
export type SuspensionState = OpenEnum<(typeof SUSPENSION_STATES)[number]>;
export const SuspensionState = openEnum(SUSPENSION_STATES);

/** domain.ContactSummary */
export const ContactSummary = z.looseObject({ id: z.string() });
export type ContactSummary = z.infer<typeof ContactSummary>;

/** domain.ParentService */
export const ParentService = z.looseObject({ name: z.string(), type: ParentServiceType });
export type ParentService = z.infer<typeof ParentService>;

/** domain.nameServer.NameServer: a name server as listed on the domain. */
export const NameServer = z.looseObject({
  id: long,
  ipv4: z.string().nullish(),
  ipv6: z.string().nullish(),
  nameServer: z.string(),
  nameServerType: NameServerType,
});
export type NameServer = z.infer<typeof NameServer>;

/** domain.DomainServiceWithIAM: a registered domain. */
export const DomainService = z.looseObject({
  contactAdmin: ContactSummary,
  contactBilling: ContactSummary,
  contactOwner: ContactSummary,
  contactTech: ContactSummary,
  dnssecState: DnssecState,
  dnssecSupported: z.boolean(),
  domain: z.string(),
  expirationDate: z.string(),
  glueRecordIpv6Supported: z.boolean(),
  glueRecordMultiIpSupported: z.boolean(),
  hostSupported: z.boolean(),
  iam: IamResourceMetadata.nullish(),
  lastUpdate: z.string(),
  nameServerType: NameServerType,
  nameServers: z.array(NameServer),
  offer: Offer,
  owoSupported: z.boolean(),
  parentService: ParentService.nullish(),
  renewalDate: z.string(),
  renewalState: RenewalState,
  serviceId: long,
  state: DomainState,
  suspensionState: SuspensionState,
  transferLockStatus: LockStatus,
  whoisOwner: z.string(),
});
export type DomainService = z.infer<typeof DomainService>;

/** domain.nameServer.FullNameServer: one name server entry of a domain. */
export const FullNameServer = z.looseObject({
  host: z.string(),
  id: long,
  ip: z.string().nullish(),
  isUsed: z.boolean(),
  toDelete: z.boolean(),
});
export type FullNameServer = z.infer<typeof FullNameServer>;

/** Lists the account's domain names, optionally by IAM tags or WHOIS owner. */
export function listDomains(
  ovh: OvhRequester,
  options: { iamTags?: IamTagFilters; whoisOwner?: string } = {},
): Promise<string[]> {
  return callOperation(ovh, "GET /domain", NameList, {
    query: { iamTags: encodeIamTags(options.iamTags), whoisOwner: options.whoisOwner },
  });
}

/** Reads a domain, including `nameServerType` and `nameServers`. */
export function getDomain(ovh: OvhRequester, serviceName: string): Promise<DomainService> {
  return callOperation(ovh, "GET /domain/{serviceName}", DomainService, { params: { serviceName } });
}

/** Lists the ids of the domain's name server entries. */
export function listNameServers(ovh: OvhRequester, serviceName: string): Promise<number[]> {
  return callOperation(ovh, "GET /domain/{serviceName}/nameServer", IdList, { params: { serviceName } });
}

/** Reads one name server entry of the domain. */
export function getNameServer(
  ovh: OvhRequester,
  serviceName: string,
  nameServerId: number,
): Promise<FullNameServer> {
  return callOperation(ovh, "GET /domain/{serviceName}/nameServer/{id}", FullNameServer, {
    params: { serviceName, id: nameServerId },
  });
}
