/**
 * DomainAutoConfig: the DNS records Microsoft 365 needs (Exchange Online, Teams/Skype for Business, Intune,
 * domain verification) in an OVH-hosted DNS zone, with conflict detection, drift detection and exact removal.
 *
 * - What is written: `records.ts` (record set and value formats).
 * - What to change: `plan.ts` (adoption, conflicts, takeover, ownership rules).
 * - This module: inputs, preconditions (zone at OVH, domain delegated to OVH DNS, tenant exists), the OVH calls
 *   and the Pulumi lifecycle. Resource id: `<tenant>/<domain>`.
 *
 * Limits (documented for the README):
 * - `method: "configureDomain"` uses OVH's legacy one-call API (removed from OVH's schema in 2023); OVH picks
 *   the values, so `exchangeMxTarget` and `ttl` are not applied and `takeOverConflicts` is refused.
 * - A domain registered elsewhere than OVH cannot be checked for delegation (only an NS lookup would tell).
 * - Records adopted (identical ones that already existed) are left in place on destroy, and keep their TTL.
 */
import { z } from "zod";
import * as csp2 from "../../api/csp2";
import * as dnsZone from "../../api/dnsZone";
import * as domainApi from "../../api/domain";
import { OvhApiError } from "../../ovh/errors";
import { orUnknown, unchangedSincePreviousRun, validateInputs } from "../check";
import { inContext, PartialCreateError } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import { waitForTask } from "../tasks";
import type { CheckFailure, CheckResult, DiffResult, ResourceContext, ResourceHandler } from "../types";
import { isUnknown } from "../unknown";
import {
  absoluteHost,
  defaultExchangeMxTarget,
  fulfils,
  isMicrosoftMxHost,
  LEGACY_SERVICE_NAMES,
  M365_SERVICES,
  microsoft365Records,
  normaliseSubDomain,
  normaliseTarget,
  relativeName,
  removeSpfInclude,
  sameTarget,
  spfHasMicrosoftInclude,
  unquoteTxt,
  mergeSpfInclude,
  RECORD_ROLES,
  type DesiredRecord,
  type M365Service,
  type RecordRole,
} from "./records";
import {
  describeRecord,
  planRecordChanges,
  type Conflict,
  type LiveRecord,
  type ManagedRecord,
  type Plan,
  type Step,
  type TakenOverRecord,
} from "./plan";

// ---------------------------------------------------------------------------------------------
// Inputs and outputs

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

const hostName = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v.endsWith(".") ? v.slice(0, -1) : v))
    .pipe(z.string().regex(HOST_NAME, `must be a fully qualified ${what}, e.g. contoso.com`));

export const DOMAIN_AUTO_CONFIG_METHODS = ["records", "configureDomain"] as const;
export type DomainAutoConfigMethod = (typeof DOMAIN_AUTO_CONFIG_METHODS)[number];

/** Services configured when `services` is not given: the basic Microsoft 365 set (Intune needs MDM). */
export const DEFAULT_SERVICES: readonly M365Service[] = ["exchange", "teams"];
export const DEFAULT_TTL = 3600;

export const DomainAutoConfigInputsSchema = z.strictObject({
  /** CSP2 tenant service name (`GET /saas/csp2`). */
  tenant: orUnknown(z.string().trim().min(1, "must be the tenant's service name")),
  /** The domain to configure, e.g. `contoso.com` or `mail.contoso.com`. */
  domain: orUnknown(hostName("domain name")),
  /** The OVH DNS zone holding the domain: the domain itself (default) or a parent of it. */
  zone: orUnknown(hostName("zone name")).optional(),
  services: orUnknown(
    z
      .array(orUnknown(z.enum(M365_SERVICES, { error: `must be one of ${M365_SERVICES.join(", ")}` })))
      .min(1, "must list at least one service")
      .refine((list) => new Set(list).size === list.length, "must not list a service twice"),
  ).optional(),
  /** Exchange Online MX host; defaults to `<domain with dots as hyphens>.mail.protection.outlook.com`. */
  exchangeMxTarget: orUnknown(hostName("host name")).optional(),
  /** The `MS=ms…` value shown in the Microsoft 365 admin center (Settings → Domains). */
  verificationTxt: orUnknown(
    z
      .string()
      .trim()
      .regex(/^MS=ms\d+$/, 'must look like "MS=ms12345678" (copy it from the Microsoft 365 admin center)'),
  ).optional(),
  ttl: orUnknown(
    z
      .number()
      .int("must be a whole number of seconds")
      .refine((v) => v === 0 || (v >= 60 && v <= 2_147_483_647), "must be 0 (zone default) or at least 60"),
  ).optional(),
  method: orUnknown(
    z.enum(DOMAIN_AUTO_CONFIG_METHODS, { error: 'must be "records" or "configureDomain"' }),
  ).optional(),
  takeOverConflicts: orUnknown(z.boolean()).optional(),
});

/** Normalised inputs (defaults applied; a value may still be Pulumi's unknown sentinel during preview). */
export interface DomainAutoConfigInputs {
  readonly tenant: string;
  readonly domain: string;
  readonly zone: string;
  readonly services: M365Service[];
  readonly exchangeMxTarget: string;
  readonly verificationTxt?: string;
  readonly ttl: number;
  readonly method: DomainAutoConfigMethod;
  readonly takeOverConflicts: boolean;
}

export type { ManagedRecord, TakenOverRecord } from "./plan";

export interface DomainAutoConfigOutputs extends DomainAutoConfigInputs {
  /** The records this resource manages, as last seen live. */
  readonly records: ManagedRecord[];
  /** Records removed or modified to make room (takeover), with their previous values, restored on delete. */
  readonly takenOver: TakenOverRecord[];
}

function applyDefaults(parsed: z.infer<typeof DomainAutoConfigInputsSchema>): DomainAutoConfigInputs {
  const domain = parsed.domain;
  const exchangeMxTarget =
    parsed.exchangeMxTarget ?? (isUnknown(domain) ? domain : defaultExchangeMxTarget(domain));
  return {
    tenant: parsed.tenant,
    domain,
    zone: parsed.zone ?? domain,
    services: parsed.services ?? [...DEFAULT_SERVICES],
    exchangeMxTarget,
    ...(parsed.verificationTxt !== undefined ? { verificationTxt: parsed.verificationTxt } : {}),
    ttl: parsed.ttl ?? DEFAULT_TTL,
    method: parsed.method ?? "records",
    takeOverConflicts: parsed.takeOverConflicts ?? false,
  };
}

function inputsOf(o: Partial<DomainAutoConfigOutputs>): Record<string, unknown> {
  const keys = [
    "tenant",
    "domain",
    "zone",
    "services",
    "exchangeMxTarget",
    "verificationTxt",
    "ttl",
    "method",
    "takeOverConflicts",
  ] as const;
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function desiredFor(inputs: DomainAutoConfigInputs): DesiredRecord[] {
  return microsoft365Records({
    domain: inputs.domain,
    zone: inputs.zone,
    services: inputs.services,
    exchangeMxTarget: inputs.exchangeMxTarget,
    verificationTxt: inputs.verificationTxt,
    ttl: inputs.ttl,
  });
}

export function resourceId(tenant: string, domain: string): string {
  return `${tenant}/${domain}`;
}

function where(inputs: { domain: string; tenant: string; zone: string }): string {
  const zone = inputs.zone === inputs.domain ? "" : ` (zone ${inputs.zone})`;
  return `domain ${inputs.domain}${zone} of tenant ${inputs.tenant}`;
}

// ---------------------------------------------------------------------------------------------
// Reading the zone

/** How to find the live records a set of roles may collide with. `fieldType` undefined = any type. */
interface RecordQuery {
  readonly subDomain: string;
  readonly fieldType?: dnsZone.RecordType;
}

function queriesFor(
  records: readonly { role: RecordRole; subDomain: string }[],
  extra: readonly LiveRecord[],
) {
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
async function scanRecords(
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
async function readOwnRecords(
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

async function getRecordOrGone(
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

async function gone<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Preconditions

const NOT_OVH_DNS_HELP =
  "Records written to an OVH zone are only served when the domain is delegated to OVH's name servers. " +
  "Either switch the domain to OVH DNS (OVHcloud Control Panel → Domain names → DNS servers, or " +
  "POST /domain/{domain}/nameServers/update with the zone's name servers) and make sure OVH hosts a DNS zone " +
  "for it, or create the Microsoft 365 records at the DNS provider that serves the domain.";

/**
 * The read-only checks made before writing: the tenant exists, OVH hosts the zone, and the domain (when
 * registered at OVH) is delegated to OVH DNS. Three GETs, in parallel.
 */
async function preconditionFailures(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  options: { tenant: boolean } = { tenant: true },
): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  const zoneProperty = inputs.zone === inputs.domain ? "domain" : "zone";
  const [tenant, zone, registered] = await Promise.all([
    options.tenant ? gone(csp2.getTenant(ctx.ovh, inputs.tenant)) : Promise.resolve(true),
    gone(dnsZone.getZone(ctx.ovh, inputs.zone)),
    gone(domainApi.getDomain(ctx.ovh, inputs.zone)),
  ]).catch((error: unknown) => {
    throw inContext(`Checking the DNS of ${where(inputs)}`, error);
  });
  if (tenant === undefined)
    failures.push({
      property: "tenant",
      reason: `tenant ${inputs.tenant} was not found in this OVH account (GET /saas/csp2/${inputs.tenant}: 404). Use a service name listed by GET /saas/csp2.`,
    });
  const external = registered !== undefined && registered.nameServerType === "external";
  if (external) {
    const servers = registered.nameServers.map((ns) => ns.nameServer).join(", ");
    failures.push({
      property: zoneProperty,
      reason:
        `the DNS of ${inputs.zone} is not at OVH: the domain is registered at OVH but delegated to external name servers (${servers})` +
        (zone === undefined ? ` and OVH hosts no DNS zone named ${inputs.zone}` : "") +
        `. ${NOT_OVH_DNS_HELP}`,
    });
  } else if (zone === undefined) {
    failures.push({
      property: zoneProperty,
      reason:
        `OVH hosts no DNS zone named ${inputs.zone} in this account (GET /domain/zone/${inputs.zone}: 404). ` +
        (inputs.zone === inputs.domain ? "If the domain lives in a parent zone, set `zone`. " : "") +
        NOT_OVH_DNS_HELP,
    });
  } else if (registered === undefined) {
    ctx.log?.info(
      `${inputs.zone} is not registered at OVH: make sure it is delegated to the zone's name servers (${zone.nameServers.join(", ")}).`,
    );
  } else if (registered.nameServerType !== "hosted" && registered.nameServerType !== "anycast") {
    ctx.log?.warn(
      `${inputs.zone} uses name server type "${registered.nameServerType}": make sure it is delegated to ${zone.nameServers.join(", ")}.`,
    );
  }
  return failures;
}

function failuresError(action: string, failures: readonly CheckFailure[]): Error {
  return new Error(`${action}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("\n")}`);
}

function conflictsMessage(inputs: DomainAutoConfigInputs, conflicts: readonly Conflict[]): string {
  const lines = conflicts.map(
    (c) => `  - ${describeRecord(c.record, inputs.zone)} (id ${c.record.id}): ${c.reason}`,
  );
  return (
    `zone ${inputs.zone} already has records in the way of Microsoft 365 on ${inputs.domain}:\n${lines.join("\n")}\n` +
    "Remove or change them, or set takeOverConflicts: true to let this resource remove them (and merge " +
    "Microsoft's include into the existing SPF policy); they are put back when the resource is deleted."
  );
}

// ---------------------------------------------------------------------------------------------
// Applying a plan

interface Applied {
  records: ManagedRecord[];
  takenOver: TakenOverRecord[];
  wrote: boolean;
}

class ApplyError extends Error {
  constructor(
    message: string,
    readonly applied: Applied,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Executes the plan's steps in order and returns the resulting managed and taken-over records. On failure,
 * throws ApplyError carrying what was done so far (the zone is refreshed first so the written part is live).
 * `recorded` maps ids to the values in the previous outputs: a record changed behind our back is not deleted.
 */
async function applyPlan(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  plan: Plan,
  live: readonly LiveRecord[],
  desiredRoles: ReadonlySet<RecordRole>,
  recorded: ReadonlyMap<number, ManagedRecord>,
): Promise<Applied> {
  const zone = inputs.zone;
  const knownIds = new Set(live.map((r) => r.id));
  const applied: Applied = { records: [...plan.unchanged], takenOver: [...plan.keptTakenOver], wrote: false };
  const keep = (r: ManagedRecord) => {
    if (desiredRoles.has(r.role)) applied.records.push(r);
  };
  let current: Step | undefined;
  try {
    for (const step of plan.steps) {
      current = step;
      switch (step.kind) {
        case "create": {
          const record = await createRecord(ctx, zone, step.desired, knownIds);
          applied.wrote = true;
          knownIds.add(record.id);
          keep({ ...record, role: step.desired.role, origin: "created" });
          break;
        }
        case "adopt":
          keep({ ...step.record, role: step.desired.role, origin: "adopted" });
          break;
        case "release":
          break;
        case "update":
          await dnsZone.updateRecord(ctx.ovh, zone, step.record.id, {
            target: bare(step.record.fieldType, step.target),
            ttl: step.ttl,
          });
          applied.wrote = true;
          keep({ ...step.record, target: step.target, ttl: step.ttl, role: step.role, origin: step.origin });
          break;
        case "delete": {
          const before = recorded.get(step.record.id);
          if (before && !sameTarget(before.fieldType, before.target, step.record.target)) {
            ctx.log?.warn(
              `Left ${describeRecord(step.record, zone)} (id ${step.record.id}) in place: it was changed outside Pulumi (was ${normaliseTarget(before.fieldType, before.target)}).`,
            );
            break;
          }
          await deleteRecord(ctx, zone, step.record.id);
          applied.wrote = true;
          break;
        }
        case "takeOverRemove":
          await deleteRecord(ctx, zone, step.record.id);
          applied.wrote = true;
          applied.takenOver.push({ ...step.record, forRole: step.forRole, action: "removed" });
          ctx.log?.info(`Took over ${describeRecord(step.record, zone)}: removed (restored on delete).`);
          break;
        case "mergeSpf":
          await dnsZone.updateRecord(ctx.ovh, zone, step.record.id, {
            target: step.target,
            ttl: step.desired.ttl,
          });
          applied.wrote = true;
          applied.takenOver.push({ ...step.record, forRole: "spf", action: "modified" });
          keep({ ...step.record, target: step.target, ttl: step.desired.ttl, role: "spf", origin: "merged" });
          ctx.log?.info(`Merged Microsoft's include into the SPF policy of ${inputs.domain}: ${step.target}`);
          break;
        case "restore":
          if (await restore(ctx, zone, step.takenOver, step.current, live)) applied.wrote = true;
          break;
      }
    }
  } catch (error) {
    await refreshQuietly(ctx, zone, applied.wrote);
    const what = current ? describeStep(current, zone) : "changing records";
    throw new ApplyError(
      inContext(
        `${what} for ${where(inputs)}`,
        error,
        "Run `pulumi refresh`, fix the cause, then retry `pulumi up`.",
      ).message,
      applied,
      { cause: error },
    );
  }
  return applied;
}

function describeStep(step: Step, zone: string): string {
  switch (step.kind) {
    case "create":
      return `Creating ${describeRecord(step.desired, zone)}`;
    case "update":
    case "mergeSpf":
      return `Updating ${describeRecord(step.record, zone)} (id ${step.record.id})`;
    case "delete":
    case "takeOverRemove":
      return `Deleting ${describeRecord(step.record, zone)} (id ${step.record.id})`;
    case "restore":
      return `Restoring ${describeRecord(step.takenOver, zone)}`;
    default:
      return "Changing records";
  }
}

/** TXT values are written without OVH's quotes (OVH adds them). */
function bare(fieldType: string, target: string): string {
  return fieldType === "TXT" || fieldType === "SPF" ? unquoteTxt(target) : target;
}

/**
 * Creates a record and returns it with its real id. OVH sometimes answers `id: 0` (known bug): the record is
 * then found among the records of the same type and name that were not there before, by target (TXT compared
 * unquoted), newest first; one extra list call plus one GET per candidate.
 */
async function createRecord(
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

async function deleteRecord(ctx: ResourceContext, zone: string, id: number): Promise<void> {
  try {
    await dnsZone.deleteRecord(ctx.ovh, zone, id);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return; // already gone
    throw error;
  }
}

/**
 * Puts back a taken-over record. A removed one is recreated unless an identical record exists; the SPF policy
 * gets its previous value back if it still holds exactly what we wrote, otherwise only our include is removed
 * (keeping someone's later edits). Returns whether a write happened.
 */
async function restore(
  ctx: ResourceContext,
  zone: string,
  t: TakenOverRecord,
  current: LiveRecord | undefined,
  live: readonly LiveRecord[],
): Promise<boolean> {
  if (t.action === "removed") {
    const exists = live.some(
      (r) =>
        r.fieldType === t.fieldType &&
        r.subDomain === t.subDomain &&
        sameTarget(t.fieldType, r.target, t.target),
    );
    if (exists) return false;
    await dnsZone.createRecord(ctx.ovh, zone, {
      fieldType: t.fieldType,
      subDomain: t.subDomain,
      target: bare(t.fieldType, t.target),
      ttl: t.ttl,
    });
    return true;
  }
  if (!current || !spfHasMicrosoftInclude(current.target)) return false;
  const ours = unquoteTxt(current.target) === mergeSpfInclude(t.target);
  const target = ours ? unquoteTxt(t.target) : removeSpfInclude(current.target);
  await dnsZone.updateRecord(ctx.ovh, zone, t.id, { target, ttl: ours ? t.ttl : current.ttl });
  return true;
}

async function refreshQuietly(ctx: ResourceContext, zone: string, wrote: boolean): Promise<void> {
  if (!wrote) return;
  try {
    await dnsZone.refreshZone(ctx.ovh, zone);
  } catch (error) {
    ctx.log?.warn(inContext(`Refreshing zone ${zone}`, error).message);
  }
}

/** One refresh per create/update/delete that wrote something (OVH: "Don't forget to refresh the zone"). */
async function refresh(ctx: ResourceContext, inputs: DomainAutoConfigInputs): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Legacy configureDomain

function isRouteGone(error: unknown): boolean {
  return error instanceof OvhApiError && error.isUnsupportedCall;
}

async function callConfigureDomain(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  services: readonly M365Service[],
): Promise<void> {
  let task: csp2.OfficeTask;
  try {
    task = await csp2.configureDomain(ctx.ovh, inputs.tenant, {
      domain: inputs.domain,
      supportedServices: services.map((s) => LEGACY_SERVICE_NAMES[s]),
    });
  } catch (error) {
    if (isRouteGone(error))
      throw inContext(
        `Configuring ${where(inputs)} with OVH's legacy configureDomain`,
        error,
        'This OVH API no longer offers configureDomain (removed from the /saas/csp2 schema in 2023): set method: "records" to write the Microsoft 365 records through the DNS zone API.',
      );
    throw inContext(`Configuring ${where(inputs)} with OVH's legacy configureDomain`, error);
  }
  try {
    await waitForTask(ctx, inputs.tenant, task);
  } catch (error) {
    throw inContext(`Waiting for configureDomain on ${where(inputs)}`, error);
  }
}

/**
 * The records of the set that exist after configureDomain: OVH chooses the values, so a role is matched by
 * type and name (MX: any on the name; SPF: a policy with Microsoft's include; verification: exact value).
 */
function recordsOfSet(
  desired: readonly DesiredRecord[],
  live: readonly LiveRecord[],
  before: ReadonlySet<number>,
  previous: readonly ManagedRecord[] = [],
): ManagedRecord[] {
  const out: ManagedRecord[] = [];
  const used = new Set<number>();
  for (const d of desired) {
    const match = live.find(
      (r) =>
        !used.has(r.id) &&
        r.subDomain === d.subDomain &&
        (d.role === "spf" || d.role === "verification" ? fulfils(d, r) : r.fieldType === d.fieldType),
    );
    if (!match) continue;
    used.add(match.id);
    const known = previous.find((p) => p.id === match.id);
    const origin = known?.origin ?? (before.has(match.id) ? "adopted" : "created");
    out.push({ ...match, role: d.role, origin });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Diff helpers

const REPLACE_KEYS = ["tenant", "domain", "zone", "method"] as const;
const UPDATE_KEYS = ["services", "exchangeMxTarget", "verificationTxt", "ttl", "takeOverConflicts"] as const;

function comparable(key: string, value: unknown): unknown {
  if (key === "services" && Array.isArray(value)) return [...value].map(String).sort().join(",");
  if (key === "exchangeMxTarget" && typeof value === "string") return absoluteHost(value);
  return value;
}

/** Roles whose recorded live record no longer matches the inputs (missing, changed value, changed TTL). */
export function driftedRoles(news: DomainAutoConfigInputs, records: readonly ManagedRecord[]): RecordRole[] {
  const desired = desiredFor(news);
  return desired
    .filter((d) => {
      const r = records.find((m) => m.role === d.role);
      if (!r) return true;
      if (news.method === "configureDomain") return false; // OVH chose the values
      if (!fulfils(d, r)) return true;
      return r.origin !== "adopted" && r.ttl !== d.ttl;
    })
    .map((d) => d.role);
}

// ---------------------------------------------------------------------------------------------
// Import: infer inputs from live records

async function findZone(ctx: ResourceContext, domain: string): Promise<string | undefined> {
  const labels = domain.split(".");
  for (let i = 0; i < labels.length - 1; i += 1) {
    const candidate = labels.slice(i).join(".");
    if ((await gone(dnsZone.getZone(ctx.ovh, candidate))) !== undefined) return candidate;
  }
  return undefined;
}

function inferInputs(
  tenant: string,
  domain: string,
  zone: string,
  live: readonly LiveRecord[],
): DomainAutoConfigInputs | undefined {
  const prefix = relativeName(domain, zone) ?? "";
  const apex = prefix;
  const mx = live.find(
    (r) => r.fieldType === "MX" && r.subDomain === apex && isMicrosoftMxHost(r.target.split(/\s+/)[1] ?? ""),
  );
  const verification = live.find(
    (r) => r.fieldType === "TXT" && r.subDomain === apex && /^MS=ms\d+$/.test(unquoteTxt(r.target)),
  );
  const probe = microsoft365Records({
    domain,
    zone,
    services: M365_SERVICES,
    exchangeMxTarget: mx
      ? (mx.target.split(/\s+/)[1] ?? "").replace(/\.$/, "")
      : defaultExchangeMxTarget(domain),
    ttl: DEFAULT_TTL,
  });
  const found = probe.filter((d) => live.some((r) => fulfils(d, r)));
  const services = M365_SERVICES.filter((s) => found.some((d) => d.service === s));
  if (services.length === 0 && !verification) return undefined;
  const ttls = found.map((d) => live.find((r) => fulfils(d, r))?.ttl ?? DEFAULT_TTL);
  const ttl = mostCommon(ttls) ?? DEFAULT_TTL;
  return {
    tenant,
    domain,
    zone,
    services: services.length > 0 ? services : [...DEFAULT_SERVICES],
    exchangeMxTarget: mx
      ? (mx.target.split(/\s+/)[1] ?? "").replace(/\.$/, "")
      : defaultExchangeMxTarget(domain),
    ...(verification ? { verificationTxt: unquoteTxt(verification.target) } : {}),
    ttl,
    method: "records",
    takeOverConflicts: false,
  };
}

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

// ---------------------------------------------------------------------------------------------
// The handler

function requireKnown(inputs: DomainAutoConfigInputs, action: string): void {
  if (isUnknown(inputs)) throw new Error(`${action}: some inputs are still unknown; this is a provider bug.`);
}

async function parseInputs(raw: Record<string, unknown>, action: string): Promise<DomainAutoConfigInputs> {
  const result = await domainAutoConfigHandler.check(raw, undefined);
  if (!result.inputs) throw failuresError(action, result.failures);
  requireKnown(result.inputs, action);
  return result.inputs;
}

function pureFailures(inputs: DomainAutoConfigInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (
    !isUnknown(inputs.domain) &&
    !isUnknown(inputs.zone) &&
    relativeName(inputs.domain, inputs.zone) === undefined
  )
    failures.push({ property: "zone", reason: `must be ${inputs.domain} or one of its parent domains` });
  if (inputs.method === "configureDomain" && inputs.takeOverConflicts === true)
    failures.push({
      property: "takeOverConflicts",
      reason:
        'is only supported with method "records": OVH\'s configureDomain writes its own records and refuses a zone with interfering ones',
    });
  if (inputs.method === "configureDomain" && !isUnknown(inputs.zone) && inputs.zone !== inputs.domain)
    failures.push({
      property: "zone",
      reason: 'method "configureDomain" only configures a domain that is its own zone',
    });
  return failures;
}

/** Live records fulfilling the previous inputs' record set count as ours during preview (check has no outputs). */
function presumedOwned(
  olds: Record<string, unknown> | undefined,
  live: readonly LiveRecord[],
): ManagedRecord[] {
  if (!olds) return [];
  const parsed = validateInputs(DomainAutoConfigInputsSchema, olds);
  if (!parsed.inputs) return [];
  const previous = applyDefaults(parsed.inputs);
  if (isUnknown(previous) || relativeName(previous.domain, previous.zone) === undefined) return [];
  const out: ManagedRecord[] = [];
  for (const d of desiredFor(previous)) {
    const r = live.find((l) => fulfils(d, l) && !out.some((o) => o.id === l.id));
    if (r) out.push({ ...r, role: d.role, origin: "created" });
  }
  return out;
}

export const domainAutoConfigHandler: ResourceHandler<DomainAutoConfigInputs, DomainAutoConfigOutputs> = {
  async check(news, ctx, olds): Promise<CheckResult<DomainAutoConfigInputs>> {
    const validated = validateInputs(DomainAutoConfigInputsSchema, news);
    if (!validated.inputs) return { failures: validated.failures };
    const inputs = applyDefaults(validated.inputs);
    const failures = pureFailures(inputs);
    if (failures.length > 0 || !ctx || isUnknown(inputs))
      return failures.length > 0 ? { failures } : { inputs, failures };
    if (unchangedSincePreviousRun(DomainAutoConfigInputsSchema, validated.inputs, olds, applyDefaults))
      return { inputs, failures };

    // Preview checks: read-only GETs. create/update check again with full knowledge of what is ours.
    failures.push(...(await preconditionFailures(ctx, inputs)));
    if (failures.length > 0) return { failures };
    const desired = desiredFor(inputs);
    let live: LiveRecord[];
    try {
      live = await scanRecords(ctx, inputs.zone, queriesFor(desired, []));
    } catch (error) {
      throw inContext(`Reading the records of zone ${inputs.zone} for ${where(inputs)}`, error);
    }
    const plan = planRecordChanges({
      desired,
      live,
      managed: presumedOwned(olds, live),
      takenOver: [],
      takeOverConflicts: inputs.takeOverConflicts,
    });
    if (plan.conflicts.length > 0 && !inputs.takeOverConflicts)
      return {
        failures: [{ property: "takeOverConflicts", reason: conflictsMessage(inputs, plan.conflicts) }],
      };
    for (const c of plan.conflicts)
      ctx.log?.info(
        `Will take over ${describeRecord(c.record, inputs.zone)} on ${inputs.domain} (${c.reason}).`,
      );
    return { inputs, failures: [] };
  },

  diff(_id, olds, news): DiffResult {
    const replaces: string[] = [];
    const changedKeys: string[] = [];
    const oldInputs = { ...olds, zone: olds.zone ?? olds.domain } as Record<string, unknown>;
    const newInputs = news as unknown as Record<string, unknown>;
    for (const key of [...REPLACE_KEYS, ...UPDATE_KEYS]) {
      const next = newInputs[key];
      const changed =
        isUnknown(next) ||
        JSON.stringify(comparable(key, next) ?? null) !==
          JSON.stringify(comparable(key, oldInputs[key]) ?? null);
      if (!changed) continue;
      changedKeys.push(key);
      // Unknown in preview (e.g. the service name of a tenant being updated): possibly unchanged, so not a
      // replacement the preview cannot justify; `pulumi up` diffs again with the real value.
      if ((REPLACE_KEYS as readonly string[]).includes(key) && !isUnknown(next)) replaces.push(key);
    }
    if (changedKeys.length === 0 && !isUnknown(news) && relativeName(news.domain, news.zone) !== undefined) {
      if (driftedRoles(news, olds.records ?? []).length > 0) changedKeys.push("records");
    }
    return {
      changes: changedKeys.length > 0,
      replaces,
      changedKeys,
      deleteBeforeReplace: replaces.length > 0,
    };
  },

  async create(raw, ctx) {
    const inputs = await parseInputs(raw as unknown as Record<string, unknown>, "Creating DomainAutoConfig");
    const id = resourceId(inputs.tenant, inputs.domain);
    return withLocks([lockKeys.dnsZone(inputs.zone)], async () => {
      const failures = await preconditionFailures(ctx, inputs);
      if (failures.length > 0)
        throw failuresError(`Cannot configure Microsoft 365 on ${where(inputs)}`, failures);
      const desired = desiredFor(inputs);
      const live = await scanRecords(ctx, inputs.zone, queriesFor(desired, [])).catch((error: unknown) => {
        throw inContext(`Reading the records of zone ${inputs.zone} for ${where(inputs)}`, error);
      });
      const plan = planRecordChanges({
        desired,
        live,
        managed: [],
        takenOver: [],
        takeOverConflicts: inputs.takeOverConflicts,
      });
      if (plan.conflicts.length > 0 && !inputs.takeOverConflicts)
        throw new Error(
          `Cannot configure Microsoft 365 on ${where(inputs)}: ${conflictsMessage(inputs, plan.conflicts)}`,
        );

      if (inputs.method === "configureDomain")
        return { id, outs: await createWithConfigureDomain(ctx, inputs, desired, live) };

      let applied: Applied;
      try {
        applied = await applyPlan(ctx, inputs, plan, live, new Set(desired.map((d) => d.role)), new Map());
      } catch (error) {
        if (error instanceof ApplyError)
          throw new PartialCreateError(error.message, id, outputs(inputs, error.applied));
        throw error;
      }
      if (applied.wrote) {
        try {
          await refresh(ctx, inputs);
        } catch (error) {
          throw new PartialCreateError((error as Error).message, id, outputs(inputs, applied));
        }
      }
      ctx.log?.info(`Microsoft 365 records of ${inputs.domain}: ${summary(plan)}.`);
      return { id, outs: outputs(inputs, applied) };
    });
  },

  async read(id, olds, ctx) {
    if (!olds || olds.records === undefined || olds.domain === undefined) return importById(id, ctx);
    const prev = olds as DomainAutoConfigOutputs;
    const zone = prev.zone ?? prev.domain;
    const records: ManagedRecord[] = [];
    // One GET per managed record: cheaper than re-listing the names, and exact (ids are what we own).
    const current = await Promise.all(
      prev.records.map(async (m) => ({ m, live: await getRecordOrGone(ctx, zone, m.id) })),
    ).catch((error: unknown) => {
      throw inContext(
        `Reading the Microsoft 365 records of domain ${prev.domain} (tenant ${prev.tenant})`,
        error,
      );
    });
    for (const { m, live } of current) {
      if (!live) {
        ctx.log?.warn(
          `${describeRecord(m, zone)} (id ${m.id}) was deleted outside Pulumi; \`pulumi up\` recreates it.`,
        );
        continue;
      }
      if (live.fieldType !== m.fieldType || live.subDomain !== normaliseSubDomain(m.subDomain)) {
        ctx.log?.warn(
          `Record ${m.id} of zone ${zone} now holds another name or type; it is no longer managed.`,
        );
        continue;
      }
      records.push({ ...m, target: live.target, ttl: live.ttl });
    }
    const props: DomainAutoConfigOutputs = { ...prev, zone, records, takenOver: prev.takenOver ?? [] };
    return { id, props, inputs: inputsOf(prev) as unknown as DomainAutoConfigInputs };
  },

  async update(id, olds, raw, ctx) {
    const inputs = await parseInputs(raw as unknown as Record<string, unknown>, `Updating ${id}`);
    return withLocks([lockKeys.dnsZone(inputs.zone)], async () => {
      const managed = olds.records ?? [];
      const takenOver = olds.takenOver ?? [];
      const desired = desiredFor(inputs);
      const live = await scanRecords(ctx, inputs.zone, queriesFor([...desired, ...managed], takenOver)).catch(
        (error: unknown) => {
          throw inContext(`Reading the records of zone ${inputs.zone} for ${where(inputs)}`, error);
        },
      );
      if (inputs.method === "configureDomain")
        return updateWithConfigureDomain(ctx, inputs, olds, desired, live);
      const plan = planRecordChanges({
        desired,
        live,
        managed,
        takenOver,
        takeOverConflicts: inputs.takeOverConflicts,
      });
      if (plan.conflicts.length > 0 && !inputs.takeOverConflicts)
        throw new Error(
          `Cannot update Microsoft 365 on ${where(inputs)}: ${conflictsMessage(inputs, plan.conflicts)}`,
        );
      let applied: Applied;
      try {
        applied = await applyPlan(
          ctx,
          inputs,
          plan,
          live,
          new Set(desired.map((d) => d.role)),
          byId(managed),
        );
      } catch (error) {
        if (error instanceof ApplyError)
          throw new Error(
            `${error.message}\nDone before the failure: ${error.applied.records.length} records managed, ${error.applied.takenOver.length} taken over; records written but not saved in the state are adopted by the next update.`,
            { cause: error },
          );
        throw error;
      }
      if (applied.wrote) await refresh(ctx, inputs);
      ctx.log?.info(`Microsoft 365 records of ${inputs.domain}: ${summary(plan)}.`);
      return outputs(inputs, applied);
    });
  },

  async delete(id, olds, ctx) {
    const inputs = { ...olds, zone: olds.zone ?? olds.domain } as DomainAutoConfigOutputs;
    const managed = olds.records ?? [];
    const takenOver = olds.takenOver ?? [];
    if (managed.length === 0 && takenOver.length === 0) return;
    await withLocks([lockKeys.dnsZone(inputs.zone)], async () => {
      const live = await readOwnRecords(ctx, inputs.zone, managed, takenOver).catch((error: unknown) => {
        throw inContext(`Reading the records of zone ${inputs.zone} to delete ${id}`, error);
      });
      // With nothing desired, the plan deletes what we created, releases adopted records and restores the rest.
      const plan = planRecordChanges({ desired: [], live, managed, takenOver, takeOverConflicts: false });
      let applied: Applied;
      try {
        applied = await applyPlan(ctx, inputs, plan, live, new Set(), byId(managed));
      } catch (error) {
        if (error instanceof ApplyError) throw new Error(error.message, { cause: error });
        throw error;
      }
      if (applied.wrote) await refresh(ctx, inputs);
    });
  },
};

function byId(records: readonly ManagedRecord[]): Map<number, ManagedRecord> {
  return new Map(records.map((r) => [r.id, r]));
}

function outputs(inputs: DomainAutoConfigInputs, applied: Applied): DomainAutoConfigOutputs {
  const order = new Map<string, number>(RECORD_ROLES.map((role, i) => [role, i]));
  const records = [...applied.records].sort((a, b) => (order.get(a.role) ?? 0) - (order.get(b.role) ?? 0));
  return { ...inputs, records, takenOver: applied.takenOver };
}

function summary(plan: Plan): string {
  const count = (kind: Step["kind"]) => plan.steps.filter((s) => s.kind === kind).length;
  return (
    `${count("create")} created, ${count("update") + count("mergeSpf")} updated, ${count("delete")} deleted, ` +
    `${count("adopt")} adopted, ${count("takeOverRemove")} taken over, ${count("restore")} restored, ${plan.unchanged.length} unchanged`
  );
}

async function createWithConfigureDomain(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  desired: readonly DesiredRecord[],
  live: readonly LiveRecord[],
): Promise<DomainAutoConfigOutputs> {
  await callConfigureDomain(ctx, inputs, inputs.services);
  const before = new Set(live.map((r) => r.id));
  let after = await scanRecords(ctx, inputs.zone, queriesFor(desired, []));
  const verification = desired.find((d) => d.role === "verification");
  if (verification && !after.some((r) => fulfils(verification, r))) {
    // configureDomain does not write the verification TXT: it goes through the zone API.
    const record = await createRecord(ctx, inputs.zone, verification, new Set(after.map((r) => r.id)));
    after = [...after, record];
  }
  await refresh(ctx, inputs);
  return { ...inputs, records: recordsOfSet(desired, after, before), takenOver: [] };
}

/**
 * configureDomain updates: records of dropped services are deleted (those this resource created); services
 * added, or whose records went missing, are configured again by one configureDomain call for those services.
 */
async function updateWithConfigureDomain(
  ctx: ResourceContext,
  inputs: DomainAutoConfigInputs,
  olds: DomainAutoConfigOutputs,
  desired: readonly DesiredRecord[],
  live: readonly LiveRecord[],
): Promise<DomainAutoConfigOutputs> {
  const managed = olds.records ?? [];
  const wanted = new Set(desired.map((d) => d.role));
  let wrote = false;
  for (const m of managed.filter((r) => !wanted.has(r.role) && r.origin === "created")) {
    const now = live.find((r) => r.id === m.id);
    if (!now || !sameTarget(m.fieldType, now.target, m.target)) continue;
    await deleteRecord(ctx, inputs.zone, m.id).catch((error: unknown) => {
      throw inContext(`Deleting ${describeRecord(m, inputs.zone)} for ${where(inputs)}`, error);
    });
    wrote = true;
  }
  const present = recordsOfSet(desired, live, new Set(live.map((r) => r.id)), managed);
  const missing = inputs.services.filter((s) =>
    desired.some((d) => d.service === s && !present.some((p) => p.role === d.role)),
  );
  let after = live;
  if (missing.length > 0) {
    await callConfigureDomain(ctx, inputs, missing);
    after = await scanRecords(ctx, inputs.zone, queriesFor(desired, []));
  }
  const verification = desired.find((d) => d.role === "verification");
  if (verification && !after.some((r) => fulfils(verification, r))) {
    const record = await createRecord(ctx, inputs.zone, verification, new Set(after.map((r) => r.id)));
    after = [...after, record];
    wrote = true;
  }
  if (wrote || missing.length > 0) await refresh(ctx, inputs);
  const before = new Set(live.map((r) => r.id));
  return {
    ...inputs,
    records: recordsOfSet(desired, after, before, managed),
    takenOver: olds.takenOver ?? [],
  };
}

/**
 * Import by id `<tenant>/<domain>` (no previous outputs): finds the zone (the domain or a parent), reads the
 * Microsoft 365 names and infers the inputs that reproduce the live records. Nothing is written; the records
 * found are adopted (left in place on destroy).
 */
async function importById(id: string, ctx: ResourceContext) {
  const slash = id.indexOf("/");
  const tenant = slash > 0 ? id.slice(0, slash) : "";
  const domain =
    slash > 0
      ? id
          .slice(slash + 1)
          .toLowerCase()
          .replace(/\.$/, "")
      : "";
  if (tenant === "" || !HOST_NAME.test(domain))
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": the id must be "<tenant>/<domain>", e.g. "csp2-12345/contoso.com".`,
    );
  const zone = await findZone(ctx, domain).catch((error: unknown) => {
    throw inContext(`Looking up the OVH DNS zone of ${domain} to import ${id}`, error);
  });
  if (zone === undefined)
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": OVH hosts no DNS zone for ${domain} or its parents in this account.`,
    );
  const probe = microsoft365Records({
    domain,
    zone,
    services: M365_SERVICES,
    exchangeMxTarget: defaultExchangeMxTarget(domain),
    verificationTxt: "MS=ms0",
    ttl: DEFAULT_TTL,
  });
  const live = await scanRecords(ctx, zone, queriesFor(probe, [])).catch((error: unknown) => {
    throw inContext(`Reading the records of zone ${zone} to import ${id}`, error);
  });
  const inputs = inferInputs(tenant, domain, zone, live);
  if (!inputs)
    throw new Error(
      `Cannot import DomainAutoConfig "${id}": zone ${zone} holds no Microsoft 365 record for ${domain}.`,
    );
  const records: ManagedRecord[] = [];
  for (const d of desiredFor(inputs)) {
    const r = live.find((l) => fulfils(d, l) && !records.some((m) => m.id === l.id));
    if (r) records.push({ ...r, role: d.role, origin: "adopted" });
  }
  const props: DomainAutoConfigOutputs = { ...inputs, records, takenOver: [] };
  return { id, props, inputs };
}
