/**
 * Creating a tenant without ordering one: adopting the existing CSP2 tenant named by `existingServiceName`.
 * Nothing is billed; the declared display name, contact and MPN ID are applied with one PUT when they differ, and
 * the administrator password when one is declared.
 *
 * Used by `create` (`create.ts`) and by `update` when a pending order is given up for an existing tenant.
 */
import { lockKeys, withLocks } from "../keyedLock";
import { claim, claimKeys } from "../orderOnce";
import type { CreateResult, ResourceContext } from "../types";
import type { TenantInputs, TenantOutputs } from "./inputs";
import { putTenant, readLive, setAdministratorPassword, tenantChanges } from "./live";
import { buildOutputs, echoOfInputs } from "./outputs";

export async function adoptTenant(
  inputs: TenantInputs,
  serviceName: string,
  ctx: ResourceContext,
): Promise<CreateResult<TenantOutputs>> {
  claim(claimKeys.tenant(serviceName));
  return withLocks([lockKeys.tenant(serviceName)], async () => {
    const live = await readLive(ctx, serviceName);
    if (!live) {
      throw new Error(
        `Cannot adopt tenant "${serviceName}": no such CSP2 tenant on this OVH account. Check existingServiceName against GET /saas/csp2 (or the OVHcloud Control Panel).`,
      );
    }
    let tenant = live.tenant;
    const changes = tenantChanges(tenant, inputs);
    if (changes) {
      ctx.log?.info(
        `Adopting tenant ${serviceName}: aligning ${Object.keys(changes).join(", ")} with the program.`,
      );
      await putTenant(ctx, serviceName, changes);
      tenant = { ...tenant, ...changes };
    }
    let outs = buildOutputs(
      tenant,
      live.infos,
      echoOfInputs(inputs, { orderId: null, existingServiceName: serviceName }),
      { mpnId: inputs.mpnId ?? null },
    );
    if (inputs.administratorPassword !== undefined) {
      await setAdministratorPassword(ctx, serviceName, inputs.administratorPassword);
      outs = { ...outs, administratorPassword: inputs.administratorPassword };
    }
    return { id: serviceName, outs };
  });
}
