/**
 * Pure planner for DomainAutoConfig: compares the records Microsoft 365 needs with what the zone holds and
 * what this resource manages, and lists the record operations to perform (no I/O here).
 *
 * Ownership rules:
 * - `created` records were written by this resource: it updates and deletes them.
 * - `adopted` records already existed with the wanted value: they are used as they are (TTL aligned) and are
 *   released, never deleted, when no longer wanted or when the resource is destroyed.
 * - `merged`: the domain's existing SPF policy into which Microsoft's include was merged (takeover only); its
 *   previous value is kept in `takenOver` and restored when Exchange is dropped or the resource destroyed.
 * - `takenOver` records were in the way (with `takeOverConflicts`): removed (or, for SPF, modified), with
 *   their previous values kept so they can be put back when the role that needed the room goes away.
 *
 * Conflict rules (a conflict is a live record not managed by this resource):
 * - MX role: any other MX on the domain's name;
 * - SPF role: any SPF policy (TXT or OVH's SPF type starting `v=spf1`) on the domain's name that does not
 *   already include Microsoft, and any extra SPF policy besides the one used (one SPF record per name);
 * - CNAME roles: any record of any type on the name (a CNAME cannot share its name);
 * - SRV roles: any other SRV on the name;
 * - verification TXT: none (other TXT records may coexist).
 */
import {
  fulfils,
  isSpf,
  mergeSpfInclude,
  normaliseSubDomain,
  normaliseTarget,
  removeSpfInclude,
  type DesiredRecord,
  type RecordRole,
} from "./records";

/** A record as it is in the zone (target as OVH returns it, TTL 0 when OVH gives none). */
export interface LiveRecord {
  readonly id: number;
  readonly fieldType: string;
  readonly subDomain: string;
  readonly target: string;
  readonly ttl: number;
}

export type RecordOrigin = "created" | "adopted" | "merged";

export interface ManagedRecord extends LiveRecord {
  readonly role: RecordRole;
  readonly origin: RecordOrigin;
}

/** A record that was in the way, with its values from before the takeover. */
export interface TakenOverRecord extends LiveRecord {
  /** The role it made room for. */
  readonly forRole: RecordRole;
  /** `removed`: deleted (recreated on restore); `modified`: the SPF policy Microsoft's include was merged into. */
  readonly action: "removed" | "modified";
}

export interface Conflict {
  readonly record: LiveRecord;
  readonly forRole: RecordRole;
  readonly reason: string;
}

export type Step =
  /** Write a new record. */
  | { readonly kind: "create"; readonly desired: DesiredRecord }
  /** Change a record this resource manages (target, TTL). */
  | {
      readonly kind: "update";
      readonly record: ManagedRecord;
      readonly target: string;
      readonly ttl: number;
      readonly role: RecordRole;
      readonly origin: RecordOrigin;
    }
  /** Use an existing identical record, changing its TTL when `ttl` differs. */
  | { readonly kind: "adopt"; readonly record: LiveRecord; readonly desired: DesiredRecord }
  /** Delete a record this resource created that is no longer wanted. */
  | { readonly kind: "delete"; readonly record: ManagedRecord }
  /** Stop managing an adopted record, leaving it in the zone. */
  | { readonly kind: "release"; readonly record: ManagedRecord }
  /** Remove a conflicting record (takeover). */
  | { readonly kind: "takeOverRemove"; readonly record: LiveRecord; readonly forRole: RecordRole }
  /** Merge Microsoft's include into the existing SPF policy (takeover). */
  | {
      readonly kind: "mergeSpf";
      readonly record: LiveRecord;
      readonly desired: DesiredRecord;
      readonly target: string;
    }
  /** Put back a taken-over record whose role is no longer wanted. */
  | { readonly kind: "restore"; readonly takenOver: TakenOverRecord; readonly current?: LiveRecord };

export interface PlanInput {
  readonly desired: readonly DesiredRecord[];
  /** Every live record on the names the desired and managed records use. */
  readonly live: readonly LiveRecord[];
  /** From the previous outputs (empty on create). */
  readonly managed: readonly ManagedRecord[];
  readonly takenOver: readonly TakenOverRecord[];
  readonly takeOverConflicts: boolean;
}

export interface Plan {
  /** In execution order: removals first (to make room), then updates, then creations, then restorations. */
  readonly steps: Step[];
  /** Refused unless `takeOverConflicts`; when taking over, the same records appear as steps. */
  readonly conflicts: Conflict[];
  /** Managed records that need no call. */
  readonly unchanged: ManagedRecord[];
  /** Taken-over records that stay taken over. */
  readonly keptTakenOver: TakenOverRecord[];
}

const STEP_ORDER: Record<Step["kind"], number> = {
  delete: 0,
  release: 0,
  takeOverRemove: 1,
  update: 2,
  mergeSpf: 2,
  adopt: 2,
  create: 3,
  restore: 4,
};

/** Compute the operations that bring the zone to `desired`. */
export function planRecordChanges(input: PlanInput): Plan {
  const liveById = new Map(input.live.map((r) => [r.id, r]));
  // Managed records as they are now; one whose id vanished or now holds another name/type is no longer ours.
  const current: ManagedRecord[] = [];
  for (const m of input.managed) {
    const live = liveById.get(m.id);
    if (live && live.fieldType === m.fieldType && sameName(live.subDomain, m.subDomain))
      current.push({ ...m, target: live.target, ttl: live.ttl });
  }
  // An adopted record that no longer fits its role is released: from then on it is someone else's record, and
  // may be in the way of the new value (e.g. the old MX host after exchangeMxTarget changed).
  const released = (m: ManagedRecord) => {
    if (m.origin !== "adopted") return false;
    const wanted = input.desired.find((d) => d.role === m.role);
    return wanted === undefined || !fulfils(wanted, m);
  };
  const ownedIds = new Set(current.filter((m) => !released(m)).map((m) => m.id));
  const claimed = new Set<number>(); // live ids used for a desired record
  const steps: Step[] = [];
  const conflicts: Conflict[] = [];
  const unchanged: ManagedRecord[] = [];
  const desiredRoles = new Set(input.desired.map((d) => d.role));
  const takenOverIds = new Set<number>();

  for (const desired of input.desired) {
    const mine = current.find((m) => m.role === desired.role);
    if (mine && fulfils(desired, mine)) {
      claimed.add(mine.id);
      // Adopted records keep their TTL: they are not ours to change.
      if (mine.ttl !== desired.ttl && mine.origin !== "adopted")
        steps.push({
          kind: "update",
          record: mine,
          target: mine.target,
          ttl: desired.ttl,
          role: desired.role,
          origin: mine.origin,
        });
      else unchanged.push(mine);
    } else {
      const existing = input.live.find(
        (r) => !claimed.has(r.id) && !ownedIds.has(r.id) && fulfils(desired, r),
      );
      if (existing) {
        claimed.add(existing.id);
        steps.push({ kind: "adopt", record: existing, desired });
        if (mine) steps.push(...letGo(mine, input.takenOver));
      } else if (
        mine &&
        (mine.origin === "created" ? mine.fieldType === desired.fieldType : mine.origin === "merged")
      ) {
        // Our record with an outdated value (e.g. a new MX host): change it in place, keeping its id.
        claimed.add(mine.id);
        const target = mine.origin === "merged" ? mergeSpfInclude(mine.target) : desired.target;
        steps.push({
          kind: "update",
          record: mine,
          target,
          ttl: desired.ttl,
          role: desired.role,
          origin: mine.origin,
        });
      } else {
        if (mine) steps.push(...letGo(mine, input.takenOver));
        const merge = planConflicts(desired, input, claimed, ownedIds, conflicts, steps, takenOverIds);
        if (!merge) steps.push({ kind: "create", desired });
      }
    }
  }

  // Conflicts that remain around records already fulfilled (a second MX or SPF, another record on a CNAME name).
  for (const desired of input.desired) {
    planConflicts(desired, input, claimed, ownedIds, conflicts, steps, takenOverIds, true);
  }

  for (const m of current) {
    if (!desiredRoles.has(m.role)) steps.push(...letGo(m, input.takenOver));
  }

  const keptTakenOver: TakenOverRecord[] = [];
  for (const t of input.takenOver) {
    if (desiredRoles.has(t.forRole)) keptTakenOver.push(t);
    else if (t.action === "removed") steps.push({ kind: "restore", takenOver: t });
    else {
      const live = liveById.get(t.id);
      steps.push(live ? { kind: "restore", takenOver: t, current: live } : { kind: "restore", takenOver: t });
    }
  }

  steps.sort((a, b) => STEP_ORDER[a.kind] - STEP_ORDER[b.kind]);
  return { steps, conflicts, unchanged, keptTakenOver };
}

/**
 * What to do with a managed record that is no longer wanted: delete what we created, release what we adopted,
 * and leave a merged SPF policy to its `restore` step (or strip our include when its old value is unknown).
 */
function letGo(record: ManagedRecord, takenOver: readonly TakenOverRecord[]): Step[] {
  if (record.origin === "adopted") return [{ kind: "release", record }];
  if (record.origin === "created") return [{ kind: "delete", record }];
  if (takenOver.some((t) => t.id === record.id && t.action === "modified")) return [];
  return [
    {
      kind: "update",
      record,
      target: removeSpfInclude(record.target),
      ttl: record.ttl,
      role: record.role,
      origin: "adopted",
    },
  ];
}

/**
 * Finds the live records in the way of `desired`. Adds them to `conflicts`, and with takeover to `steps`.
 * Returns true when the desired SPF is obtained by merging into an existing policy (then nothing is created).
 */
function planConflicts(
  desired: DesiredRecord,
  input: PlanInput,
  claimed: Set<number>,
  ownedIds: Set<number>,
  conflicts: Conflict[],
  steps: Step[],
  handled: Set<number>,
  fulfilledOnly = false,
): boolean {
  const foreign = input.live.filter(
    (r) =>
      !claimed.has(r.id) &&
      !ownedIds.has(r.id) &&
      !handled.has(r.id) &&
      sameName(r.subDomain, desired.subDomain),
  );
  let inTheWay: LiveRecord[];
  let reason: (r: LiveRecord) => string;
  switch (desired.role) {
    case "mx":
      inTheWay = foreign.filter((r) => r.fieldType === "MX");
      reason = () => "another mail server for the domain (Exchange Online must be the only MX)";
      break;
    case "spf":
      inTheWay = foreign.filter((r) => isSpf(r.fieldType, r.target));
      reason = () => "an SPF policy without Microsoft's include (a domain may have only one SPF record)";
      break;
    case "autodiscover":
    case "sip":
    case "lyncdiscover":
    case "enterpriseRegistration":
    case "enterpriseEnrollment":
      inTheWay = foreign;
      reason = () => "a record on a name that needs a CNAME (a CNAME cannot share its name)";
      break;
    case "sipTls":
    case "sipFederation":
      inTheWay = foreign.filter((r) => r.fieldType === "SRV");
      reason = () => "another SRV record on a name Teams needs";
      break;
    default:
      return false;
  }
  if (inTheWay.length === 0) return false;
  for (const r of inTheWay) {
    handled.add(r.id);
    conflicts.push({ record: r, forRole: desired.role, reason: reason(r) });
  }
  if (!input.takeOverConflicts) return false;
  let merged = false;
  for (const r of [...inTheWay].sort((a, b) => a.id - b.id)) {
    if (desired.role === "spf" && !merged && !fulfilledOnly) {
      merged = true;
      claimed.add(r.id);
      steps.push({ kind: "mergeSpf", record: r, desired, target: mergeSpfInclude(r.target) });
    } else {
      steps.push({ kind: "takeOverRemove", record: r, forRole: desired.role });
    }
  }
  return merged;
}

function sameName(a: string, b: string): boolean {
  return normaliseSubDomain(a) === normaliseSubDomain(b);
}

/** `MX @ → 10 mx1.mail.ovh.net.` style text for error messages and logs. */
export function describeRecord(
  r: { fieldType: string; subDomain: string; target: string },
  zone: string,
): string {
  const name = r.subDomain === "" ? zone : `${r.subDomain}.${zone}`;
  return `${r.fieldType} ${name} → ${normaliseTarget(r.fieldType, r.target)}`;
}
