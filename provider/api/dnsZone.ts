/**
 * `/domain/zone`: OVH-hosted DNS zones and their records (schemas/domain-zone-excerpt.json).
 * Record changes take effect only after `refreshZone`.
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

export { ServiceInfos } from "./common";
export type { ServiceInfosUpdate, IamTagFilters } from "./common";

export const RECORD_TYPES = [
  "A",
  "AAAA",
  "CAA",
  "CNAME",
  "DKIM",
  "DMARC",
  "DNAME",
  "LOC",
  "MX",
  "NAPTR",
  "NS",
  "PTR",
  "SPF",
  "SRV",
  "SSHFP",
  "TLSA",
  "TXT",
] as const;
/** domain.zone.RecordTypeEnum */
export type RecordType = OpenEnum<(typeof RECORD_TYPES)[number]>;
export const RecordType = openEnum(RECORD_TYPES);

/** domain.zone.Record: one DNS record of a zone. */
export const ZoneRecord = z.looseObject({
  fieldType: RecordType,
  id: long,
  /** Relative to the zone; empty or absent for the apex. */
  subDomain: z.string().nullish(),
  target: z.string(),
  ttl: long.nullish(),
  zone: z.string(),
});
export type ZoneRecord = z.infer<typeof ZoneRecord>;

/** domain.zone.RecordCreate: body of `POST /domain/zone/{zoneName}/record`. */
export interface RecordCreate {
  readonly fieldType: RecordType;
  /** Relative to the zone; `""` for the apex. */
  readonly subDomain?: string | null;
  readonly target: string;
  /** Seconds; 0 = zone default. */
  readonly ttl?: number;
}

/** domain.zone.RecordUpdate: body of `PUT …/record/{id}` (the type cannot change). */
export interface RecordUpdate {
  readonly subDomain?: string | null;
  readonly target?: string;
  readonly ttl?: number | null;
}

/** domain.ZoneWithIAM: a hosted zone. */
export const Zone = z.looseObject({
  dnssecSupported: z.boolean(),
  hasDnsAnycast: z.boolean(),
  iam: IamResourceMetadata.nullish(),
  lastUpdate: z.string().nullish(),
  name: z.string(),
  nameServers: z.array(z.string()),
});
export type Zone = z.infer<typeof Zone>;

/** domain.zone.Status: whether the zone as last refreshed is live. */
export const ZoneStatus = z.looseObject({
  errors: z.array(z.string()).nullish(),
  isDeployed: z.boolean(),
  warnings: z.array(z.string()).nullish(),
});
export type ZoneStatus = z.infer<typeof ZoneStatus>;

/** Lists the names of the zones hosted by the account, optionally filtered by IAM tags. */
export function listZones(ovh: OvhRequester, options: { iamTags?: IamTagFilters } = {}): Promise<string[]> {
  return callOperation(ovh, "GET /domain/zone", NameList, {
    query: { iamTags: encodeIamTags(options.iamTags) },
  });
}

/** Reads one zone (name servers, DNSSEC, anycast). */
export function getZone(ovh: OvhRequester, zoneName: string): Promise<Zone> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}", Zone, { params: { zoneName } });
}

/** Lists record ids, optionally by type and sub-domain (`""` = apex). */
export function listRecords(
  ovh: OvhRequester,
  zoneName: string,
  filter: { fieldType?: RecordType; subDomain?: string } = {},
): Promise<number[]> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}/record", IdList, {
    params: { zoneName },
    query: { fieldType: filter.fieldType, subDomain: filter.subDomain },
  });
}

/**
 * Creates a record (refresh the zone afterwards).
 * OVH is known to answer `id: 0` sometimes; callers must look the record up in that case.
 */
export function createRecord(ovh: OvhRequester, zoneName: string, record: RecordCreate): Promise<ZoneRecord> {
  return callOperation(ovh, "POST /domain/zone/{zoneName}/record", ZoneRecord, {
    params: { zoneName },
    body: pickDefined(record, ["fieldType", "subDomain", "target", "ttl"]),
  });
}

/** Reads one record. */
export function getRecord(ovh: OvhRequester, zoneName: string, recordId: number): Promise<ZoneRecord> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}/record/{id}", ZoneRecord, {
    params: { zoneName, id: recordId },
  });
}

/** Changes a record's sub-domain, target or TTL (refresh the zone afterwards). */
export function updateRecord(
  ovh: OvhRequester,
  zoneName: string,
  recordId: number,
  changes: RecordUpdate,
): Promise<void> {
  return callVoidOperation(ovh, "PUT /domain/zone/{zoneName}/record/{id}", {
    params: { zoneName, id: recordId },
    body: pickDefined(changes, ["subDomain", "target", "ttl"]),
  });
}

/** Deletes a record (refresh the zone afterwards). */
export function deleteRecord(ovh: OvhRequester, zoneName: string, recordId: number): Promise<void> {
  return callVoidOperation(ovh, "DELETE /domain/zone/{zoneName}/record/{id}", {
    params: { zoneName, id: recordId },
  });
}

/** Publishes the zone's pending record changes. */
export function refreshZone(ovh: OvhRequester, zoneName: string): Promise<void> {
  return callVoidOperation(ovh, "POST /domain/zone/{zoneName}/refresh", { params: { zoneName } });
}

/** Reads whether the zone is deployed, with OVH's errors and warnings about it. */
export function getZoneStatus(ovh: OvhRequester, zoneName: string): Promise<ZoneStatus> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}/status", ZoneStatus, { params: { zoneName } });
}

/** Exports the zone in BIND zone-file format. */
export function exportZone(ovh: OvhRequester, zoneName: string): Promise<string> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}/export", z.string(), { params: { zoneName } });
}

/** Reads the zone's billing information. */
export function getZoneServiceInfos(ovh: OvhRequester, zoneName: string): Promise<ServiceInfos> {
  return callOperation(ovh, "GET /domain/zone/{zoneName}/serviceInfos", ServiceInfos, {
    params: { zoneName },
  });
}

/** Changes the zone's renewal settings. */
export function updateZoneServiceInfos(
  ovh: OvhRequester,
  zoneName: string,
  changes: ServiceInfosUpdate,
): Promise<void> {
  return callVoidOperation(ovh, "PUT /domain/zone/{zoneName}/serviceInfos", {
    params: { zoneName },
    body: serviceInfosBody(changes),
  });
}
