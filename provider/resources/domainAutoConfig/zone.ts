/**
 * DomainAutoConfig's reads of the zone: which live records are on the names Microsoft 365 needs (for planning),
 * and what the records this resource manages hold now (for refresh and delete), at the fewest OVH calls.
 *
 * OVH lists record ids (filtered by name and type or not) but has no "list with values" call: a record's value
 * costs one GET each. The zone export (`zoneExport.ts`, one call) gives every name, type and value but no ids.
 * So the export says where to look, and ids come from the listing:
 * - planning (`scanRecords`): the export and the unfiltered id listing (2 calls, in parallel); when the export
 *   holds as many records as the listing has ids, names that hold nothing relevant in the export cost nothing
 *   more, and for the others one filtered list per name and type, then one GET per record (exact ids and values,
 *   as OVH stores them); when the counts differ, the export is not trusted and the listing path is used;
 * - managed records (`readManagedRecords`): the unfiltered listing says which ids still exist; a name and type
 *   whose exported records are exactly as many as our surviving ids there, with our values, is unchanged (no
 *   call); any other one is read record by record. Deleted or changed records are thus still seen as drift.
 * Without a usable export, the record listing and one GET per record are used, as before the export.
 * The export may be stale: nobody has verified on real OVH that it shows records added but not yet applied
 * (`POST …/refresh`). The count guard in `scanRecords` covers that for planning at no extra call beyond the
 * listing; see `readManagedRecords` for why refresh does not need it.
 * OVH may answer `subDomain: null` (the apex) and `ttl: null` (zone default): see `toLive`.
 */
import * as dnsZone from "../../api/dnsZone";
import { isGoneAtOvh } from "../../ovh/errors";
import type { ResourceContext } from "../types";
import type { LiveRecord, ManagedRecord, TakenOverRecord } from "./plan";
import { normaliseSubDomain, sameTarget, type RecordRole } from "./records";
import { exportedType, readZoneExport, type ExportedRecord } from "./zoneExport";

/** How to find the live records a set of roles may collide with. `fieldType` undefined = any type. */
export interface RecordQuery {
  readonly subDomain: string;
  readonly fieldType?: dnsZone.RecordType;
}

/** The zone's export, once per operation (undefined: not available, use the listing). */
export type ZoneExport = Promise<ExportedRecord[] | undefined>;

/** The zone's unfiltered record-id listing, once per operation (rejects as OVH does when the zone is gone). */
export type ZoneListing = Promise<number[]>;

/** The unfiltered id listing of the zone: 1 call. */
export function listZone(ctx: ResourceContext, zone: string): ZoneListing {
  return dnsZone.listRecords(ctx.ovh, zone);
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

function exportedInQuery(r: ExportedRecord, q: RecordQuery): boolean {
  return r.subDomain === q.subDomain && (q.fieldType === undefined || r.type === exportedType(q.fieldType));
}

const byId = (a: LiveRecord, b: LiveRecord) => a.id - b.id;
const defined = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * A record as OVH answered it. `subDomain: null` means the apex unless the caller knows the name it listed the
 * record under (`nameWhenNull`); `ttl: null` is the exported TTL of the same record, else 0 (zone default).
 */
export function toLive(
  r: dnsZone.ZoneRecord,
  nameWhenNull: string,
  exported?: readonly ExportedRecord[],
): LiveRecord {
  const subDomain = normaliseSubDomain(r.subDomain ?? nameWhenNull);
  const sameRecord = (e: ExportedRecord) =>
    e.subDomain === subDomain &&
    e.type === exportedType(r.fieldType) &&
    sameTarget(r.fieldType, e.target, r.target);
  return {
    id: r.id,
    fieldType: r.fieldType,
    subDomain,
    target: r.target,
    ttl: r.ttl ?? exported?.find(sameRecord)?.ttl ?? 0,
  };
}

/** One record by id as OVH answers it, or undefined when it no longer exists. */
export async function getRecord(
  ctx: ResourceContext,
  zone: string,
  id: number,
): Promise<dnsZone.ZoneRecord | undefined> {
  try {
    return await dnsZone.getRecord(ctx.ovh, zone, id);
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined; // deleted meanwhile
    throw error;
  }
}

/** The listing, with a zone gone read as a zone without records. */
async function orGone(listed: ZoneListing): Promise<number[]> {
  try {
    return await listed;
  } catch (error) {
    if (isGoneAtOvh(error)) return [];
    throw error;
  }
}

/**
 * Whether the export accounts for every record the API lists: as many exported records as listed ids. The SOA
 * is the one exported entry OVH does not list as a record, and the parser leaves it out; the apex NS records
 * are both exported and listed. On the sandbox the counts agree (test/integration/domainAutoConfig.test.ts).
 * Differing counts mean the export is not the zone as the API holds it now (e.g. a record added but not yet
 * applied by a refresh, if OVH exports only the applied zone) or holds something the API does not list: either
 * way it is not trusted, which is only dearer if real OVH exported unlisted entries (unverified). Equal counts
 * cannot rule out one record added and another deleted since the export: that needs the values.
 */
function exportAccountsForListing(exported: readonly ExportedRecord[], ids: readonly number[]): boolean {
  return exported.length === new Set(ids).size;
}

function listQuery(ctx: ResourceContext, zone: string, q: RecordQuery): Promise<number[]> {
  return dnsZone.listRecords(ctx.ovh, zone, {
    subDomain: q.subDomain,
    ...(q.fieldType !== undefined ? { fieldType: q.fieldType } : {}),
  });
}

/**
 * Reads the live records matching `queries`, with their ids. With the export: 2 calls (export and unfiltered id
 * listing, in parallel), plus for each query whose name and type hold something, one filtered list and one GET
 * per record (a clean zone costs 2 calls).
 */
export async function scanRecords(
  ctx: ResourceContext,
  zone: string,
  queries: readonly RecordQuery[],
  exported: ZoneExport = readZoneExport(ctx, zone),
  listed: ZoneListing = listZone(ctx, zone),
): Promise<LiveRecord[]> {
  const [records, ids] = await Promise.all([exported, listed]);
  // A stale export (a record added but not yet refreshed would be missing from it) would let a name that holds
  // a record look empty, and the plan write a duplicate or conflicting record next to it: unless the export
  // accounts for every listed id, plan from the listing (already fetched: no second listing call).
  if (!records || !exportAccountsForListing(records, ids)) return scanByListing(ctx, zone, queries, ids);
  const occupied = queries.filter((q) => records.some((r) => exportedInQuery(r, q)));
  const lists = await Promise.all(occupied.map(async (q) => ({ q, ids: await listQuery(ctx, zone, q) })));
  const listedUnder = new Map<number, string>();
  for (const { q, ids } of lists)
    for (const id of ids) if (!listedUnder.has(id)) listedUnder.set(id, q.subDomain);
  const live = await Promise.all(
    [...listedUnder].map(async ([id, name]) => {
      const answer = await getRecord(ctx, zone, id);
      return answer && toLive(answer, name, records);
    }),
  );
  return live
    .filter(defined)
    .filter((r) => queries.some((q) => matchesQuery(r, q)))
    .sort(byId);
}

/**
 * Without a usable export: with the whole zone's listing (`all`, 1 call, already made), fetch every record
 * (N calls), or list per name and type (Q calls) and fetch only the matches (M calls), whichever the zone's
 * size N makes cheaper.
 */
async function scanByListing(
  ctx: ResourceContext,
  zone: string,
  queries: readonly RecordQuery[],
  all: readonly number[],
): Promise<LiveRecord[]> {
  const listedUnder = new Map<number, string>(all.map((id) => [id, ""]));
  if (all.length > queries.length) {
    listedUnder.clear();
    const lists = await Promise.all(queries.map(async (q) => ({ q, ids: await listQuery(ctx, zone, q) })));
    for (const { q, ids } of lists)
      for (const id of ids) if (!listedUnder.has(id)) listedUnder.set(id, q.subDomain);
  }
  const live = await Promise.all(
    [...listedUnder].map(async ([id, name]) => {
      const answer = await getRecord(ctx, zone, id);
      return answer && toLive(answer, name);
    }),
  );
  return live
    .filter(defined)
    .filter((r) => queries.some((q) => matchesQuery(r, q)))
    .sort(byId);
}

/**
 * The records with these ids as they are now (undefined: deleted). 2 calls (export and id listing) when nothing
 * changed; a name and type whose exported records do not match our surviving ids one to one, by value, is read
 * by id (1 GET per record of ours there), which is also the whole method when the export is not available.
 *
 * No count guard as in `scanRecords`: here the listing, not the export, says which of our records exist, and
 * the export is only asked what our surviving ids hold, where a name and type shows exactly as many records as
 * ours, with our values (anything else is read by id). A record someone added since the export, the staleness
 * the count guard catches, does not change what our ids hold; an edit not yet applied keeps every count equal,
 * so the guard would not catch it either (it shows once the zone is refreshed, and planning reads by id every
 * name the export shows occupied). The guard would only turn unrelated changes elsewhere in the zone into one
 * GET per managed record.
 */
export async function readManagedRecords(
  ctx: ResourceContext,
  zone: string,
  records: readonly LiveRecord[],
  exported: ZoneExport = readZoneExport(ctx, zone),
  listed?: ZoneListing,
): Promise<Map<number, LiveRecord | undefined>> {
  const out = new Map<number, LiveRecord | undefined>();
  if (records.length === 0) return out;
  const [entries, ids] = await Promise.all([exported, orGone(listed ?? listZone(ctx, zone))]);
  const existing = new Set(ids); // a zone gone: every record gone
  const groups = new Map<string, LiveRecord[]>();
  for (const r of records) {
    if (!existing.has(r.id)) {
      out.set(r.id, undefined);
      continue;
    }
    const key = `${normaliseSubDomain(r.subDomain)}|${exportedType(r.fieldType)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const toRead: LiveRecord[] = [];
  for (const [key, group] of groups) {
    const there = entries?.filter((e) => `${e.subDomain}|${e.type}` === key);
    const matched = there && there.length === group.length ? pairByValue(group, there) : undefined;
    if (!matched) toRead.push(...group);
    else for (const [r, e] of matched) out.set(r.id, { ...plain(r), ttl: e.ttl ?? 0 });
  }
  const read = await Promise.all(
    toRead.map(async (r) => {
      const answer = await getRecord(ctx, zone, r.id);
      // `subDomain: null` is the apex, unless the export shows this very value on our name.
      const ours =
        answer !== undefined &&
        (entries ?? []).some(
          (e) =>
            e.subDomain === normaliseSubDomain(r.subDomain) &&
            e.type === exportedType(answer.fieldType) &&
            sameTarget(answer.fieldType, e.target, answer.target),
        );
      return [r.id, answer && toLive(answer, ours ? r.subDomain : "", entries)] as const;
    }),
  );
  for (const [id, live] of read) out.set(id, live);
  return out;
}

/** Our records paired with exported ones of the same value (same TTL preferred), or undefined if any is left. */
function pairByValue(
  ours: readonly LiveRecord[],
  exported: readonly ExportedRecord[],
): [LiveRecord, ExportedRecord][] | undefined {
  const free = [...exported];
  const pairs: [LiveRecord, ExportedRecord][] = [];
  for (const r of ours) {
    const same = free.filter((e) => sameTarget(r.fieldType, e.target, r.target));
    const e = same.find((x) => (x.ttl ?? 0) === r.ttl) ?? same[0];
    if (!e) return undefined;
    free.splice(free.indexOf(e), 1);
    pairs.push([r, e]);
  }
  return pairs;
}

function plain(r: LiveRecord): LiveRecord {
  return {
    id: r.id,
    fieldType: r.fieldType,
    subDomain: normaliseSubDomain(r.subDomain),
    target: r.target,
    ttl: r.ttl,
  };
}

/**
 * What delete needs to see: the records it manages or modified (to verify they still hold what was recorded),
 * and for each record to put back, the records of that type and name (so an identical one is not created twice).
 * One export and one id listing shared by both reads.
 */
export async function readOwnRecords(
  ctx: ResourceContext,
  zone: string,
  managed: readonly ManagedRecord[],
  takenOver: readonly TakenOverRecord[],
): Promise<LiveRecord[]> {
  const own = new Map<number, LiveRecord>(managed.map((m) => [m.id, m]));
  for (const t of takenOver) if (t.action === "modified" && !own.has(t.id)) own.set(t.id, t);
  const exported = readZoneExport(ctx, zone);
  // A zone deleted outside Pulumi took our records with it: nothing to delete, nothing to put back.
  const listed = orGone(listZone(ctx, zone));
  const [current, around] = await Promise.all([
    readManagedRecords(ctx, zone, [...own.values()], exported, listed),
    scanRecords(
      ctx,
      zone,
      queriesFor(
        [],
        takenOver.filter((t) => t.action === "removed"),
      ),
      exported,
      listed,
    ),
  ]);
  const live = new Map<number, LiveRecord>(around.map((r) => [r.id, r]));
  for (const [id, r] of current) if (r) live.set(id, r);
  return [...live.values()].sort(byId);
}
