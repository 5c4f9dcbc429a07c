/**
 * `update` of a tenant: one `PUT /saas/csp2/{serviceName}` with the changed display name / contact fields / MPN
 * ID, the administrator password through the legacy task call; `deletionPolicy` is state only.
 *
 * A resource still holding a pending order (its create did not settle) is not a tenant yet: its update follows
 * that same order (`resumePendingOrder`, `create.ts`), never orders again.
 */
import type { OfficeTenantUpdate } from "../../api/csp2";
import { lockKeys, withLocks } from "../keyedLock";
import type { ResourceContext } from "../types";
import { assertKnown } from "./check";
import { resumePendingOrder } from "./create";
import {
  CONTACT_TENANT_FIELDS,
  serviceNameOf,
  type TenantContactOutput,
  type TenantInputs,
  type TenantOutputs,
} from "./inputs";
import { putTenant, setAdministratorPassword, tenantChanges } from "./live";
import { completeOutputs, contactOutput } from "./outputs";

export async function updateTenant(
  id: string,
  olds: TenantOutputs,
  news: TenantInputs,
  ctx: ResourceContext,
): Promise<TenantOutputs> {
  assertKnown(news);
  const serviceName = serviceNameOf(id, olds);
  if (serviceName === undefined) return resumePendingOrder(id, olds, news, ctx);
  if (news.existingServiceName !== undefined && news.existingServiceName !== serviceName) {
    throw new Error(
      `Tenant ${serviceName}: existingServiceName now names ${news.existingServiceName}; that needs a replacement, which diff should have planned. Run \`pulumi up\` again.`,
    );
  }
  return withLocks([lockKeys.tenant(serviceName)], () => applyChanges(serviceName, olds, news, ctx));
}

/** Brings the tenant to the declared inputs (under the tenant's lock). */
async function applyChanges(
  serviceName: string,
  olds: TenantOutputs,
  news: TenantInputs,
  ctx: ResourceContext,
): Promise<TenantOutputs> {
  const prior = completeOutputs(olds);
  const changes = tenantChanges(liveOf(prior), news);
  let outs: TenantOutputs = prior;
  if (changes) {
    await putTenant(ctx, serviceName, changes);
    outs = {
      ...outs,
      ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
      ...(changes.mpnId !== undefined ? { mpnId: changes.mpnId } : {}),
    };
  }
  outs = {
    ...outs,
    contact: mergeContact(outs.contact ?? contactOutput(news.contact), changes, news.contact?.country),
    deletionPolicy: news.deletionPolicy,
    existingServiceName: news.existingServiceName ?? prior.existingServiceName,
  };
  if (
    news.administratorPassword !== undefined &&
    news.administratorPassword !== prior.administratorPassword
  ) {
    await setAdministratorPassword(ctx, serviceName, news.administratorPassword);
    outs = { ...outs, administratorPassword: news.administratorPassword };
  }
  return outs;
}

/** The contact output after the PUT: the fields it changed, and the declared country (OVH holds none). */
function mergeContact(
  prior: TenantContactOutput | null,
  changes: OfficeTenantUpdate | undefined,
  country: string | undefined,
): TenantContactOutput | null {
  if (!prior) return prior;
  const next: Record<string, unknown> = { ...prior };
  for (const field of CONTACT_TENANT_FIELDS) {
    const value = changes?.[field];
    if (value !== undefined && value !== null) next[field] = value;
  }
  if (country !== undefined) next["country"] = country;
  return next as unknown as TenantContactOutput;
}

/** The live tenant as the previous outputs recorded it: what the PUT body is computed against. */
function liveOf(outs: TenantOutputs) {
  return {
    displayName: outs.displayName ?? "",
    mpnId: outs.mpnId,
    ...(outs.contact ? pickContact(outs.contact) : {}),
  };
}

function pickContact(contact: TenantContactOutput): Record<(typeof CONTACT_TENANT_FIELDS)[number], string> {
  return Object.fromEntries(CONTACT_TENANT_FIELDS.map((f) => [f, contact[f]])) as Record<
    (typeof CONTACT_TENANT_FIELDS)[number],
    string
  >;
}
