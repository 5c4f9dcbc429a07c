/**
 * `method: "configureDomain"`: OVH's legacy one-call API (removed from OVH's schema in 2023) writes the records
 * itself and picks their values, so this path only asks for services, follows OVH's task, and then records
 * which live records now fulfil each role. The verification TXT, which configureDomain never writes, goes
 * through the zone API. `exchangeMxTarget` and `ttl` are not applied; `takeOverConflicts` is refused by check.
 */
import * as csp2 from "../../api/csp2";
import { OvhApiError } from "../../ovh/errors";
import { inContext } from "../errors";
import { waitForTask } from "../tasks";
import type { ResourceContext } from "../types";
import { where, type DomainAutoConfigInputs, type DomainAutoConfigOutputs } from "./inputs";
import { describeRecord, type LiveRecord, type ManagedRecord } from "./plan";
import { fulfils, LEGACY_SERVICE_NAMES, sameTarget, type DesiredRecord, type M365Service } from "./records";
import { createRecord, deleteRecord, refresh } from "./writes";
import { queriesFor, scanRecords } from "./zone";

function isRouteGone(error: unknown): boolean {
  return error instanceof OvhApiError && error.isUnsupportedCall;
}

/** First configuration: one configureDomain call, then the records it wrote (and the verification TXT). */
export async function createWithConfigureDomain(
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
export async function updateWithConfigureDomain(
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
