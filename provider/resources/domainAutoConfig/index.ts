/**
 * DomainAutoConfig: the DNS records Microsoft 365 needs (Exchange Online, Teams/Skype for Business, Intune,
 * domain verification) in an OVH-hosted DNS zone, with conflict detection, drift detection and exact removal.
 * Resource id: `<tenant>/<domain>`.
 *
 * Where things are (this file only wires the lifecycle and re-exports what other code imports):
 * - `inputs.ts`: schema, defaults, outputs, id; `records.ts`: which records, in which format.
 * - `plan.ts`: what to change (adoption, conflicts, takeover, ownership rules; pure).
 * - `check.ts`, `diff.ts`, `create.ts`, `read.ts`, `update.ts`, `remove.ts`: one lifecycle step each.
 * - `preconditions.ts`: tenant exists, zone at OVH, domain delegated to OVH DNS.
 * - `zone.ts`: reading records (with `zoneExport.ts`, the whole zone in one call); `writes.ts`: create, delete,
 *   refresh; `apply.ts`: runs a plan with them.
 * - `configureDomain.ts`: the legacy one-call method; `importById.ts`: `pulumi import`; `messages.ts`: texts.
 *
 * Limits (documented for the README):
 * - `method: "configureDomain"` uses OVH's legacy one-call API (removed from OVH's schema in 2023); OVH picks
 *   the values, so `exchangeMxTarget` and `ttl` are not applied and `takeOverConflicts` is refused.
 * - A domain registered elsewhere than OVH cannot be checked for delegation (only an NS lookup would tell).
 * - Records adopted (identical ones that already existed) are left in place on destroy, and keep their TTL.
 * - Refresh and delete match our records to the zone export by name, type and value (the export has no ids):
 *   a record of ours moved to another name while an identical one was added on its old name goes unnoticed
 *   (and is the one deleted on destroy). Every other deletion or edit is seen (`zone.ts`).
 */
import type { ResourceHandler } from "../types";
import { check } from "./check";
import { create } from "./create";
import { diff } from "./diff";
import type { DomainAutoConfigInputs, DomainAutoConfigOutputs } from "./inputs";
import { read } from "./read";
import { remove } from "./remove";
import { update } from "./update";

export const domainAutoConfigHandler: ResourceHandler<DomainAutoConfigInputs, DomainAutoConfigOutputs> = {
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
};

export {
  DEFAULT_SERVICES,
  DEFAULT_TTL,
  DOMAIN_AUTO_CONFIG_METHODS,
  DomainAutoConfigInputsSchema,
  resourceId,
  type DomainAutoConfigInputs,
  type DomainAutoConfigMethod,
  type DomainAutoConfigOutputs,
  type ManagedRecord,
  type TakenOverRecord,
} from "./inputs";
export { driftedRoles } from "./diff";
