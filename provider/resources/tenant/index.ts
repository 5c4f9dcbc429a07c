/**
 * `Office365ResellerTenant`: a customer's Microsoft 365 tenant resold by OVHcloud (a CSP2 service).
 *
 * This file only wires the lifecycle; each operation lives in its own module of this folder:
 * - check (`check.ts`): the zod schema (`inputs.ts`), what ordering needs, and a read-only look at a tenant to
 *   adopt.
 * - diff (`diff.ts`): display name, contact, MPN ID, password and deletionPolicy change in place; order-time
 *   choices force a replacement, only for tenants this resource ordered.
 * - create (`create.ts`): either adopt an existing tenant (`adopt.ts`, `existingServiceName`: nothing is ordered)
 *   or order a new one: the cart (`cart.ts`, with `offer.ts` and `configuration.ts`), the billed checkout
 *   (`checkout.ts`, through the kernel's `sendBilledCall`), then payment, delivery and the tenant's service name
 *   (`delivery.ts`). Outputs are built in `outputs.ts`; the OVH calls every operation shares are in `live.ts`.
 * - read (`read.ts`): the live tenant and its billing settings; inputs mirror them, so portal edits show as drift.
 * - update (`update.ts`): one `PUT /saas/csp2/{sn}` and the administrator password; or, for a pending order,
 *   following that order.
 * - delete (`remove.ts`): per `deletionPolicy`, `retain` (default: dropped from the state with a warning) or
 *   `deleteAtExpiration` (set in the service's billing settings).
 *
 * No double order. The checkout is the billing point (`checkout.ts`). Whenever the outcome of an order is not
 * settled when `create` ends (checkout answer lost and order not found, not paid, not delivered yet), `create`
 * throws a `PartialCreateError`: Pulumi records the resource with an id `pending-order:cart-<cartId>` or
 * `pending-order:<orderId>` and `pendingOrder` (an `OrderRecord`, `orderRecord.ts`) in its outputs, and the next
 * `pulumi up` calls `update`, which follows that same order (looking it up first when its id is unknown) instead
 * of ordering again. `read` leaves a pending marker untouched, `diff` always sends it to `update`, `delete` only
 * warns. Once resolved, the Pulumi id stays the marker (an update cannot change an id) while `serviceName` holds
 * the tenant: every operation addresses the tenant through `serviceNameOf` (`inputs.ts`).
 */
import type { ResourceHandler } from "../types";
import { checkTenant } from "./check";
import { createTenant } from "./create";
import { diffTenant } from "./diff";
import type { TenantInputs, TenantOutputs } from "./inputs";
import { readTenant } from "./read";
import { removeTenant } from "./remove";
import { updateTenant } from "./update";

export const TENANT_RESOURCE_TYPE = "Office365ResellerTenant";

export const tenantHandler: ResourceHandler<TenantInputs, TenantOutputs> = {
  check: checkTenant,
  diff: diffTenant,
  create: createTenant,
  read: readTenant,
  update: updateTenant,
  delete: removeTenant,
};

// What other modules and the tests import from `provider/resources/tenant`.
export { configurationValues } from "./create";
export { diffTenant } from "./diff";
export {
  ADMIN_PORTAL_URL,
  DELETION_POLICIES,
  serviceNameOf,
  TenantContactSchema,
  TenantInputsSchema,
  type DeletionPolicy,
  type TenantContact,
  type TenantContactOutput,
  type TenantInputs,
  type TenantOutputs,
} from "./inputs";
export { tenantChanges } from "./live";
export { inputsFromOutputs } from "./outputs";
export type { OrderRecord } from "./orderRecord";
