/**
 * `update`: under the zone's lock, reads the records on every name the new inputs need or the resource already
 * manages (or took over), plans the difference with the ownership rules of `plan.ts`, applies it and refreshes
 * the zone once. Records written before a failure are not lost: the next update adopts them.
 */
import { inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { ResourceContext } from "../types";
import { applyPlan, ApplyError, byId, outputs, type Applied } from "./apply";
import { parseInputs } from "./check";
import { updateWithConfigureDomain } from "./configureDomain";
import { desiredFor, where, type DomainAutoConfigInputs, type DomainAutoConfigOutputs } from "./inputs";
import { conflictsMessage, summary } from "./messages";
import { planRecordChanges } from "./plan";
import { refresh } from "./writes";
import { queriesFor, scanRecords } from "./zone";

export async function update(
  id: string,
  olds: DomainAutoConfigOutputs,
  raw: DomainAutoConfigInputs,
  ctx: ResourceContext,
): Promise<DomainAutoConfigOutputs> {
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
      applied = await applyPlan(ctx, inputs, plan, live, new Set(desired.map((d) => d.role)), byId(managed));
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
}
