/**
 * The OVH calls every tenant operation shares: reading the live tenant and its billing settings, the PUT that
 * brings it to the declared display name / contact / MPN ID, and the administrator password (legacy task call).
 *
 * Errors are put in context here (what was done, on which tenant, what to do next); a tenant that no longer
 * exists is an answer (`undefined` / `null`), not an error.
 */
import * as csp2 from "../../api/csp2";
import type { OfficeTenant, OfficeTenantUpdate, ServiceInfos } from "../../api/csp2";
import { OvhApiError, isGoneAtOvh } from "../../ovh/errors";
import { inContext } from "../errors";
import { waitForTask } from "../tasks";
import type { ResourceContext } from "../types";
import { ADMIN_PORTAL_URL, CONTACT_TENANT_FIELDS, type TenantInputs } from "./inputs";

/** A tenant as OVH holds it, with its billing settings (null when OVH has none for it). */
export interface LiveTenant {
  readonly tenant: OfficeTenant;
  readonly infos: ServiceInfos | null;
}

/** The live tenant, or undefined when it no longer exists at OVH. */
export async function readLive(ctx: ResourceContext, serviceName: string): Promise<LiveTenant | undefined> {
  let tenant: OfficeTenant;
  try {
    tenant = await csp2.getTenant(ctx.ovh, serviceName);
  } catch (error) {
    if (isGoneAtOvh(error)) return undefined;
    throw inContext(`Reading tenant ${serviceName}`, error);
  }
  return { tenant, infos: await getServiceInfosOrNull(ctx, serviceName) };
}

/** The tenant's billing settings (`serviceInfos`), or null when OVH has none. */
export async function getServiceInfosOrNull(
  ctx: ResourceContext,
  serviceName: string,
): Promise<ServiceInfos | null> {
  try {
    return await csp2.getServiceInfos(ctx.ovh, serviceName);
  } catch (error) {
    if (isGoneAtOvh(error)) return null;
    throw inContext(`Reading the billing settings of tenant ${serviceName}`, error);
  }
}

/** `PUT /saas/csp2/{serviceName}` with the fields to change. */
export async function putTenant(
  ctx: ResourceContext,
  serviceName: string,
  changes: OfficeTenantUpdate,
): Promise<void> {
  try {
    await csp2.updateTenant(ctx.ovh, serviceName, changes);
  } catch (error) {
    throw inContext(
      `Updating ${Object.keys(changes).join(", ")} of tenant ${serviceName}`,
      error,
      error instanceof OvhApiError && error.isInvalidRequest
        ? "Fix the value OVH refused and run `pulumi up` again."
        : undefined,
    );
  }
}

/** The PUT body that brings the live tenant to the declared inputs, or undefined when nothing differs. */
export function tenantChanges(
  live: Pick<OfficeTenant, "displayName" | "mpnId"> &
    Partial<Record<(typeof CONTACT_TENANT_FIELDS)[number], string>>,
  news: TenantInputs,
): OfficeTenantUpdate | undefined {
  const body: Record<string, string> = {};
  if (news.displayName !== undefined && news.displayName !== live.displayName)
    body["displayName"] = news.displayName;
  if (news.mpnId !== undefined && news.mpnId !== (live.mpnId ?? undefined)) body["mpnId"] = news.mpnId;
  if (news.contact !== undefined) {
    for (const field of CONTACT_TENANT_FIELDS) {
      if (news.contact[field] !== live[field]) body[field] = news.contact[field];
    }
  }
  return Object.keys(body).length > 0 ? (body as OfficeTenantUpdate) : undefined;
}

/**
 * Sets the Microsoft administrator's password through OVH's legacy call and follows its task. The password is
 * scrubbed from every message.
 */
export async function setAdministratorPassword(
  ctx: ResourceContext,
  serviceName: string,
  password: string,
): Promise<void> {
  const scrub = (message: string) => message.split(password).join("***");
  try {
    const task = await csp2.changeAdministratorPassword(ctx.ovh, serviceName, { newPassword: password });
    await waitForTask(ctx, serviceName, task);
    ctx.log?.info(`Administrator password of tenant ${serviceName} changed.`);
  } catch (error) {
    if (
      error instanceof OvhApiError &&
      error.isUnsupportedCall &&
      /invalid \(or empty\) url/i.test(error.ovhMessage)
    ) {
      throw new Error(
        scrub(
          `Cannot set the administrator password of tenant ${serviceName}: OVH removed POST /saas/csp2/{serviceName}/changeAdministratorPassword ` +
            `from its API in 2023 (HTTP 404 ${error.errorClass ?? ""}: ${error.ovhMessage}` +
            `${error.queryId ? `, X-Ovh-QueryID ${error.queryId}` : ""}). Reset the password in the Microsoft 365 admin center ` +
            `instead (${ADMIN_PORTAL_URL} → Users → Active users → select the administrator → Reset password), then remove ` +
            "administratorPassword from this resource.",
        ),
      );
    }
    throw new Error(
      scrub(inContext(`Setting the administrator password of tenant ${serviceName}`, error).message),
    );
  }
}
