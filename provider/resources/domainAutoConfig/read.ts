/**
 * `read` (refresh): re-reads the records this resource manages and reports them as they are now, so a record
 * deleted or changed outside Pulumi shows up as drift in the next diff (which `pulumi up` repairs). The zone
 * export and the id listing (2 calls) suffice while nothing changed; see `readManagedRecords`.
 * Without previous outputs (`pulumi import`), the import path infers the inputs from the zone instead.
 */
import { inContext } from "../errors";
import type { ReadResult, ResourceContext } from "../types";
import { importById } from "./importById";
import { inputsOf, type DomainAutoConfigInputs, type DomainAutoConfigOutputs } from "./inputs";
import { describeRecord, type ManagedRecord } from "./plan";
import { normaliseSubDomain } from "./records";
import { readManagedRecords } from "./zone";

export async function read(
  id: string,
  olds: Partial<DomainAutoConfigOutputs> | undefined,
  ctx: ResourceContext,
): Promise<ReadResult<DomainAutoConfigInputs, DomainAutoConfigOutputs>> {
  if (!olds || olds.records === undefined || olds.domain === undefined) return importById(id, ctx);
  const prev = olds as DomainAutoConfigOutputs;
  const zone = prev.zone ?? prev.domain;
  const records: ManagedRecord[] = [];
  const current = await readManagedRecords(ctx, zone, prev.records).catch((error: unknown) => {
    throw inContext(
      `Reading the Microsoft 365 records of domain ${prev.domain} (tenant ${prev.tenant})`,
      error,
    );
  });
  for (const m of prev.records) {
    const live = current.get(m.id);
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
}
