/**
 * `delete`: removes exactly what this resource wrote and puts back what it took over. With nothing desired, the
 * plan deletes the records it created (unless changed outside Pulumi since), releases the adopted ones (left in
 * place) and restores taken-over records; then one zone refresh. Named `remove` because `delete` is reserved.
 */
import { inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { ResourceContext } from "../types";
import { applyPlan, ApplyError, byId, type Applied } from "./apply";
import type { DomainAutoConfigOutputs } from "./inputs";
import { planRecordChanges } from "./plan";
import { refresh } from "./writes";
import { readOwnRecords } from "./zone";

export async function remove(id: string, olds: DomainAutoConfigOutputs, ctx: ResourceContext): Promise<void> {
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
}
