/**
 * Carries out a plan (`plan.ts`) on the zone, step by step, and says what the resource now manages. A failed
 * step stops the run with an ApplyError that carries the records already written, so create can still record
 * them (partial create) and update can say what was done; the zone is refreshed first so that part is served.
 */
import * as dnsZone from "../../api/dnsZone";
import { inContext } from "../errors";
import type { ResourceContext } from "../types";
import { where, type DomainAutoConfigInputs, type DomainAutoConfigOutputs } from "./inputs";
import {
  describeRecord,
  type LiveRecord,
  type ManagedRecord,
  type Plan,
  type Step,
  type TakenOverRecord,
} from "./plan";
import {
  mergeSpfInclude,
  normaliseTarget,
  RECORD_ROLES,
  removeSpfInclude,
  sameTarget,
  spfHasMicrosoftInclude,
  unquoteTxt,
  type RecordRole,
} from "./records";
import { bare, createRecord, deleteRecord, refreshQuietly } from "./writes";

export interface Applied {
  records: ManagedRecord[];
  takenOver: TakenOverRecord[];
  wrote: boolean;
}

export class ApplyError extends Error {
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
export async function applyPlan(
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

/** Previous outputs' records by id (what `applyPlan` compares a record with before deleting it). */
export function byId(records: readonly ManagedRecord[]): Map<number, ManagedRecord> {
  return new Map(records.map((r) => [r.id, r]));
}

/** The outputs after a plan ran: the inputs plus the records managed (in role order) and taken over. */
export function outputs(inputs: DomainAutoConfigInputs, applied: Applied): DomainAutoConfigOutputs {
  const order = new Map<string, number>(RECORD_ROLES.map((role, i) => [role, i]));
  const records = [...applied.records].sort((a, b) => (order.get(a.role) ?? 0) - (order.get(b.role) ?? 0));
  return { ...inputs, records, takenOver: applied.takenOver };
}
