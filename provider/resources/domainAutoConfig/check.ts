/**
 * `check`: validates and normalises the inputs, then (with OVH access, during preview) runs the same read-only
 * checks create will make: preconditions and the records in the way of Microsoft 365, so a conflict is refused
 * at preview rather than half-way through `pulumi up`. Inputs unchanged since the last run cost no OVH call.
 * `parseInputs` is the pure part, used by create and update on the inputs the engine hands them.
 */
import { unchangedSincePreviousRun, validateInputs } from "../check";
import { inContext } from "../errors";
import type { CheckFailure, CheckResult, ResourceContext } from "../types";
import { isUnknown } from "../unknown";
import {
  applyDefaults,
  desiredFor,
  DomainAutoConfigInputsSchema,
  where,
  type DomainAutoConfigInputs,
} from "./inputs";
import { conflictsMessage, failuresError } from "./messages";
import { describeRecord, planRecordChanges, type LiveRecord, type ManagedRecord } from "./plan";
import { preconditionFailures } from "./preconditions";
import { fulfils, relativeName } from "./records";
import { queriesFor, scanRecords } from "./zone";

export async function check(
  news: Record<string, unknown>,
  ctx: ResourceContext | undefined,
  olds?: Record<string, unknown>,
): Promise<CheckResult<DomainAutoConfigInputs>> {
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
}

/** The inputs create/update receive, validated again without OVH access (they must all be known by then). */
export async function parseInputs(
  raw: Record<string, unknown>,
  action: string,
): Promise<DomainAutoConfigInputs> {
  const result = await check(raw, undefined);
  if (!result.inputs) throw failuresError(action, result.failures);
  if (isUnknown(result.inputs))
    throw new Error(`${action}: some inputs are still unknown; this is a provider bug.`);
  return result.inputs;
}

/** Rules between inputs, needing no OVH call. */
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
