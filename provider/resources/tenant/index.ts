/**
 * `Office365ResellerTenant`: a customer's Microsoft 365 tenant resold by OVHcloud (a CSP2 service).
 *
 * Lifecycle
 * - create: either adopt an existing tenant (`existingServiceName`: nothing is ordered; the declared display
 *   name, contact and MPN ID are applied with one PUT when they differ), or order a new one through the order
 *   cart (`order.ts`), wait for delivery and for the tenant to be `ok`.
 * - update: one `PUT /saas/csp2/{sn}` with the changed display name / contact fields / MPN ID; the
 *   administrator password through the legacy `changeAdministratorPassword` task; `deletionPolicy` is state only.
 * - delete: per `deletionPolicy`. `retain` (default) never touches the tenant: it is dropped from the state with
 *   a warning. `deleteAtExpiration` sets `renew.deleteAtExpiration` in the service's billing settings.
 * - read: the live tenant and its billing settings; `inputs` mirror the live display name, contact and MPN ID so
 *   portal edits show as drift, and an import by service name yields inputs that adopt (never order).
 *
 * No double order. The checkout is the billing point (see `order.ts`). Whenever the outcome of an order
 * is not settled when `create` ends (checkout answer lost and order not found, not paid, not delivered yet),
 * `create` throws a `PartialCreateError`: Pulumi records the resource with an id `pending-order:cart-<cartId>`
 * or `pending-order:<orderId>` and `pendingOrder` in its outputs, and the next `pulumi up` calls `update`,
 * which follows that same order (looking it up first when its id is unknown) instead of ordering again. `read`
 * leaves a pending marker untouched, `diff` always sends it to `update`, `delete` only warns. Once resolved,
 * the Pulumi id stays the marker (an update cannot change an id) while `serviceName` holds the tenant: every
 * operation addresses the tenant through `serviceName`.
 *
 * Diff rules. Display name, contact and MPN ID update in place; the administrator password and deletionPolicy
 * too. Order-time choices (customSubDomain, ovhSubsidiary, planCode, duration, pricingMode, extraConfiguration,
 * waiveRetractationPeriod) cannot change on an existing tenant and force a replacement, but only when a value
 * is given and differs from what was used (an omitted planCode never replaces), and only for tenants this
 * resource ordered (they mean nothing for an adopted one). `existingServiceName` replaces when it names
 * another tenant than the current one.
 */
import { z } from "zod";
import * as csp2 from "../../api/csp2";
import type { OfficeTenant, OfficeTenantUpdate, ServiceInfos } from "../../api/csp2";
import * as order from "../../api/order";
import { OVH_SUBSIDIARIES } from "../../api/order";
import { OvhApiError } from "../../ovh/errors";
import { orUnknown, unchangedSincePreviousRun, validateInputs } from "../check";
import { inContext, PartialCreateError } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import type { ConfigurationValues } from "./configuration";
import { claim, claimKeys, isPendingOrderMarker, pendingOrderMarker } from "../orderOnce";
import { waitForTask } from "../tasks";
import {
  CheckoutUnconfirmedError,
  findServiceName,
  payIfNeeded,
  placeOrder,
  resumeCheckout,
  waitForDelivery,
  waitForTenantReady,
  type OrderRecord,
  type PlacedOrder,
} from "./order";
import type {
  CheckFailure,
  CheckResult,
  CreateResult,
  DiffResult,
  ResourceContext,
  ResourceHandler,
} from "../types";
import { isUnknown } from "../unknown";

export const TENANT_RESOURCE_TYPE = "Office365ResellerTenant";
export const ADMIN_PORTAL_URL = "https://admin.microsoft.com";

// ---------------------------------------------------------------------------------------------
// Inputs

export const DELETION_POLICIES = ["retain", "deleteAtExpiration"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 .()/-]{4,24}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ISO_DURATION = /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$/;

const text = (property: string, max: number) =>
  z
    .string({ error: `${property} must be a string` })
    .trim()
    .min(1, `${property} must not be empty`)
    .max(max, `${property} must be at most ${max} characters`);

export const TenantContactSchema = z.strictObject({
  firstName: orUnknown(text("contact.firstName", 100)),
  lastName: orUnknown(text("contact.lastName", 100)),
  email: orUnknown(
    text("contact.email", 254).regex(
      EMAIL,
      "contact.email must be an e-mail address such as jane.doe@example.com (it receives the Microsoft 365 administrator credentials)",
    ),
  ),
  phone: orUnknown(
    text("contact.phone", 30).refine(
      (v) => PHONE.test(v) && v.replace(/\D/g, "").length >= 6,
      "contact.phone must be a phone number such as +33.123456789 (+<country code>.<number>, digits, spaces, dots or dashes)",
    ),
  ),
  address: orUnknown(text("contact.address", 255)),
  city: orUnknown(text("contact.city", 100)),
  zipCode: orUnknown(text("contact.zipCode", 20)),
  country: orUnknown(
    z
      .string({ error: "contact.country must be a string" })
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "contact.country must be an ISO 3166-1 alpha-2 country code such as FR or DE"),
  ).optional(),
});
export type TenantContact = z.infer<typeof TenantContactSchema>;

export const TenantInputsSchema = z.strictObject({
  mpnId: orUnknown(
    z
      .string({ error: "mpnId must be a string of digits" })
      .trim()
      .regex(
        /^\d{6,10}$/,
        "mpnId must be your Microsoft partner ID (MPN ID / PartnerID): 6 to 10 digits, e.g. 1234567. Find it in " +
          "Partner Center → Account settings → Identifiers; OVH requires one enrolled as CSP indirect reseller",
      ),
  ).optional(),
  contact: orUnknown(TenantContactSchema).optional(),
  displayName: orUnknown(text("displayName", 64)).optional(),
  customSubDomain: orUnknown(
    z
      .string({ error: "customSubDomain must be a string" })
      .trim()
      .toLowerCase()
      .regex(
        DNS_LABEL,
        "customSubDomain must be a DNS label, the <name> of <name>.onmicrosoft.com: letters, digits and inner hyphens, at most 63 characters",
      ),
  ).optional(),
  ovhSubsidiary: orUnknown(
    z
      .string({ error: "ovhSubsidiary must be a string" })
      .trim()
      .toUpperCase()
      .refine(
        (v) => (OVH_SUBSIDIARIES as readonly string[]).includes(v),
        `ovhSubsidiary must be one of ${OVH_SUBSIDIARIES.join(", ")} (default: the account's, from GET /me)`,
      ),
  ).optional(),
  planCode: orUnknown(text("planCode", 200)).optional(),
  duration: orUnknown(
    text("duration", 20).regex(ISO_DURATION, "duration must be an ISO 8601 duration such as P1M or P1Y"),
  ).optional(),
  pricingMode: orUnknown(text("pricingMode", 100)).optional(),
  extraConfiguration: orUnknown(
    z.record(
      z.string().min(1, "extraConfiguration keys must be non-empty configuration labels"),
      z.string({ error: "extraConfiguration values must be strings" }),
    ),
  ).optional(),
  waiveRetractationPeriod: orUnknown(
    z.boolean({ error: "waiveRetractationPeriod must be true or false" }),
  ).default(false),
  existingServiceName: orUnknown(
    text("existingServiceName", 200).refine(
      (v) => !/[/?#\s]/.test(v),
      "existingServiceName must be a CSP2 service name as listed by GET /saas/csp2 (no slashes or spaces)",
    ),
  ).optional(),
  deletionPolicy: orUnknown(
    z.enum(DELETION_POLICIES, {
      error: `deletionPolicy must be "retain" (keep the tenant, drop it from the state) or "deleteAtExpiration"`,
    }),
  ).default("retain"),
  administratorPassword: orUnknown(
    z
      .string({ error: "administratorPassword must be a string" })
      .min(8, "administratorPassword must be 8 to 256 characters long")
      .max(256, "administratorPassword must be 8 to 256 characters long"),
  ).optional(),
});
export type TenantInputs = z.infer<typeof TenantInputsSchema>;

// ---------------------------------------------------------------------------------------------
// Outputs

export interface TenantContactOutput {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone: string;
  readonly address: string;
  readonly city: string;
  readonly zipCode: string;
  /** Not held by OVH's tenant model: the value given at order time. */
  readonly country: string | null;
}

export interface TenantOutputs {
  /** The CSP2 service name (the tenant at Microsoft); null only while an order is pending. */
  readonly serviceName: string | null;
  readonly status: string | null;
  readonly creationDate: string | null;
  readonly mpnIssueFlag: string | null;
  readonly adminPortalUrl: string;
  readonly serviceId: number | null;
  readonly renewAutomatic: boolean | null;
  /** Renewal period in months. */
  readonly renewPeriod: number | null;
  readonly deleteAtExpiration: boolean | null;
  readonly canDeleteAtExpiration: boolean | null;
  readonly expirationDate: string | null;
  /** Null when adopted. */
  readonly orderId: number | null;
  /** Set while an order's outcome is not settled (see the module comment). */
  readonly pendingOrder: OrderRecord | null;
  readonly planCode: string | null;
  readonly duration: string | null;
  readonly pricingMode: string | null;
  readonly ovhSubsidiary: string | null;
  // Live values of the updatable inputs.
  readonly mpnId: string | null;
  readonly displayName: string | null;
  readonly contact: TenantContactOutput | null;
  // Echo of the other inputs, for diff.
  readonly customSubDomain: string | null;
  readonly extraConfiguration: Record<string, string> | null;
  readonly waiveRetractationPeriod: boolean;
  readonly existingServiceName: string | null;
  readonly deletionPolicy: DeletionPolicy;
  /** The password last applied (secret: the adapter must mark this output secret). */
  readonly administratorPassword?: string;
}

/** Fields of OfficeTenant that the contact maps onto (all but country). */
const CONTACT_TENANT_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "address",
  "city",
  "zipCode",
] as const;

export function isPendingId(id: string): boolean {
  return isPendingOrderMarker(id);
}

function pendingId(record: OrderRecord): string {
  return record.orderId === null
    ? pendingOrderMarker(`cart-${record.cartId}`)
    : pendingOrderMarker(record.orderId);
}

/** The tenant a resource addresses: its id, or `serviceName` once a pending order has been resolved. */
export function serviceNameOf(id: string, olds: Partial<TenantOutputs> | undefined): string | undefined {
  if (!isPendingId(id)) return id;
  return olds?.serviceName ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// Handler

export const tenantHandler: ResourceHandler<TenantInputs, TenantOutputs> = {
  async check(news, ctx, olds) {
    const raw = Object.fromEntries(Object.entries(news).filter(([, value]) => value !== undefined));
    const result: CheckResult<TenantInputs> = validateInputs(TenantInputsSchema, raw);
    if (!result.inputs) return result;
    const inputs = result.inputs;
    const failures = requirementFailures(inputs);
    if (failures.length > 0) return { failures };
    const previous =
      olds && Object.fromEntries(Object.entries(olds).filter(([, value]) => value !== undefined));
    if (unchangedSincePreviousRun(TenantInputsSchema, inputs, previous)) return { inputs, failures: [] };
    const adopt = inputs.existingServiceName;
    if (ctx && adopt !== undefined && !isUnknown(adopt)) {
      const problem = await verifyAdoptable(ctx, adopt);
      if (problem) return { failures: [{ property: "existingServiceName", reason: problem }] };
    }
    // A new tenant is ordered (billed) at `pulumi up`. Its price exists only in an OVH cart, which a preview never
    // creates: say so rather than invent one.
    if (Object.keys(previous ?? {}).length === 0 && adopt === undefined) {
      return {
        inputs,
        failures: [],
        notes: [
          `Billing: new tenant ordered through the OVH order cart at \`pulumi up\` (checkout with the default payment method). ` +
            "OVH gives no price for it before a cart exists, and a preview creates none: its price is not shown here; " +
            "`pulumi up` logs the checkout's price before paying. Its subscriptions are billed as their own lines say.",
        ],
      };
    }
    return { inputs, failures: [] };
  },

  diff(id, olds, news) {
    return diffTenant(id, olds, news);
  },

  async create(inputs, ctx) {
    assertKnown(inputs);
    if (inputs.existingServiceName !== undefined) return adoptTenant(inputs, inputs.existingServiceName, ctx);
    return withLocks([orderLockKey(inputs)], () => orderTenant(inputs, ctx));
  },

  async read(id, olds, ctx) {
    const prior: Partial<TenantOutputs> = olds ?? {};
    const serviceName = serviceNameOf(id, prior);
    if (serviceName === undefined) {
      // A pending order: only `pulumi up` may resolve it; refresh must keep the marker.
      const props = completeOutputs(prior);
      return { id, props, inputs: inputsFromOutputs(props) };
    }
    const live = await readLive(ctx, serviceName);
    if (!live) return { id: undefined };
    const props = buildOutputs(live.tenant, live.infos, echoFrom(prior, serviceName, olds === undefined));
    return { id, props, inputs: inputsFromOutputs(props) };
  },

  async update(id, olds, news, ctx) {
    assertKnown(news);
    const serviceName = serviceNameOf(id, olds);
    if (serviceName === undefined) return resumePendingOrder(id, olds, news, ctx);
    if (news.existingServiceName !== undefined && news.existingServiceName !== serviceName) {
      throw new Error(
        `Tenant ${serviceName}: existingServiceName now names ${news.existingServiceName}; that needs a replacement, which diff should have planned. Run \`pulumi up\` again.`,
      );
    }
    return withLocks([lockKeys.tenant(serviceName)], () => updateTenant(serviceName, olds, news, ctx));
  },

  async delete(id, olds, ctx) {
    const serviceName = serviceNameOf(id, olds);
    if (serviceName === undefined) {
      const pending = olds.pendingOrder;
      ctx.log?.warn(
        `Removing ${id} from the state while its OVH order was not settled` +
          (pending
            ? ` (cart ${pending.cartId}${pending.orderId === null ? "" : `, order ${pending.orderId}`})`
            : "") +
          ": the order may still be delivered and billed. Check https://www.ovh.com/manager/#/dedicated/billing/orders.",
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
  },
};

// ---------------------------------------------------------------------------------------------
// check

function requirementFailures(inputs: TenantInputs): CheckFailure[] {
  if (inputs.existingServiceName !== undefined) return [];
  const failures: CheckFailure[] = [];
  const why = "is required to order a new tenant (or set existingServiceName to adopt an existing one)";
  if (inputs.mpnId === undefined) failures.push({ property: "mpnId", reason: `mpnId ${why}` });
  if (inputs.contact === undefined) failures.push({ property: "contact", reason: `contact ${why}` });
  if (inputs.displayName === undefined)
    failures.push({ property: "displayName", reason: `displayName ${why}` });
  return failures;
}

/** Read-only look at the tenant to adopt; returns a reason when it cannot be adopted. */
async function verifyAdoptable(ctx: ResourceContext, serviceName: string): Promise<string | undefined> {
  try {
    await csp2.getTenant(ctx.ovh, serviceName);
    return undefined;
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) {
      let known = "";
      try {
        const names = await csp2.listTenants(ctx.ovh);
        known = names.length > 0 ? ` Tenants on this account: ${names.slice(0, 20).join(", ")}.` : "";
      } catch {
        // The list is only a hint.
      }
      return `No CSP2 tenant "${serviceName}" on this OVH account (${error.message}).${known}`;
    }
    ctx.log?.warn(
      `Could not verify existingServiceName "${serviceName}" during check (${error instanceof Error ? error.message : String(error)}); it is checked again on create.`,
    );
    return undefined;
  }
}

function assertKnown(inputs: TenantInputs): void {
  if (isUnknown(inputs)) {
    throw new Error(
      "Some tenant inputs are still unknown at apply time; this is a provider bug, please report it.",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// diff

const ORDER_TIME_FIELDS = [
  "customSubDomain",
  "ovhSubsidiary",
  "planCode",
  "duration",
  "pricingMode",
] as const;

export function diffTenant(id: string, olds: Partial<TenantOutputs>, news: TenantInputs): DiffResult {
  const held = serviceNameOf(id, olds);
  // What each tenant resource of the program holds is never taken for another one's order (orderOnce.ts).
  if (held !== undefined) claim(claimKeys.tenant(held));
  if (held === undefined) {
    // The order is pending: only update may settle it (and it never orders again).
    return { changes: true, replaces: [], changedKeys: ["pendingOrder"] };
  }
  const changedKeys = new Set<string>();
  const replaces = new Set<string>();
  const note = (key: string, differs: boolean, replace = false) => {
    if (!differs) return;
    changedKeys.add(key);
    if (replace) replaces.add(key);
  };
  const unknownOrDiffers = (key: string, next: unknown, prior: unknown, replace = false) => {
    if (next === undefined) return;
    if (isUnknown(next)) return note(key, true);
    note(key, !sameValue(next, prior ?? undefined), replace);
  };

  // In place.
  unknownOrDiffers("displayName", news.displayName, olds.displayName);
  unknownOrDiffers("mpnId", news.mpnId, olds.mpnId);
  if (news.contact !== undefined) {
    if (isUnknown(news.contact) && !isObject(news.contact)) note("contact", true);
    else {
      for (const field of [...CONTACT_TENANT_FIELDS, "country"] as const) {
        unknownOrDiffers("contact", news.contact[field], olds.contact?.[field]);
      }
    }
  }
  unknownOrDiffers("deletionPolicy", news.deletionPolicy, olds.deletionPolicy ?? "retain");
  unknownOrDiffers("administratorPassword", news.administratorPassword, olds.administratorPassword);

  // Replacement.
  const current = olds.serviceName ?? olds.existingServiceName ?? undefined;
  unknownOrDiffers("existingServiceName", news.existingServiceName, current, true);
  const ordered = olds.orderId !== undefined && olds.orderId !== null;
  if (ordered) {
    for (const field of ORDER_TIME_FIELDS) unknownOrDiffers(field, news[field], olds[field], true);
    unknownOrDiffers("extraConfiguration", news.extraConfiguration, olds.extraConfiguration ?? {}, true);
    unknownOrDiffers(
      "waiveRetractationPeriod",
      news.waiveRetractationPeriod,
      olds.waiveRetractationPeriod ?? false,
      true,
    );
  }
  return { changes: changedKeys.size > 0, replaces: [...replaces], changedKeys: [...changedKeys] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// create: adopt

async function adoptTenant(
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
    );
    if (inputs.administratorPassword !== undefined) {
      await setAdministratorPassword(ctx, serviceName, inputs.administratorPassword);
      outs = { ...outs, administratorPassword: inputs.administratorPassword };
    }
    return { id: serviceName, outs };
  });
}

// ---------------------------------------------------------------------------------------------
// create: order

function orderLockKey(inputs: TenantInputs): string {
  return `tenant-order:${inputs.mpnId ?? ""}:${(inputs.contact?.email ?? "").toLowerCase()}:${inputs.displayName ?? ""}`;
}

async function orderTenant(inputs: TenantInputs, ctx: ResourceContext): Promise<CreateResult<TenantOutputs>> {
  const displayName = inputs.displayName ?? "";
  let subsidiary = inputs.ovhSubsidiary;
  if (subsidiary === undefined) {
    try {
      subsidiary = (await order.getMe(ctx.ovh)).ovhSubsidiary;
    } catch (error) {
      throw inContext(
        `Ordering Office 365 tenant "${displayName}": reading the account's OVH subsidiary (GET /me)`,
        error,
        "Set ovhSubsidiary explicitly, or check the credentials' access to GET /me. Nothing was ordered.",
      );
    }
  }
  let placed: PlacedOrder;
  try {
    placed = await placeOrder(ctx, {
      ovhSubsidiary: subsidiary,
      ...(inputs.planCode !== undefined ? { planCode: inputs.planCode } : {}),
      ...(inputs.duration !== undefined ? { duration: inputs.duration } : {}),
      ...(inputs.pricingMode !== undefined ? { pricingMode: inputs.pricingMode } : {}),
      waiveRetractationPeriod: inputs.waiveRetractationPeriod,
      values: configurationValues(inputs),
      extraConfiguration: inputs.extraConfiguration ?? {},
      displayName,
    });
  } catch (error) {
    if (error instanceof CheckoutUnconfirmedError) {
      throw new PartialCreateError(
        error.message,
        pendingId(error.record),
        pendingOutputs(inputs, error.record),
      );
    }
    throw error;
  }
  return completeOrder(inputs, placed, ctx);
}

export function configurationValues(inputs: TenantInputs): ConfigurationValues {
  const c = inputs.contact;
  const values: ConfigurationValues = {
    mpnId: inputs.mpnId,
    displayName: inputs.displayName,
    customSubDomain: inputs.customSubDomain,
    "contact.firstName": c?.firstName,
    "contact.lastName": c?.lastName,
    "contact.email": c?.email,
    "contact.phone": c?.phone,
    "contact.address": c?.address,
    "contact.city": c?.city,
    "contact.zipCode": c?.zipCode,
    "contact.country": c?.country,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as ConfigurationValues;
}

/**
 * Follows a placed order to a ready tenant. Every failure from here on is a partial create: the order exists
 * and must be followed, never placed again.
 */
async function completeOrder(
  inputs: TenantInputs,
  placed: PlacedOrder,
  ctx: ResourceContext,
): Promise<CreateResult<TenantOutputs>> {
  const pending = pendingOutputs(inputs, placed);
  let serviceName: string;
  try {
    await payIfNeeded(ctx, placed.orderId);
    await waitForDelivery(ctx, placed.orderId);
    serviceName = await findServiceName(ctx, placed, inputs.displayName ?? "");
  } catch (error) {
    throw new PartialCreateError(
      afterCheckoutMessage(`Following OVH order ${placed.orderId} (cart ${placed.cartId})`, error),
      pendingId(placed),
      pending,
    );
  }
  claim(claimKeys.tenant(serviceName));

  const base: TenantOutputs = { ...pending, serviceName, pendingOrder: null };
  let outs: TenantOutputs;
  try {
    const tenant = await waitForTenantReady(ctx, serviceName);
    const infos = await getServiceInfosOrNull(ctx, serviceName);
    outs = buildOutputs(tenant, infos, base);
  } catch (error) {
    throw new PartialCreateError(
      afterCheckoutMessage(`Waiting for tenant ${serviceName} (order ${placed.orderId})`, error),
      serviceName,
      base,
    );
  }
  if (inputs.administratorPassword !== undefined) {
    try {
      await setAdministratorPassword(ctx, serviceName, inputs.administratorPassword);
      outs = { ...outs, administratorPassword: inputs.administratorPassword };
    } catch (error) {
      throw new PartialCreateError(
        `Tenant ${serviceName} was created (order ${placed.orderId}), but: ${error instanceof Error ? error.message : String(error)}`,
        serviceName,
        outs,
      );
    }
  }
  return { id: serviceName, outs };
}

function afterCheckoutMessage(action: string, error: unknown): string {
  return (
    inContext(action, error).message +
    "\nThe order was placed and is NOT placed again: run `pulumi up` again to keep following it."
  );
}

// ---------------------------------------------------------------------------------------------
// update

async function updateTenant(
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

function contactOutput(contact: TenantContact | undefined): TenantContactOutput | null {
  return contact ? { ...contact, country: contact.country ?? null } : null;
}

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

/** `update` of a resource whose order was not settled at create time (see the module comment). */
async function resumePendingOrder(
  id: string,
  olds: TenantOutputs,
  news: TenantInputs,
  ctx: ResourceContext,
): Promise<TenantOutputs> {
  const record = olds.pendingOrder;
  if (news.existingServiceName !== undefined) {
    ctx.log?.warn(
      `${id}: adopting ${news.existingServiceName} instead of following the pending order` +
        (record
          ? ` (cart ${record.cartId}${record.orderId === null ? "" : `, order ${record.orderId}`})`
          : "") +
        "; that order may still be delivered and billed: check the OVHcloud Control Panel.",
    );
    return (await adoptTenant(news, news.existingServiceName, ctx)).outs;
  }
  if (!record) {
    throw new Error(
      `${id} is recorded as a pending order but its state has no order details. Check the OVHcloud Control Panel for the order; ` +
        "then either set existingServiceName to the delivered tenant or remove the resource from the state (`pulumi state delete`).",
    );
  }
  return withLocks([orderLockKey(news)], async () => {
    let placed: PlacedOrder;
    try {
      placed = await resumeCheckout(ctx, record);
    } catch (error) {
      if (error instanceof CheckoutUnconfirmedError) {
        throw new PartialCreateError(error.message, id, pendingOutputs(news, error.record));
      }
      throw error;
    }
    const done = await completeOrder(news, placed, ctx);
    return done.outs;
  });
}

// ---------------------------------------------------------------------------------------------
// delete

async function scheduleDeletion(serviceName: string, ctx: ResourceContext): Promise<void> {
  let infos: ServiceInfos;
  try {
    infos = await csp2.getServiceInfos(ctx.ovh, serviceName);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) {
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

// ---------------------------------------------------------------------------------------------
// OVH calls shared by the operations

interface LiveTenant {
  readonly tenant: OfficeTenant;
  readonly infos: ServiceInfos | null;
}

async function readLive(ctx: ResourceContext, serviceName: string): Promise<LiveTenant | undefined> {
  let tenant: OfficeTenant;
  try {
    tenant = await csp2.getTenant(ctx.ovh, serviceName);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return undefined;
    throw inContext(`Reading tenant ${serviceName}`, error);
  }
  return { tenant, infos: await getServiceInfosOrNull(ctx, serviceName) };
}

async function getServiceInfosOrNull(
  ctx: ResourceContext,
  serviceName: string,
): Promise<ServiceInfos | null> {
  try {
    return await csp2.getServiceInfos(ctx.ovh, serviceName);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return null;
    throw inContext(`Reading the billing settings of tenant ${serviceName}`, error);
  }
}

async function putTenant(
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

/**
 * Sets the Microsoft administrator's password through OVH's legacy call and follows its task. The password is
 * scrubbed from every message.
 */
async function setAdministratorPassword(
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

// ---------------------------------------------------------------------------------------------
// Outputs and inputs

type Echo = Omit<
  TenantOutputs,
  | "serviceName"
  | "status"
  | "creationDate"
  | "mpnIssueFlag"
  | "adminPortalUrl"
  | "serviceId"
  | "renewAutomatic"
  | "renewPeriod"
  | "deleteAtExpiration"
  | "canDeleteAtExpiration"
  | "expirationDate"
  | "mpnId"
  | "displayName"
>;

function echoOfInputs(
  inputs: TenantInputs,
  order: { orderId: number | null; existingServiceName: string | null },
): Echo {
  return {
    orderId: order.orderId,
    pendingOrder: null,
    planCode: null,
    duration: null,
    pricingMode: null,
    ovhSubsidiary: inputs.ovhSubsidiary ?? null,
    contact: contactOutput(inputs.contact),
    customSubDomain: inputs.customSubDomain ?? null,
    extraConfiguration: inputs.extraConfiguration ?? null,
    waiveRetractationPeriod: inputs.waiveRetractationPeriod,
    existingServiceName: order.existingServiceName,
    deletionPolicy: inputs.deletionPolicy,
  };
}

/** Outputs of a resource whose order is not settled: the inputs and the order record, no tenant yet. */
function pendingOutputs(inputs: TenantInputs, record: OrderRecord): TenantOutputs {
  return {
    ...echoOfInputs(inputs, { orderId: record.orderId, existingServiceName: null }),
    pendingOrder: record,
    planCode: record.planCode,
    duration: record.duration,
    pricingMode: record.pricingMode,
    ovhSubsidiary: record.ovhSubsidiary,
    serviceName: null,
    status: null,
    creationDate: null,
    mpnIssueFlag: null,
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: null,
    renewAutomatic: null,
    renewPeriod: null,
    deleteAtExpiration: null,
    canDeleteAtExpiration: null,
    expirationDate: null,
    mpnId: inputs.mpnId ?? null,
    displayName: inputs.displayName ?? null,
  };
}

function buildOutputs(tenant: OfficeTenant, infos: ServiceInfos | null, echo: Echo): TenantOutputs {
  return {
    ...echo,
    serviceName: tenant.serviceName,
    status: tenant.status,
    creationDate: tenant.creationDate,
    mpnIssueFlag: tenant.mpnIssueFlag ?? null,
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: infos?.serviceId ?? null,
    renewAutomatic: infos?.renew?.automatic ?? null,
    renewPeriod: infos?.renew?.period ?? null,
    deleteAtExpiration: infos?.renew?.deleteAtExpiration ?? null,
    canDeleteAtExpiration: infos?.canDeleteAtExpiration ?? null,
    expirationDate: infos?.expiration ?? null,
    mpnId: tenant.mpnId ?? null,
    displayName: tenant.displayName,
    contact: {
      firstName: tenant.firstName,
      lastName: tenant.lastName,
      email: tenant.email,
      phone: tenant.phone,
      address: tenant.address,
      city: tenant.city,
      zipCode: tenant.zipCode,
      country: echo.contact?.country ?? null,
    },
  };
}

/** The non-live part of prior outputs (which may come from an older version, or be inputs on import). */
function echoFrom(prior: Partial<TenantOutputs>, serviceName: string, imported: boolean): Echo {
  const full = completeOutputs(prior);
  const adopted = full.orderId === null && full.pendingOrder === null;
  return {
    orderId: full.orderId,
    pendingOrder: null,
    planCode: full.planCode,
    duration: full.duration,
    pricingMode: full.pricingMode,
    ovhSubsidiary: full.ovhSubsidiary,
    contact: full.contact,
    customSubDomain: full.customSubDomain,
    extraConfiguration: full.extraConfiguration,
    waiveRetractationPeriod: full.waiveRetractationPeriod,
    existingServiceName: full.existingServiceName ?? (imported || adopted ? serviceName : null),
    deletionPolicy: full.deletionPolicy,
    ...(full.administratorPassword !== undefined
      ? { administratorPassword: full.administratorPassword }
      : {}),
  };
}

/** Prior outputs with every field present (older states and partial records lack some). */
function completeOutputs(prior: Partial<TenantOutputs>): TenantOutputs {
  const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);
  return {
    serviceName: orNull(prior.serviceName),
    status: orNull(prior.status),
    creationDate: orNull(prior.creationDate),
    mpnIssueFlag: orNull(prior.mpnIssueFlag),
    adminPortalUrl: ADMIN_PORTAL_URL,
    serviceId: orNull(prior.serviceId),
    renewAutomatic: orNull(prior.renewAutomatic),
    renewPeriod: orNull(prior.renewPeriod),
    deleteAtExpiration: orNull(prior.deleteAtExpiration),
    canDeleteAtExpiration: orNull(prior.canDeleteAtExpiration),
    expirationDate: orNull(prior.expirationDate),
    orderId: orNull(prior.orderId),
    pendingOrder: orNull(prior.pendingOrder),
    planCode: orNull(prior.planCode),
    duration: orNull(prior.duration),
    pricingMode: orNull(prior.pricingMode),
    ovhSubsidiary: orNull(prior.ovhSubsidiary),
    mpnId: orNull(prior.mpnId),
    displayName: orNull(prior.displayName),
    contact: prior.contact ? { ...prior.contact, country: prior.contact.country ?? null } : null,
    customSubDomain: orNull(prior.customSubDomain),
    extraConfiguration: orNull(prior.extraConfiguration),
    waiveRetractationPeriod: prior.waiveRetractationPeriod === true,
    existingServiceName: orNull(prior.existingServiceName),
    deletionPolicy: prior.deletionPolicy === "deleteAtExpiration" ? "deleteAtExpiration" : "retain",
    ...(typeof prior.administratorPassword === "string"
      ? { administratorPassword: prior.administratorPassword }
      : {}),
  };
}

/**
 * Inputs that reproduce the resource as it is: live display name, contact and MPN ID (so drift shows), the
 * recorded order choices, and for an adopted or imported tenant `existingServiceName` (so it is never ordered).
 * Live values our schema would refuse (e.g. an empty phone on an old tenant) are left out rather than
 * producing inputs that fail `check`.
 */
export function inputsFromOutputs(outs: TenantOutputs): TenantInputs {
  const candidate: Record<string, unknown> = {
    mpnId: outs.mpnId,
    displayName: outs.displayName,
    contact: outs.contact
      ? Object.fromEntries(Object.entries(outs.contact).filter(([, value]) => value !== null))
      : undefined,
    customSubDomain: outs.customSubDomain,
    ovhSubsidiary: outs.ovhSubsidiary,
    planCode: outs.planCode,
    duration: outs.duration,
    pricingMode: outs.pricingMode,
    extraConfiguration: outs.extraConfiguration,
    waiveRetractationPeriod: outs.waiveRetractationPeriod,
    existingServiceName: outs.existingServiceName,
    deletionPolicy: outs.deletionPolicy,
    administratorPassword: outs.administratorPassword,
  };
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidate)) {
    if (value === null || value === undefined) continue;
    const field = TenantInputsSchema.shape[key as keyof typeof TenantInputsSchema.shape];
    if (field.safeParse(value).success) inputs[key] = value;
  }
  return TenantInputsSchema.parse(inputs);
}
