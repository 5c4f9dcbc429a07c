/**
 * DomainAutoConfig's OVH calls on the DNS zone: reading the live records on the names Microsoft 365 needs,
 * creating and deleting one record (with OVH's `id: 0` quirk and "already gone" handled), and refreshing the
 * zone after writes (OVH serves record changes only once the zone is refreshed).
 * What to change is decided elsewhere (`plan.ts`); this module only talks to OVH.
 */
import * as dnsZone from "../../api/dnsZone";
import { OvhApiError } from "../../ovh/errors";
import { inContext } from "../errors";
import type { ResourceContext } from "../types";
import { where, type DomainAutoConfigInputs } from "./inputs";
import type { LiveRecord, ManagedRecord, TakenOverRecord } from "./plan";
import { normaliseSubDomain, sameTarget, unquoteTxt, type DesiredRecord, type RecordRole } from "./records";

// ---------------------------------------------------------------------------------------------
// Reading

/** How to find the live records a set of roles may collide with. `fieldType` undefined = any type. */
export interface RecordQuery {
  readonly subDomain: string;
  readonly fieldType?: dnsZone.RecordType;
}

/** The names and types to read so that every record in the way of (or owned for) these roles is seen. */
export function queriesFor(
  records: readonly { role: RecordRole; subDomain: string }[],
  extra: readonly LiveRecord[],
): RecordQuery[] {
  const out = new Map<string, RecordQuery>();
  const add = (q: RecordQuery) => out.set(`${q.fieldType ?? "*"}|${q.subDomain}`, q);
  for (const r of records) {
    const subDomain = normaliseSubDomain(r.subDomain);
    switch (r.role) {
      case "verification":
        add({ subDomain, fieldType: "TXT" });
        break;
      case "spf":
        add({ subDomain, fieldType: "TXT" });
        add({ subDomain, fieldType: "SPF" }); // OVH's legacy SPF pseudo-type also holds SPF policies
        break;
      case "mx":
        add({ subDomain, fieldType: "MX" });
        break;
      case "sipTls":
      case "sipFederation":
        add({ subDomain, fieldType: "SRV" });
        break;
      default:
        add({ subDomain }); // a CNAME name: anything on it is in the way
    }
  }
  for (const r of extra) add({ subDomain: normaliseSubDomain(r.subDomain), fieldType: r.fieldType });
  return [...out.values()];
}

function matchesQuery(r: LiveRecord, q: RecordQuery): boolean {
  return r.subDomain === q.subDomain && (q.fieldType === undefined || r.fieldType === q.fieldType);
}

function toLive(r: dnsZone.ZoneRecord): LiveRecord {
  return {
    id: r.id,
    fieldType: r.fieldType,
    subDomain: normaliseSubDomain(r.subDomain),
    target: r.target,
    ttl: r.ttl ?? 0,
  };
}

/**
 * Reads the live records matching `queries`. OVH has no "list with values" call: every record costs one GET.
 * Two ways, picking the cheaper for this zone: list the whole zone once (1 call) and fetch every record (N
 * calls), or list per name/type (Q calls, up to 10 for the full set) and fetch only the matches (M calls).
 * The unfiltered list is made first because it tells N: when N ≤ Q all records are fetched (1 + N ≤ 1 + Q),
 * otherwise the per-name lists follow (1 + Q + M). Small zones cost 1 + N, large ones at most one extra call.
 */
export async function scanRecords(
  ctx: ResourceContext,
  zone: string,
  queries: readonly RecordQuery[],
): Promise<LiveRecord[]> {
  const all = await dnsZone.listRecords(ctx.ovh, zone);
  let ids: number[];
  if (all.length <= queries.length) ids = all;
  else {
    const lists = await Promise.all(
      queries.map((q) =>
        dnsZone.listRecords(ctx.ovh, zone, {
          subDomain: q.subDomain,
          ...(q.fieldType !== undefined ? { fieldType: q.fieldType } : {}),
        }),
      ),
    );
    ids = [...new Set(lists.flat())];
  }
  const records = await Promise.all(ids.map((id) => getRecordOrGone(ctx, zone, id)));
  return records
    .filter((r): r is LiveRecord => r !== undefined)
    .filter((r) => queries.some((q) => matchesQuery(r, q)))
    .sort((a, b) => a.id - b.id);
}

/**
 * What delete needs to see, at the lowest cost: one GET per record it manages or modified (by id, to verify
 * they still hold what was recorded), and for each record to put back, the records of that type and name
 * (one filtered list, plus a GET per match) so an identical one is not created twice.
 */
export async function readOwnRecords(
  ctx: ResourceContext,
  zone: string,
  managed: readonly ManagedRecord[],
  takenOver: readonly TakenOverRecord[],
): Promise<LiveRecord[]> {
  const ids = new Set([
    ...managed.map((m) => m.id),
    ...takenOver.filter((t) => t.action === "modified").map((t) => t.id),
  ]);
  const removed = queriesFor(
    [],
    takenOver.filter((t) => t.action === "removed"),
  );
  const lists = await Promise.all(
    removed.map((q) =>
      dnsZone.listRecords(ctx.ovh, zone, {
        subDomain: q.subDomain,
        ...(q.fieldType !== undefined ? { fieldType: q.fieldType } : {}),
      }),
    ),
  );
  for (const id of lists.flat()) ids.add(id);
  const records = await Promise.all([...ids].map((id) => getRecordOrGone(ctx, zone, id)));
  return records.filter((r): r is LiveRecord => r !== undefined).sort((a, b) => a.id - b.id);
}

/** One record by id, or undefined when it no longer exists. */
export async function getRecordOrGone(
  ctx: ResourceContext,
  zone: string,
  id: number,
): Promise<LiveRecord | undefined> {
  try {
    return toLive(await dnsZone.getRecord(ctx.ovh, zone, id));
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return undefined; // deleted meanwhile
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** TXT values are written without OVH's quotes (OVH adds them). */
export function bare(fieldType: string, target: string): string {
  return fieldType === "TXT" || fieldType === "SPF" ? unquoteTxt(target) : target;
}

/**
 * Creates a record and returns it with its real id. OVH sometimes answers `id: 0` (known bug): the record is
 * then found among the records of the same type and name that were not there before, by target (TXT compared
 * unquoted), newest first; one extra list call plus one GET per candidate.
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
  if (created.id > 0) return toLive(created);
  const ids = await dnsZone.listRecords(ctx.ovh, zone, {
    fieldType: desired.fieldType,
    subDomain: desired.subDomain,
  });
  for (const id of ids.filter((i) => !knownIds.has(i)).sort((a, b) => b - a)) {
    const record = await getRecordOrGone(ctx, zone, id);
    if (record && sameTarget(desired.fieldType, record.target, desired.target)) return record;
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
    if (error instanceof OvhApiError && error.isGone) return; // already gone
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Refreshing

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
