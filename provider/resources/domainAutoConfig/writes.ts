/**
 * DomainAutoConfig's writes to the zone: create one record (with OVH's `id: 0` quirk handled), delete one
 * ("already gone" counts as done), and refresh the zone, which OVH needs before it serves record changes.
 * A created record is taken from what was sent plus OVH's answer: no read-back, and no reliance on the answer's
 * optional fields (OVH may answer `subDomain: null` or `ttl: null`).
 */
import * as dnsZone from "../../api/dnsZone";
import { isGoneAtOvh } from "../../ovh/errors";
import { inContext } from "../errors";
import type { ResourceContext } from "../types";
import { where, type DomainAutoConfigInputs } from "./inputs";
import type { LiveRecord } from "./plan";
import { sameTarget, unquoteTxt, type DesiredRecord } from "./records";
import { getRecord, toLive } from "./zone";

/** TXT values are written without OVH's quotes (OVH adds them). */
export function bare(fieldType: string, target: string): string {
  return fieldType === "TXT" || fieldType === "SPF" ? unquoteTxt(target) : target;
}

/**
 * Creates a record and returns it with its real id (one POST). OVH sometimes answers `id: 0` (known bug): the
 * record is then found among the records of the same type and name that were not there before, by target (TXT
 * compared unquoted), newest first; one extra list call plus one GET per candidate.
 */
export async function createRecord(
  ctx: ResourceContext,
  zone: string,
  desired: DesiredRecord,
  knownIds: ReadonlySet<number>,
): Promise<LiveRecord> {
  const created = await dnsZone.createRecord(ctx.ovh, zone, {
    fieldType: desired.fieldType,
    subDomain: desired.subDomain,
    target: desired.target,
    ttl: desired.ttl,
  });
  if (created.id > 0)
    return {
      id: created.id,
      fieldType: desired.fieldType,
      subDomain: desired.subDomain,
      target: created.target,
      ttl: created.ttl ?? desired.ttl,
    };
  const ids = await dnsZone.listRecords(ctx.ovh, zone, {
    fieldType: desired.fieldType,
    subDomain: desired.subDomain,
  });
  for (const id of ids.filter((i) => !knownIds.has(i)).sort((a, b) => b - a)) {
    const answer = await getRecord(ctx, zone, id);
    const record = answer && toLive(answer, desired.subDomain);
    if (record && sameTarget(desired.fieldType, record.target, desired.target))
      return { ...record, ttl: answer.ttl ?? desired.ttl };
  }
  throw new Error(
    `OVH answered id 0 for the new ${desired.fieldType} record and no matching new record was found (API inconsistency)`,
  );
}

/** Deletes a record; one already gone counts as deleted. */
export async function deleteRecord(ctx: ResourceContext, zone: string, id: number): Promise<void> {
  try {
    await dnsZone.deleteRecord(ctx.ovh, zone, id);
  } catch (error) {
    if (isGoneAtOvh(error)) return; // already gone
    throw error;
  }
}

/** After a failed write: refresh so the part already written is served, only warning if that fails too. */
export async function refreshQuietly(ctx: ResourceContext, zone: string, wrote: boolean): Promise<void> {
  if (!wrote) return;
  try {
    await dnsZone.refreshZone(ctx.ovh, zone);
  } catch (error) {
    ctx.log?.warn(inContext(`Refreshing zone ${zone}`, error).message);
  }
}

/** One refresh per create/update/delete that wrote something (OVH: "Don't forget to refresh the zone"). */
export async function refresh(ctx: ResourceContext, inputs: DomainAutoConfigInputs): Promise<void> {
  try {
    await dnsZone.refreshZone(ctx.ovh, inputs.zone);
  } catch (error) {
    throw inContext(
      `The records of ${where(inputs)} were written but refreshing zone ${inputs.zone} failed`,
      error,
      `They are not served until the zone is refreshed: retry \`pulumi up\`, or POST /domain/zone/${inputs.zone}/refresh.`,
    );
  }
}
