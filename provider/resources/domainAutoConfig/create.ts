/**
 * `create`: under the zone's lock, checks the preconditions again, reads the records on the names Microsoft 365
 * needs, refuses conflicts (unless taking over), writes what is missing and refreshes the zone once. A failure
 * after some records were written ends in a PartialCreateError carrying them, so Pulumi records what exists and
 * the next `pulumi up` continues from there instead of writing it twice.
 */
import { inContext, PartialCreateError } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { CreateResult, ResourceContext } from "../types";
import { applyPlan, ApplyError, outputs, type Applied } from "./apply";
import { parseInputs } from "./check";
import { createWithConfigureDomain } from "./configureDomain";
import {
  desiredFor,
  resourceId,
  where,
  type DomainAutoConfigInputs,
  type DomainAutoConfigOutputs,
} from "./inputs";
import { conflictsMessage, failuresError, summary } from "./messages";
import { planRecordChanges } from "./plan";
import { preconditionFailures } from "./preconditions";
import { refresh } from "./writes";
import { queriesFor, scanRecords } from "./zone";

export async function create(
  raw: DomainAutoConfigInputs,
  ctx: ResourceContext,
): Promise<CreateResult<DomainAutoConfigOutputs>> {
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
}
