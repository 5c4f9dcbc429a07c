/**
 * `delete` of a tenant, per `deletionPolicy`. `retain` (default) never touches the tenant: it is dropped from the
 * state with a warning. `deleteAtExpiration` sets `renew.deleteAtExpiration` in the service's billing settings, so
 * OVH ends it at its expiration. A resource whose order is still pending only warns: the order may be delivered.
 */
import * as csp2 from "../../api/csp2";
import type { ServiceInfos } from "../../api/csp2";
import { isGoneAtOvh } from "../../ovh/errors";
import { inContext } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { ResourceContext } from "../types";
import { serviceNameOf, type DeletionPolicy, type TenantOutputs } from "./inputs";
import { describeCartAndOrder, ORDERS_URL } from "./orderRecord";

export async function removeTenant(id: string, olds: TenantOutputs, ctx: ResourceContext): Promise<void> {
  const serviceName = serviceNameOf(id, olds);
  if (serviceName === undefined) {
    const pending = olds.pendingOrder;
    ctx.log?.warn(
      `Removing ${id} from the state while its OVH order was not settled` +
        (pending ? ` (${describeCartAndOrder(pending)})` : "") +
        `: the order may still be delivered and billed. Check ${ORDERS_URL}.`,
    );
    return;
  }
  const policy: DeletionPolicy =
    olds.deletionPolicy === "deleteAtExpiration" ? "deleteAtExpiration" : "retain";
  if (policy === "retain") {
    ctx.log?.warn(
      `Tenant ${serviceName} was NOT terminated (deletionPolicy "retain"): it stays at OVHcloud and keeps renewing; ` +
        "subscriptions this run cancelled stay cancelled, and any subscription still on it stays billed. It is only " +
        "removed from the Pulumi state. To end it, set deletionPolicy " +
        '"deleteAtExpiration" and run `pulumi up` before destroying, or cancel it in the OVHcloud Control Panel.',
    );
    return;
  }
  await withLocks([lockKeys.tenant(serviceName)], () => scheduleDeletion(serviceName, ctx));
}

/** Sets `renew.deleteAtExpiration` in the tenant's billing settings (under the tenant's lock). */
async function scheduleDeletion(serviceName: string, ctx: ResourceContext): Promise<void> {
  let infos: ServiceInfos;
  try {
    infos = await csp2.getServiceInfos(ctx.ovh, serviceName);
  } catch (error) {
    if (isGoneAtOvh(error)) {
      ctx.log?.info(`Tenant ${serviceName} no longer exists at OVH; nothing to delete.`);
      return;
    }
    throw inContext(`Scheduling the deletion of tenant ${serviceName}: reading its billing settings`, error);
  }
  if (!infos.canDeleteAtExpiration) {
    throw new Error(
      `Cannot schedule the deletion of tenant ${serviceName}: OVH does not allow deleteAtExpiration on this service ` +
        `(canDeleteAtExpiration is false, renewal type ${infos.renewalType}). Nothing was changed. Cancel it in the ` +
        'OVHcloud Control Panel, or set deletionPolicy "retain" to only remove it from the state.',
    );
  }
  const renew = infos.renew;
  if (renew?.deleteAtExpiration) {
    ctx.log?.info(`Tenant ${serviceName} is already set to be deleted at expiration (${infos.expiration}).`);
    return;
  }
  try {
    await csp2.updateServiceInfos(ctx.ovh, serviceName, {
      renew: {
        automatic: renew?.automatic ?? false,
        forced: renew?.forced ?? false,
        manualPayment: renew?.manualPayment ?? undefined,
        period: renew?.period ?? undefined,
        deleteAtExpiration: true,
      },
    });
  } catch (error) {
    throw inContext(
      `Scheduling the deletion of tenant ${serviceName} (PUT serviceInfos renew.deleteAtExpiration=true)`,
      error,
    );
  }
  ctx.log?.warn(
    `Tenant ${serviceName} will be deleted by OVH at its expiration (${infos.expiration}); until then it stays active and billed.`,
  );
}
