/**
 * Subscription: the seats of one Microsoft 365 licence in a CSP2 tenant.
 *
 * create = order (`POST subscription`, or `orderAddon` on the parent subscription) and follow its task, or adopt
 * an existing subscription (`existingSubscriptionId`, no order); update = seat change (`changeQuantity`) or
 * state-only edits; delete = cancel (`DELETE subscription/{id}`) or, with `deletionPolicy: "retain"`, nothing.
 * Resource id: `<tenant>/<subscriptionId>` (a `pending-order:...` marker while an order is unconfirmed, see
 * below; Pulumi never changes an id through update, so a resource created through that path keeps the marker as
 * its id and `subscriptionId` is the authoritative reference).
 *
 * ## Refusing before anything is billed
 * `check` validates inputs and, when it may call OVH, runs the live rules with read-only GETs: licence known
 * and orderable, quantity within the licence limit, academic acknowledgement, new subscriptions allowed (only
 * when the check can lead to a new order), seat increase allowed (against the previous quantity), add-on
 * available on its parent, adopted subscription matching. The same rules run again in create/update right
 * before the mutating call, because check is skipped when values are unknown in preview.
 *
 * ## No double order
 * OVH's order calls answer with a task, not with the new subscription, and are not idempotent: sending one twice
 * bills twice. The rule is that an order is sent only when the provider holds evidence that OVH did not take
 * the previous one.
 *
 * 1. Under a lock per (tenant, licence) (plus the parent subscription for an add-on), the provider snapshots the
 *    tenant's subscription ids (the parent's add-on ids for an add-on) and the tenant's pending task ids, then
 *    sends ONE order.
 * 2. Answer received: follow the task (error/cancelled → nothing was ordered, the create fails and Pulumi
 *    records nothing); then the new subscription is the id absent from the snapshot whose licenseId is the
 *    ordered one (only one, or the only one with the ordered quantity; never a guess: ambiguity is an error).
 * 3. Answer lost (network error after sending, timeout, 5xx, 408, unreadable answer): the provider LOOKS,
 *    several times with backoff (`OVH_OFFICE_ORDER_LOOK_WINDOW_MS`, default 30 s): new subscription of the
 *    licence since the snapshot → adopted; new order-like task in `GET task` → followed, then look again.
 * 4. Still nothing, or the task could not be followed to its end: the create fails with a PartialCreateError.
 *    Pulumi keeps the resource in state with the id `pending-order:<tenant>:<licenceId>:<epoch ms>` and outputs
 *    that record the intent (licence, quantity, parent), the snapshot, the order time and the task id if known.
 * 5. The next `pulumi up` calls update for that resource (Pulumi updates resources with init errors). update
 *    sees `pendingOrderId` and looks again (same rules). Found → adopted, then the declared quantity is applied
 *    as a normal update. The order's own task failed → OVH took nothing: order again. Nothing found and the
 *    order is younger than the grace period (`OVH_OFFICE_PENDING_ORDER_GRACE_MS`, default 10 min) → refuse and
 *    say when to retry. Nothing found after the grace period → OVH never took it: order again (steps 1-4, the
 *    new attempt replacing the marker's data).
 *    `read` (refresh) of a pending resource looks once and adopts what it finds, else keeps the marker as is;
 *    it never drops it. `delete` of a pending resource looks, cancels what it finds (per deletionPolicy), and
 *    refuses to forget an order younger than the grace period.
 * Subscriptions this process already matched to a resource are never offered to another one. Residual risk:
 * an order lost for good while a later, identical order (same licence, same quantity) of another resource
 * lands in the same tenant could be taken for it; that leaves one subscription for two resources (too few
 * seats, never a double bill).
 *
 * ## Adoption
 * `existingSubscriptionId` adopts a subscription without ordering: create verifies that it exists, has the
 * declared licence and (if given) belongs to the declared parent. A different live quantity is NOT changed at
 * create: the resource is adopted as it is (outputs carry the live quantity, a warning says so) and the next
 * `pulumi preview` shows the seat change as an ordinary update, so a quantity change is never billed as a side
 * effect of adopting.
 */
import { z } from "zod";
import * as csp2 from "../../api/csp2";
import type { OfficeSubscription, OfficeTask } from "../../api/csp2";
import { OvhApiError, OvhNetworkError } from "../../ovh/errors";
import {
  commitmentIfBoughtNow,
  commitmentOf,
  day,
  describeSubscriptionChange,
  seatPriceOf,
  type Commitment,
} from "../billing";
import { orUnknown, unchangedSincePreviousRun, validateInputs } from "../check";
import { inContext, PartialCreateError } from "../errors";
import { lockKeys, withLocks } from "../keyedLock";
import {
  describeLicences,
  findLicenceById,
  listLicences,
  matchLicenceName,
  normaliseLicenceName,
  type Licence,
} from "../licences";
import {
  describeDuration,
  DoubtfulProductError,
  graceEndsAt,
  orderLookWindowMs,
  pendingOrderGraceMs,
  pendingOrderMarker,
  provesNotExecuted,
  sendBilledCall,
  UnconfirmedOrderError,
} from "../orderOnce";
import {
  claimSubscription,
  isClaimedSubscription,
  lookForOrder,
  orderLockKeys,
  sendOrder,
  takeSnapshot,
  type OrderEvidence,
  type OrderIntent,
  type OrderSnapshot,
} from "./orders";
import { TaskFailedError, waitForTask } from "../tasks";
import type {
  BillingAmounts,
  CheckFailure,
  CheckResult,
  DiffResult,
  ReadResult,
  ResourceContext,
  ResourceHandler,
} from "../types";
import { isUnknown } from "../unknown";

// ---------------------------------------------------------------------------------------------------------
// Inputs

export const DELETION_POLICIES = ["cancel", "retain"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/** An optional field: `null` (as some adapters send for "not set") means absent. */
function optional<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((value) => (value === null ? undefined : value)) as unknown as z.ZodOptional<T>;
}

function subscriptionIdField(property: string, meaning: string) {
  return z
    .number({ error: `${property} must be a number: ${meaning}` })
    .int({ error: `${property} must be a whole number: ${meaning}` })
    .positive({ error: `${property} must be a positive OVH subscription id: ${meaning}` });
}

export const SubscriptionInputsSchema = z
  .object({
    tenant: orUnknown(
      z
        .string({ error: 'tenant is required: the CSP2 service name of the tenant (e.g. "csp2-123456")' })
        .trim()
        .min(1, {
          error: 'tenant must not be empty: give the CSP2 service name of the tenant (e.g. "csp2-123456")',
        }),
    ),
    licence: optional(
      orUnknown(
        z
          .string({ error: 'licence must be a licence name, e.g. "Microsoft 365 Business Standard"' })
          .trim()
          .min(1, { error: "licence must not be empty: give a licence name, or use licenceId instead" }),
      ),
    ),
    licenceId: optional(
      orUnknown(
        z
          .number({ error: "licenceId must be a number: the OVH id of an orderable licence" })
          .int({ error: "licenceId must be a whole number (an OVH licence id)" })
          .positive({ error: "licenceId must be a positive OVH licence id" }),
      ),
    ),
    quantity: orUnknown(
      z
        .number({ error: "quantity is required: the number of seats, a positive whole number" })
        .int({ error: "quantity must be a whole number of seats" })
        .positive({
          error: "quantity must be at least 1 seat (to stop paying for a licence, delete the resource)",
        }),
    ),
    parentSubscriptionId: optional(
      orUnknown(subscriptionIdField("parentSubscriptionId", "the subscription an add-on is ordered on")),
    ),
    existingSubscriptionId: optional(
      orUnknown(
        subscriptionIdField("existingSubscriptionId", "an existing subscription to adopt without ordering"),
      ),
    ),
    deletionPolicy: orUnknown(
      z.enum(DELETION_POLICIES, {
        error:
          'deletionPolicy must be "cancel" (cancel the subscription on delete) or "retain" (keep it at OVH)',
      }),
    ).default("cancel"),
    academicEligibilityAcknowledged: orUnknown(
      z.boolean({ error: "academicEligibilityAcknowledged must be true or false" }),
    ).default(false),
  })
  .superRefine((inputs, issues) => {
    const byName = inputs.licence !== undefined;
    const byId = inputs.licenceId !== undefined;
    if (byName === byId) {
      issues.addIssue({
        code: "custom",
        path: ["licence"],
        message: byName
          ? "licence and licenceId are both set: keep exactly one (the licence name, or its OVH id)"
          : "licence or licenceId is required: set exactly one (the licence name, or its OVH id)",
      });
    }
  });

/** The user's declaration of a subscription (after defaults). */
export type SubscriptionInputs = z.output<typeof SubscriptionInputsSchema>;

// ---------------------------------------------------------------------------------------------------------
// Outputs

/** What the provider stores in state (flat, JSON-serialisable). */
export interface SubscriptionOutputs {
  readonly tenant: string;
  /** OVH id of the subscription; null while an order is unconfirmed (see pendingOrderId). */
  readonly subscriptionId: number | null;
  readonly licenceId: number;
  /** The licence name as OVH spells it. */
  readonly licenceName: string;
  /** `NON-SPECIFIC` (standalone) or `ADDON`. */
  readonly licenceType: string;
  /** The licence name as the user wrote it (null when declared by licenceId). */
  readonly licence: string | null;
  /** OVH's status of the subscription (free text, e.g. `active`); `orderPending` while unconfirmed. */
  readonly status: string;
  readonly quantity: number;
  readonly creationDate: string | null;
  readonly lastUpdate: string | null;
  /** The OVH task pending on the subscription, null when none. */
  readonly taskPendingId: number | null;
  readonly parentSubscriptionId: number | null;
  readonly existingSubscriptionId: number | null;
  readonly deletionPolicy: DeletionPolicy;
  readonly academicEligibilityAcknowledged: boolean;
  /** `pending-order:<tenant>:<licenceId>:<epoch ms>` while OVH's answer to an order is unconfirmed, else null. */
  readonly pendingOrderId: string | null;
  /** Local time the unconfirmed order was sent (ISO 8601). */
  readonly pendingOrderAt: string | null;
  /** The order's task id, when OVH answered with it. */
  readonly pendingOrderTaskId: number | null;
  /** Subscription ids (add-on ids of the parent, for an add-on) that existed before the unconfirmed order. */
  readonly pendingOrderKnownSubscriptionIds: number[] | null;
  /** Pending task ids of the tenant before the unconfirmed order. */
  readonly pendingOrderKnownTaskIds: number[] | null;
  /** Monthly list price of one seat from OVH's price API (excluding tax); null when OVH gives none. */
  readonly seatPrice?: number | null;
  /** Currency of seatPrice / monthlyPrice (the account's, as OVH answers it). */
  readonly currency?: string | null;
  /** quantity × seatPrice; null when OVH gives no price. */
  readonly monthlyPrice?: number | null;
  /** End of the current billing period (next renewal): seats are billed at least until then. */
  readonly commitmentEndsAt?: string | null;
  /** End of the window after purchase or renewal in which seats may be decreased or the subscription cancelled. */
  readonly decreaseAllowedUntil?: string | null;
}

export { PENDING_ORDER_PREFIX } from "../orderOnce";
export const PENDING_STATUS = "orderPending";

export function resourceId(tenant: string, subscriptionId: number): string {
  return `${tenant}/${subscriptionId}`;
}

/** Parses `<tenant>/<subscriptionId>` (import ids). */
export function parseResourceId(id: string): { tenant: string; subscriptionId: number } | undefined {
  const slash = id.lastIndexOf("/");
  if (slash <= 0) return undefined;
  const tenant = id.slice(0, slash);
  const raw = id.slice(slash + 1);
  if (!/^\d+$/.test(raw)) return undefined;
  const subscriptionId = Number(raw);
  return Number.isSafeInteger(subscriptionId) && subscriptionId > 0 ? { tenant, subscriptionId } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Live rules (read-only GETs)

interface LiveCheck {
  readonly failures: CheckFailure[];
  /** The resolved licence, when the licence could be resolved. */
  readonly licence?: Licence;
  /** The subscription to adopt, as read while checking it (saves create a second GET). */
  readonly adoptable?: OfficeSubscription;
}

interface LiveCheckOptions {
  /** The inputs can lead to a NEW subscription (new resource, or a replacement). */
  readonly newObject: boolean;
  /** The current seat count, when the subscription exists (a seat increase needs `newSeatsAllowed`). */
  readonly previousQuantity?: number;
}

function licenceProperty(inputs: SubscriptionInputs): "licence" | "licenceId" {
  return inputs.licence !== undefined ? "licence" : "licenceId";
}

/**
 * Every rule that needs OVH, with GETs only. Calls: the tenant's catalogue once per run (1 + N GETs, shared by all
 * subscriptions of the tenant; 1 GET for a licence given by id alone), plus, only when a new object is declared,
 * 1 GET for an add-on (`availableAddonLicenses` of the parent) and 1-2 GETs for an adoption (the subscription,
 * and the parent's add-on ids when a parent is declared). Failure messages may list names: that can load the
 * catalogue.
 */
async function checkLive(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  options: LiveCheckOptions,
): Promise<LiveCheck> {
  const failures: CheckFailure[] = [];
  if (isUnknown(inputs.tenant)) {
    // The tenant is not created yet: check against the catalogue as another tenant of the account sees it
    // (read-only; a preview never creates a cart or anything else to learn it).
    const reference = await referenceTenant(ctx);
    if (reference === undefined || inputs.existingSubscriptionId !== undefined) return { failures };
    const checked = await checkLive(ctx, { ...inputs, tenant: reference }, { newObject: true });
    const where = `on tenant ${reference}`;
    const instead = `in OVH's CSP2 catalogue (as tenant ${reference} of this account sees it: the new tenant does not exist yet)`;
    return {
      failures: checked.failures.map((f) => ({ ...f, reason: f.reason.split(where).join(instead) })),
      ...(checked.licence ? { licence: checked.licence } : {}),
    };
  }
  const tenant = inputs.tenant;
  const property = licenceProperty(inputs);

  let licence: Licence | undefined;
  try {
    licence = await resolveLicence(ctx, inputs, failures);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) {
      failures.push({
        property: "tenant",
        reason: `tenant "${tenant}" was not found at OVH (${error.ovhMessage}): check the CSP2 service name and that these OVH credentials can see it`,
      });
      return { failures };
    }
    throw inContext(`Checking the licence of a subscription on tenant ${tenant}`, error);
  }
  if (!licence) return { failures };

  const quantity = inputs.quantity;
  if (!isUnknown(quantity)) {
    if (licence.limit !== null && quantity > licence.limit) {
      failures.push({
        property: "quantity",
        reason: `quantity ${quantity} is above the limit of ${licence.limit} seats OVH sets for "${licence.name}": lower it to ${licence.limit} or less`,
      });
    }
    const previous = options.previousQuantity;
    if (previous !== undefined && quantity > previous && !licence.newSeatsAllowed) {
      failures.push({
        property: "quantity",
        reason: `"${licence.name}" no longer accepts new seats (newSeatsAllowed is false at OVH): the quantity can only stay at ${previous} or decrease`,
      });
    }
  }
  if (
    licence.academic &&
    inputs.academicEligibilityAcknowledged !== true &&
    !isUnknown(inputs.academicEligibilityAcknowledged)
  ) {
    failures.push({
      property: "academicEligibilityAcknowledged",
      reason: `"${licence.name}" is an academic licence: Microsoft sells it only to verified eligible education institutions, and ordering it for another customer breaches the CSP terms. Set academicEligibilityAcknowledged: true once the customer's academic eligibility is confirmed`,
    });
  }

  if (options.newObject && inputs.existingSubscriptionId === undefined) {
    if (!licence.newSubscriptionsAllowed) {
      failures.push({
        property,
        reason: `"${licence.name}" (id ${licence.id}) cannot be ordered any more (newSubscriptionsAllowed is false at OVH): choose another licence, or adopt an existing subscription with existingSubscriptionId`,
      });
    }
    const parent = inputs.parentSubscriptionId;
    if (parent === undefined && licence.type === "ADDON") {
      failures.push({
        property: "parentSubscriptionId",
        reason: `"${licence.name}" is an add-on licence: set parentSubscriptionId to the subscription it is added to`,
      });
    }
    if (parent !== undefined && !isUnknown(parent)) {
      failures.push(...(await checkAddonAvailable(ctx, tenant, parent, licence, property)));
    }
  }
  const existing = inputs.existingSubscriptionId;
  let adoptable: OfficeSubscription | undefined;
  if (options.newObject && existing !== undefined && !isUnknown(existing)) {
    const adoption = await checkAdoptable(ctx, inputs, existing, licence);
    failures.push(...adoption.failures);
    adoptable = adoption.live;
  }
  return { failures, licence, ...(adoptable ? { adoptable } : {}) };
}

const referenceTenants = new WeakMap<object, Promise<string | undefined>>();

/** A tenant of the account whose catalogue stands for a tenant not created yet (1 GET per run); none: undefined. */
function referenceTenant(ctx: ResourceContext): Promise<string | undefined> {
  let found = referenceTenants.get(ctx.ovh);
  if (!found) {
    found = csp2.listTenants(ctx.ovh).then(
      (names) => [...names].sort()[0],
      () => undefined,
    );
    referenceTenants.set(ctx.ovh, found);
  }
  return found;
}

/** Resolves the declared licence (by name or id) or adds a failure saying what can be ordered instead. */
async function resolveLicence(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  failures: CheckFailure[],
): Promise<Licence | undefined> {
  const tenant = inputs.tenant;
  if (inputs.licenceId !== undefined) {
    if (isUnknown(inputs.licenceId)) return undefined;
    const licence = await findLicenceById(ctx, tenant, inputs.licenceId);
    if (!licence) {
      const all = await listLicences(ctx, tenant);
      failures.push({
        property: "licenceId",
        reason: `licence id ${inputs.licenceId} is not orderable on tenant ${tenant}. Orderable licences: ${describeLicences(all)}`,
      });
    }
    return licence;
  }
  if (inputs.licence === undefined || isUnknown(inputs.licence)) return undefined;
  const all = await listLicences(ctx, tenant);
  const match = matchLicenceName(all, inputs.licence);
  if (match.match) return match.match;
  if (match.ambiguous) {
    failures.push({
      property: "licence",
      reason: `several licences are named "${inputs.licence}" on tenant ${tenant}: ${describeLicences(match.ambiguous)}. Use licenceId to pick one`,
    });
    return undefined;
  }
  const hint =
    match.suggestions.length > 0
      ? `Did you mean ${match.suggestions.map((name) => `"${name}"`).join(", ")}? `
      : "";
  failures.push({
    property: "licence",
    reason: `no orderable licence is named "${inputs.licence}" on tenant ${tenant} (names are matched ignoring case). ${hint}Orderable licences: ${describeLicences(all)}`,
  });
  return undefined;
}

/** 1 GET: the parent's `availableAddonLicenses` (a 404 there means the parent does not exist). */
async function checkAddonAvailable(
  ctx: ResourceContext,
  tenant: string,
  parent: number,
  licence: Licence,
  property: string,
): Promise<CheckFailure[]> {
  let available: number[];
  try {
    available = await csp2.listAvailableAddonLicenses(ctx.ovh, tenant, parent);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) {
      return [
        {
          property: "parentSubscriptionId",
          reason: `subscription ${parent} was not found on tenant ${tenant}: set parentSubscriptionId to an existing subscription of this tenant`,
        },
      ];
    }
    throw inContext(`Listing the add-ons available on subscription ${parent} of tenant ${tenant}`, error);
  }
  if (available.includes(licence.id)) return [];
  const catalogue = await listLicences(ctx, tenant);
  const names = catalogue.filter((candidate) => available.includes(candidate.id));
  const list = names.length > 0 ? describeLicences(names) : "none";
  return [
    {
      property,
      reason: `"${licence.name}" (id ${licence.id}) is not an add-on available on subscription ${parent} of tenant ${tenant}. Available add-ons there: ${list}`,
    },
  ];
}

/** 1-2 GETs: the adopted subscription, and the parent's add-on ids when a parent is declared. */
async function checkAdoptable(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  existing: number,
  licence: Licence,
): Promise<{ failures: CheckFailure[]; live?: OfficeSubscription }> {
  const tenant = inputs.tenant;
  let live: OfficeSubscription;
  try {
    live = await csp2.getSubscription(ctx.ovh, tenant, existing);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) {
      return {
        failures: [
          {
            property: "existingSubscriptionId",
            reason: `subscription ${existing} was not found on tenant ${tenant}: give the id of an existing subscription of this tenant, or remove existingSubscriptionId to order a new one`,
          },
        ],
      };
    }
    throw inContext(`Reading subscription ${existing} of tenant ${tenant} to adopt it`, error);
  }
  if (live.licenseId !== licence.id) {
    const actual = await findLicenceById(ctx, tenant, live.licenseId);
    return {
      failures: [
        {
          property: "existingSubscriptionId",
          reason: `subscription ${existing} on tenant ${tenant} is licence ${actual ? `"${actual.name}" ` : ""}(id ${live.licenseId}), not "${licence.name}" (id ${licence.id}): fix the licence or the subscription id`,
        },
      ],
    };
  }
  const parent = inputs.parentSubscriptionId;
  if (parent === undefined || isUnknown(parent)) return { failures: [], live };
  let addons: number[];
  try {
    addons = await csp2.listAddonSubscriptionIds(ctx.ovh, tenant, parent);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) addons = [];
    else throw inContext(`Listing the add-ons of subscription ${parent} of tenant ${tenant}`, error);
  }
  if (addons.includes(existing)) return { failures: [], live };
  return {
    failures: [
      {
        property: "parentSubscriptionId",
        reason: `subscription ${existing} is not an add-on of subscription ${parent} on tenant ${tenant}: fix parentSubscriptionId (or remove it)`,
      },
    ],
  };
}

function failuresText(failures: readonly CheckFailure[]): string {
  return failures.map((failure) => `  - ${failure.property}: ${failure.reason}`).join("\n");
}

/** Throws when a live rule fails right before a mutating call (check may have been skipped in preview). */
function refuseOn(failures: readonly CheckFailure[], what: string): void {
  if (failures.length === 0) return;
  throw new Error(
    `${what}: refused before calling OVH, nothing was ordered or changed:\n${failuresText(failures)}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return false;
  return normaliseLicenceName(a) === normaliseLicenceName(b);
}

function orNull<T>(value: T | undefined | null): T | null {
  return value === undefined || value === null ? null : value;
}

function assertKnown(inputs: SubscriptionInputs, operation: string): void {
  const unknown = Object.entries(inputs)
    .filter(([, value]) => isUnknown(value))
    .map(([key]) => key);
  if (unknown.length > 0)
    throw new Error(
      `Cannot ${operation} a subscription while ${unknown.join(", ")} are unknown (preview values).`,
    );
}

function what(tenant: string, subscriptionId: number | null): string {
  return subscriptionId === null
    ? `subscription on tenant ${tenant}`
    : `subscription ${subscriptionId} on tenant ${tenant}`;
}

/** The user-chosen, state-only settings carried into the outputs. */
interface Settings {
  readonly licence: string | null;
  readonly parentSubscriptionId: number | null;
  readonly existingSubscriptionId: number | null;
  readonly deletionPolicy: DeletionPolicy;
  readonly academicEligibilityAcknowledged: boolean;
}

function settingsOf(inputs: SubscriptionInputs): Settings {
  return {
    licence: orNull(inputs.licence),
    parentSubscriptionId: orNull(inputs.parentSubscriptionId),
    existingSubscriptionId: orNull(inputs.existingSubscriptionId),
    deletionPolicy: inputs.deletionPolicy,
    academicEligibilityAcknowledged: inputs.academicEligibilityAcknowledged,
  };
}

const NO_PENDING = {
  pendingOrderId: null,
  pendingOrderAt: null,
  pendingOrderTaskId: null,
  pendingOrderKnownSubscriptionIds: null,
  pendingOrderKnownTaskIds: null,
} as const;

interface LicenceRef {
  readonly id: number;
  readonly name: string;
  readonly type: string;
}

function outputsFrom(
  tenant: string,
  live: OfficeSubscription,
  licence: LicenceRef,
  settings: Settings,
): SubscriptionOutputs {
  return {
    tenant,
    subscriptionId: live.id,
    licenceId: live.licenseId,
    licenceName: licence.name,
    licenceType: licence.type,
    licence: settings.licence,
    status: live.status,
    quantity: live.quantity,
    creationDate: orNull(live.creationDate),
    lastUpdate: orNull(live.lastUpdate),
    taskPendingId: live.taskPendingId === 0 ? null : live.taskPendingId,
    parentSubscriptionId: settings.parentSubscriptionId,
    existingSubscriptionId: settings.existingSubscriptionId,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    ...NO_PENDING,
    ...commitmentOutputs(commitmentOf(live.creationDate)),
  };
}

function commitmentOutputs(commitment: Commitment | undefined) {
  return {
    commitmentEndsAt: commitment?.periodEnd ?? null,
    decreaseAllowedUntil: commitment?.decreaseAllowedUntil ?? null,
  };
}

/** Adds the price outputs (1 GET per licence and run, from OVH's price API); a price failure never fails an operation. */
async function priced(ctx: ResourceContext, outs: SubscriptionOutputs): Promise<SubscriptionOutputs> {
  const seat = await seatPriceOf(ctx, outs.licenceName).catch(() => undefined);
  return {
    ...outs,
    seatPrice: seat?.value ?? null,
    currency: seat?.currency ?? null,
    monthlyPrice: seat ? Math.round(seat.value * outs.quantity * 100) / 100 : null,
  };
}

interface PendingOrder {
  readonly marker: string;
  readonly snapshot: OrderSnapshot;
  readonly taskId: number | null;
}

function pendingOutputs(intent: OrderIntent, settings: Settings, pending: PendingOrder): SubscriptionOutputs {
  return {
    tenant: intent.tenant,
    subscriptionId: null,
    licenceId: intent.licence.id,
    licenceName: intent.licence.name,
    licenceType: intent.licence.type,
    licence: settings.licence,
    status: PENDING_STATUS,
    quantity: intent.quantity,
    creationDate: null,
    lastUpdate: null,
    taskPendingId: pending.taskId,
    parentSubscriptionId: intent.parentSubscriptionId,
    existingSubscriptionId: null,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    pendingOrderId: pending.marker,
    pendingOrderAt: pending.snapshot.orderedAt,
    pendingOrderTaskId: pending.taskId,
    pendingOrderKnownSubscriptionIds: [...pending.snapshot.subscriptionIds],
    pendingOrderKnownTaskIds: [...pending.snapshot.taskIds],
  };
}

/** The pending order recorded in outputs, or undefined. */
function pendingOf(
  olds: Partial<SubscriptionOutputs>,
): { intent: OrderIntent; pending: PendingOrder } | undefined {
  if (typeof olds.pendingOrderId !== "string" || olds.tenant === undefined || olds.licenceId === undefined)
    return undefined;
  return {
    intent: {
      tenant: olds.tenant,
      licence: {
        id: olds.licenceId,
        name: olds.licenceName ?? `licence ${olds.licenceId}`,
        type: olds.licenceType ?? "",
        limit: null,
        newSeatsAllowed: true,
        newSubscriptionsAllowed: true,
        academic: false,
      },
      quantity: olds.quantity ?? 1,
      parentSubscriptionId: olds.parentSubscriptionId ?? null,
    },
    pending: {
      marker: olds.pendingOrderId,
      taskId: olds.pendingOrderTaskId ?? null,
      snapshot: {
        subscriptionIds: olds.pendingOrderKnownSubscriptionIds ?? [],
        taskIds: olds.pendingOrderKnownTaskIds ?? [],
        orderedAt: olds.pendingOrderAt ?? new Date(0).toISOString(),
      },
    },
  };
}

/** Thrown inside the order logic: OVH may hold the order; the caller records it as a partial create. */
class UnconfirmedOrder extends UnconfirmedOrderError<PendingOrder> {
  constructor(message: string, pending: PendingOrder) {
    super(message, pending.marker, pending);
  }

  get pending(): PendingOrder {
    return this.record;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Ordering

/**
 * Sends ONE order and identifies its subscription (the caller holds the order locks). Calls: 2 GETs (snapshot) +
 * 1 POST + the task's polls (about 3 for a 1 s task, 8 for a minute, see poller.ts) + 1 GET of the list + 1 GET per
 * new id of unknown licence (1 normally). Throws UnconfirmedOrder when OVH may hold an order it did not confirm,
 * a plain error when nothing was ordered.
 */
async function orderAndIdentify(ctx: ResourceContext, intent: OrderIntent): Promise<OfficeSubscription> {
  const label = describeIntent(intent);
  let snapshot: OrderSnapshot;
  try {
    snapshot = await takeSnapshot(ctx, intent);
  } catch (error) {
    throw inContext(`Preparing the order of ${label} (nothing was ordered)`, error);
  }
  const marker = pendingOrderMarker(intent.tenant, intent.licence.id, Date.parse(snapshot.orderedAt));
  ctx.log?.info(`Ordering ${label}.`);
  const sent = await sendBilledCall(
    () => sendOrder(ctx, intent),
    (error) =>
      inContext(`Ordering ${label} was refused by OVH; nothing was ordered`, error, refusalHint(error)),
  );
  if (sent.kind === "mayHaveActed") {
    ctx.log?.warn(
      `The answer to the order of ${label} could not be used (${message(sent.error)}); OVH may have taken it: looking at OVH before anything else.`,
    );
    return await recoverLostAnswer(ctx, intent, { marker, snapshot, taskId: null }, sent.error);
  }
  const task = sent.answer;
  let finished: OfficeTask;
  try {
    finished = await waitForTask(ctx, intent.tenant, task);
  } catch (error) {
    if (error instanceof TaskFailedError)
      throw inContext(`Ordering ${label} failed at OVH; nothing was ordered`, error);
    throw new UnconfirmedOrder(
      `OVH accepted the order of ${label} (task ${task.id}, ${task.function}), but it could not be followed to its end: ${message(error)}`,
      { marker, snapshot, taskId: task.id },
    );
  }
  // The task is done: look for its subscription (normally found at the first look; the window only covers a
  // list that lags behind the task).
  const pending: PendingOrder = { marker, snapshot, taskId: task.id };
  const evidence = await lookOrUnconfirmed(ctx, intent, pending, orderLookWindowMs(), finished);
  if (evidence.kind === "subscription") return evidence.subscription;
  throw new UnconfirmedOrder(
    `OVH finished the order of ${label} (task ${task.id}), but the new subscription is not visible yet${ignoredText(evidence)}`,
    pending,
  );
}

async function recoverLostAnswer(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  cause: unknown,
): Promise<OfficeSubscription> {
  const evidence = await lookOrUnconfirmed(ctx, intent, pending, orderLookWindowMs());
  if (evidence.kind === "subscription") {
    ctx.log?.info(
      `The order of ${describeIntent(intent)} did reach OVH: subscription ${evidence.subscription.id} (${evidence.because}).`,
    );
    return evidence.subscription;
  }
  throw new UnconfirmedOrder(
    `The answer to the order of ${describeIntent(intent)} could not be used (${message(cause)}), and OVH shows no trace of it yet${ignoredText(evidence)}`,
    pending,
  );
}

/**
 * lookForOrder from the operation that sent the order (it holds the order locks), where anything but the product
 * becomes "unconfirmed" (the order may exist): a failure to look, a failed task (only from the order's own task,
 * which the caller follows itself), or several candidates.
 */
async function lookOrUnconfirmed(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  windowMs: number,
  finishedTask?: OfficeTask,
): Promise<OrderEvidence> {
  let evidence: OrderEvidence;
  // An order-like task found after a lost answer is recorded as the order's, so a later run can prove its product.
  let seenTaskId = pending.taskId;
  try {
    evidence = await lookForOrder(ctx, intent, pending.snapshot, {
      taskId: pending.taskId,
      ...(finishedTask ? { finishedTask } : {}),
      windowMs,
      sameOperation: true,
      onOrderTask: (task) => {
        seenTaskId ??= task.id;
      },
    });
  } catch (error) {
    throw new UnconfirmedOrder(
      `Looking for the order of ${describeIntent(intent)} failed: ${message(error)}`,
      { ...pending, taskId: seenTaskId },
    );
  }
  if (evidence.kind === "subscription") claimSubscription(intent.tenant, evidence.subscription.id);
  if (evidence.kind === "doubt")
    throw new UnconfirmedOrder(
      `Several new subscriptions could be the product of the order of ${describeIntent(intent)}: ${evidence.candidates.join("; ")}. ` +
        "They were probably ordered at the same time outside this Pulumi run; the provider does not guess",
      { ...pending, taskId: seenTaskId },
    );
  if (evidence.kind === "none" && seenTaskId !== pending.taskId)
    throw new UnconfirmedOrder(
      `OVH ran an order task (${seenTaskId}) for the order of ${describeIntent(intent)}, but its subscription is not visible yet`,
      { ...pending, taskId: seenTaskId },
    );
  return evidence;
}

/** " (not taken: …)" for new subscriptions that contradict the order, so the user sees what was seen. */
function ignoredText(evidence: OrderEvidence): string {
  return evidence.kind === "none" && evidence.ignored.length > 0
    ? ` (new subscriptions seen but not taken, as they contradict the order: ${evidence.ignored.join("; ")})`
    : "";
}

function describeIntent(intent: OrderIntent): string {
  const on =
    intent.parentSubscriptionId === null
      ? ""
      : ` as an add-on of subscription ${intent.parentSubscriptionId}`;
  return `${intent.quantity} seat(s) of "${intent.licence.name}" (licence ${intent.licence.id}) on tenant ${intent.tenant}${on}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refusalHint(error: unknown): string | undefined {
  if (error instanceof OvhApiError && error.isConflict)
    return "OVH refused because something is in progress (a pending task on the tenant or the parent subscription): wait for it to end, then run `pulumi up` again.";
  if (error instanceof OvhApiError && error.isInvalidRequest)
    return "Fix the declaration as OVH's message says (licence, quantity, limit), then run `pulumi up` again.";
  return undefined;
}

function unconfirmedText(error: UnconfirmedOrder): string {
  return (
    `${error.message}.\nThe resource is kept in the Pulumi state as ${error.pending.marker} so that the order is never sent twice: ` +
    `the next \`pulumi up\` (or \`pulumi refresh\`) looks for it again at OVH and takes it only with proof that it is this order's; ` +
    `it orders again only when OVH shows no trace of this order ${describeDuration(pendingOrderGraceMs())} after it was sent, or its task failed. ` +
    "If you know which subscription this order produced, set existingSubscriptionId to its id on this resource and run `pulumi up`."
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reading

async function readLive(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
): Promise<OfficeSubscription | undefined> {
  try {
    return await csp2.getSubscription(ctx.ovh, tenant, subscriptionId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return undefined;
    throw inContext(`Reading ${what(tenant, subscriptionId)}`, error);
  }
}

/** Name and type of a subscription's licence: from olds when it is the same licence, else 0-1 GET. */
async function licenceRef(
  ctx: ResourceContext,
  tenant: string,
  licenceId: number,
  olds: Partial<SubscriptionOutputs> | undefined,
): Promise<LicenceRef> {
  if (olds?.licenceId === licenceId && olds.licenceName !== undefined && olds.licenceType !== undefined)
    return { id: licenceId, name: olds.licenceName, type: olds.licenceType };
  const licence = await findLicenceById(ctx, tenant, licenceId).catch(() => undefined);
  return licence ?? { id: licenceId, name: `licence ${licenceId}`, type: "unknown" };
}

/** Inputs that reproduce `outs` (refresh and import), keeping the user's licence-by-name vs by-id style. */
function inputsFrom(outs: SubscriptionOutputs): SubscriptionInputs {
  const inputs: Record<string, unknown> = {
    tenant: outs.tenant,
    quantity: outs.quantity,
    deletionPolicy: outs.deletionPolicy,
    academicEligibilityAcknowledged: outs.academicEligibilityAcknowledged,
  };
  if (outs.licence !== null) inputs.licence = outs.licence;
  else inputs.licenceId = outs.licenceId;
  if (outs.parentSubscriptionId !== null) inputs.parentSubscriptionId = outs.parentSubscriptionId;
  if (outs.existingSubscriptionId !== null) inputs.existingSubscriptionId = outs.existingSubscriptionId;
  return inputs as SubscriptionInputs;
}

/** For an imported add-on: the subscription it hangs on (1 GET per standalone subscription of the tenant). */
async function findParent(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
): Promise<number | null> {
  const ids = await csp2.listSubscriptions(ctx.ovh, tenant);
  for (const id of ids) {
    if (id === subscriptionId) continue;
    try {
      if ((await csp2.listAddonSubscriptionIds(ctx.ovh, tenant, id)).includes(subscriptionId)) return id;
    } catch (error) {
      if (!(error instanceof OvhApiError && error.isGone)) throw error;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Quantity change

/**
 * Calls: 1 GET (live state: skip when already at the target, wait for a pending task first) + 1 POST + the task's
 * polls + 1 GET (final state); +0-1 GET for the licence flags when the catalogue is not cached yet.
 */
async function applyQuantity(
  ctx: ResourceContext,
  outs: SubscriptionOutputs,
  quantity: number,
): Promise<SubscriptionOutputs> {
  const tenant = outs.tenant;
  const subscriptionId = outs.subscriptionId as number;
  const label = what(tenant, subscriptionId);
  return withLocks([lockKeys.subscription(tenant, subscriptionId)], async () => {
    let live = await readLive(ctx, tenant, subscriptionId);
    if (!live)
      throw new Error(
        `Changing the seats of ${label}: it no longer exists at OVH. Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` to order it again if it is still wanted.`,
      );
    if (live.taskPendingId !== 0) {
      await followPending(ctx, tenant, live.taskPendingId, label);
      live = (await readLive(ctx, tenant, subscriptionId)) ?? live;
    }
    const settings: Settings = outs;
    const ref: LicenceRef = { id: outs.licenceId, name: outs.licenceName, type: outs.licenceType };
    if (live.quantity === quantity) return outputsFrom(tenant, live, ref, settings);

    const licence = await findLicenceById(ctx, tenant, live.licenseId).catch(() => undefined);
    const failures: CheckFailure[] = [];
    if (licence && quantity > live.quantity && !licence.newSeatsAllowed)
      failures.push({
        property: "quantity",
        reason: `"${licence.name}" no longer accepts new seats (newSeatsAllowed is false at OVH): the quantity can only stay at ${live.quantity} or decrease`,
      });
    if (licence && licence.limit !== null && quantity > licence.limit)
      failures.push({
        property: "quantity",
        reason: `quantity ${quantity} is above the limit of ${licence.limit} seats OVH sets for "${licence.name}"`,
      });
    refuseOn(failures, `Changing the seats of ${label} from ${live.quantity} to ${quantity}`);

    ctx.log?.info(`Changing the seats of ${label} from ${live.quantity} to ${quantity}.`);
    let task: OfficeTask;
    try {
      task = await csp2.changeSubscriptionQuantity(ctx.ovh, tenant, subscriptionId, { quantity });
    } catch (error) {
      const hint = provesNotExecuted(error)
        ? refusalHint(error)
        : "OVH may have applied the change: the next `pulumi up` reads the live seat count first and does not repeat a change that is already there.";
      throw inContext(`Changing the seats of ${label} from ${live.quantity} to ${quantity}`, error, hint);
    }
    try {
      await waitForTask(ctx, tenant, task);
    } catch (error) {
      throw inContext(`Changing the seats of ${label} to ${quantity}`, error);
    }
    const after = await readLive(ctx, tenant, subscriptionId);
    return outputsFrom(tenant, after ?? { ...live, quantity }, ref, settings);
  });
}

/** Waits for a task already pending on a subscription (started elsewhere, or a previous run). */
async function followPending(
  ctx: ResourceContext,
  tenant: string,
  taskId: number,
  label: string,
): Promise<void> {
  try {
    await waitForTask(ctx, tenant, await csp2.getTask(ctx.ovh, tenant, taskId));
  } catch (error) {
    if (error instanceof OvhApiError && error.isGone) return;
    if (error instanceof TaskFailedError) return; // it ended; the live state says what it left
    throw inContext(`Waiting for task ${taskId} already pending on ${label}`, error);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pending orders (update, read, delete)

type PendingResolution =
  | { readonly kind: "found"; readonly subscription: OfficeSubscription; readonly because: string }
  | { readonly kind: "neverTaken"; readonly reason: string }
  | { readonly kind: "undetermined"; readonly retryAfter: Date };

/**
 * Applies the evidence rule to an order left unconfirmed by an earlier run (see the top of the module). Calls:
 * one look series (lookForOrder). Throws DoubtfulProductError when new subscriptions could be the product but
 * none provably is: they may belong to other resources, whose seats must never be touched on a guess.
 */
async function resolvePending(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  windowMs: number,
): Promise<PendingResolution> {
  const evidence = await lookForOrder(ctx, intent, pending.snapshot, {
    taskId: pending.taskId,
    windowMs,
    sameOperation: false,
  });
  if (evidence.kind === "subscription") {
    claimSubscription(intent.tenant, evidence.subscription.id);
    return { kind: "found", subscription: evidence.subscription, because: evidence.because };
  }
  if (evidence.kind === "failed")
    return {
      kind: "neverTaken",
      reason: `its task ${evidence.task.id} (${evidence.task.function}) ended in status "${evidence.task.status}"`,
    };
  if (evidence.kind === "doubt") throw doubtfulPending(intent, pending, evidence.candidates);
  const retryAfter = graceEndsAt(pending.snapshot.orderedAt);
  if (Date.now() >= retryAfter.getTime())
    return {
      kind: "neverTaken",
      reason: `OVH shows neither a new "${intent.licence.name}" subscription of ${intent.quantity} seat(s) nor an order task since ${pending.snapshot.orderedAt}`,
    };
  return { kind: "undetermined", retryAfter };
}

function doubtfulPending(
  intent: OrderIntent,
  pending: PendingOrder,
  candidates: readonly string[],
): DoubtfulProductError {
  return new DoubtfulProductError(
    `The order ${pending.marker} (${describeIntent(intent)}, sent at ${pending.snapshot.orderedAt}) is unconfirmed, and ` +
      `${candidates.length === 1 ? "a new subscription has" : "new subscriptions have"} appeared since: ${candidates.join("; ")}. ` +
      "Nothing proves that one of them is this order's product rather than another resource's or another order's, so " +
      "nothing was ordered, changed or cancelled. To resolve it, check the tenant in the OVHcloud Control Panel, then either " +
      "set existingSubscriptionId to the id of this order's subscription on this resource and run `pulumi up` (it is " +
      "taken as it is), or, if none of them is this order's, remove this resource from the state (`pulumi state delete " +
      "<urn>`) and run `pulumi up` to order it afresh.",
    candidates,
  );
}

/**
 * The user names the product of the unconfirmed order (existingSubscriptionId): the proof the provider could not
 * find. Checked like any adoption (exists, same licence, right parent); never another resource's.
 */
async function adoptNamedProduct(
  ctx: ResourceContext,
  intent: OrderIntent,
  pending: PendingOrder,
  subscriptionId: number,
): Promise<OfficeSubscription> {
  const label = `subscription ${subscriptionId} on tenant ${intent.tenant}`;
  const live = await readLive(ctx, intent.tenant, subscriptionId);
  const problems: string[] = [];
  if (!live) problems.push("it does not exist at OVH");
  else if (live.licenseId !== intent.licence.id)
    problems.push(
      `it is of licence ${live.licenseId}, where "${intent.licence.name}" (${intent.licence.id}) was ordered`,
    );
  if (isClaimedSubscription(intent.tenant, subscriptionId))
    problems.push("another resource of this stack already holds it");
  if (problems.length > 0 || !live)
    throw new Error(
      `existingSubscriptionId ${subscriptionId} cannot settle the unconfirmed order ${pending.marker}: ${problems.join("; ")}. ` +
        "Give the id of the subscription this order produced, or remove existingSubscriptionId.",
    );
  claimSubscription(intent.tenant, subscriptionId);
  ctx.log?.info(
    `The unconfirmed order ${pending.marker} is settled as ${label}, as declared by existingSubscriptionId.`,
  );
  return live;
}

async function updatePending(
  id: string,
  olds: SubscriptionOutputs,
  news: SubscriptionInputs,
  ctx: ResourceContext,
): Promise<SubscriptionOutputs> {
  const recorded = pendingOf(olds);
  if (!recorded) throw new Error(`Internal error: ${id} has no pending order`);
  const { intent, pending } = recorded;
  const settings = settingsOf(news);
  const label = describeIntent(intent);
  const adopted = await withLocks(orderLockKeys(intent), async (): Promise<OfficeSubscription> => {
    if (news.existingSubscriptionId !== undefined)
      return adoptNamedProduct(ctx, intent, pending, news.existingSubscriptionId);
    let resolution: PendingResolution;
    try {
      resolution = await resolvePending(ctx, intent, pending, orderLookWindowMs());
    } catch (error) {
      if (error instanceof DoubtfulProductError) throw error;
      throw inContext(
        `Looking for the unconfirmed order ${pending.marker} (${label})`,
        error,
        "Nothing was ordered again. Run `pulumi up` again later; the order is looked for again before anything is sent.",
      );
    }
    if (resolution.kind === "found") {
      ctx.log?.info(
        `The unconfirmed order ${pending.marker} did reach OVH: subscription ${resolution.subscription.id} (${resolution.because}).`,
      );
      return resolution.subscription;
    }
    if (resolution.kind === "undetermined")
      throw new Error(
        `The order ${pending.marker} (${label}) sent at ${pending.snapshot.orderedAt} is still unconfirmed: OVH shows no trace of it yet, ` +
          `and it is too early to conclude it was never taken. Nothing was ordered again. Run \`pulumi up\` again after ` +
          `${resolution.retryAfter.toISOString()}.`,
      );
    // OVH never took it: order now (same locks held), with the declared (possibly changed) quantity.
    ctx.log?.warn(`The order ${pending.marker} never reached OVH (${resolution.reason}); ordering again.`);
    const fresh = await checkLive(ctx, news, { newObject: true });
    refuseOn(fresh.failures, `Ordering ${label} again`);
    const again: OrderIntent = {
      ...intent,
      licence: fresh.licence ?? intent.licence,
      quantity: news.quantity,
    };
    try {
      return await orderAndIdentify(ctx, again);
    } catch (error) {
      if (error instanceof UnconfirmedOrder)
        throw new PartialCreateError(
          unconfirmedText(error),
          id,
          pendingOutputs(again, settings, error.pending),
        );
      throw error;
    }
  });
  const outs = outputsFrom(intent.tenant, adopted, intent.licence, settings);
  if (news.quantity !== outs.quantity) return applyQuantity(ctx, outs, news.quantity);
  return outs;
}

// ---------------------------------------------------------------------------------------------------------
// The handler

async function check(
  raw: Record<string, unknown>,
  ctx: ResourceContext | undefined,
  oldInputs?: Record<string, unknown>,
): Promise<CheckResult<SubscriptionInputs>> {
  const validated = validateInputs(SubscriptionInputsSchema, raw);
  if (!validated.inputs || !ctx) return validated;
  const inputs = validated.inputs;
  if (unchangedSincePreviousRun(SubscriptionInputsSchema, inputs, oldInputs)) return validated;
  const previous = previousInputs(oldInputs);
  const newObject = !previous || replacementKeys(previous, inputs).length > 0;
  const live = await checkLive(ctx, inputs, {
    newObject,
    ...(previous && !newObject && typeof previous.quantity === "number"
      ? { previousQuantity: previous.quantity }
      : {}),
  });
  if (live.failures.length > 0) return { failures: live.failures };
  const billing = await billingOf(ctx, inputs, previous, newObject, live);
  if (billing.failures.length > 0) return { failures: billing.failures };
  return {
    ...validated,
    ...(billing.notes.length > 0 ? { notes: billing.notes } : {}),
    ...(billing.amounts ? { amounts: billing.amounts } : {}),
  };
}

/**
 * What the declared change bills (preview line), and the commitment rule it would break (a failure). Only for a
 * change that bills or un-bills seats: a new subscription, or a seat change. Calls: the price (1 GET per licence
 * and run); for a seat change, the subscription's purchase date (the tenant's subscriptions of that licence).
 */
async function billingOf(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  previous: SubscriptionInputs | undefined,
  newObject: boolean,
  live: LiveCheck,
): Promise<{ notes: string[]; failures: CheckFailure[]; amounts?: BillingAmounts }> {
  const none = { notes: [], failures: [] };
  const licence = live.licence;
  if (!licence || isUnknown(inputs.quantity) || (!newObject && isUnknown(inputs.tenant))) return none;
  const adopting = inputs.existingSubscriptionId !== undefined;
  if (newObject && adopting) return none; // adoption orders nothing; a seat difference shows as the next update
  const before = !newObject && previous && typeof previous.quantity === "number" ? previous.quantity : 0;
  const seat = await seatPriceOf(ctx, licence.name).catch(() => undefined);
  if (!newObject && before === inputs.quantity) {
    // Nothing billed changes (a state-only edit): the amounts still count in a change set's total.
    const monthly = seat ? Math.round(seat.value * before * 100) / 100 : undefined;
    return monthly === undefined
      ? none
      : {
          ...none,
          amounts: { monthlyBefore: monthly, monthlyAfter: monthly, currency: seat?.currency ?? "" },
        };
  }
  const commitment = newObject
    ? commitmentIfBoughtNow()
    : await currentCommitment(ctx, inputs.tenant, licence, previous, before);
  const change = describeSubscriptionChange({
    licenceName: licence.name,
    seatsBefore: before,
    seatsAfter: inputs.quantity,
    kind: newObject ? "new" : "seats",
    price: seat,
    commitment,
  });
  if (!newObject && inputs.quantity < before && commitment && !commitment.windowOpen)
    return {
      notes: [],
      failures: [
        {
          property: "quantity",
          reason: `decreasing "${licence.name}" from ${before} to ${inputs.quantity} seats is refused by Microsoft's commitment rules: the window for decreases after purchase or renewal closed on ${day(commitment.decreaseAllowedUntil)}, and the seats stay billed until ${day(commitment.periodEnd)}. Keep ${before} seats now and lower the quantity within ${day(commitment.periodEnd)} and the following window (the renewal's cancellation window)`,
        },
      ],
    };
  const amounts =
    change.monthlyBefore !== null && change.monthlyAfter !== null && change.currency !== null
      ? { monthlyBefore: change.monthlyBefore, monthlyAfter: change.monthlyAfter, currency: change.currency }
      : undefined;
  return { notes: [change.message], failures: [], ...(amounts ? { amounts } : {}) };
}

/**
 * The commitment of the existing subscription a seat change applies to. check knows its previous inputs, not its
 * id: the subscription is the adopted one, or the only one of the tenant with this licence (and parent) and the
 * previous seat count. Undefined when that is not one subscription (the line then says the commitment is unknown).
 */
async function currentCommitment(
  ctx: ResourceContext,
  tenant: string,
  licence: Licence,
  previous: SubscriptionInputs | undefined,
  before: number,
): Promise<Commitment | undefined> {
  try {
    const adopted = previous?.existingSubscriptionId;
    if (typeof adopted === "number")
      return commitmentOf((await csp2.getSubscription(ctx.ovh, tenant, adopted)).creationDate);
    const parent = previous?.parentSubscriptionId;
    const ids =
      typeof parent === "number"
        ? await csp2.listAddonSubscriptionIds(ctx.ovh, tenant, parent)
        : await csp2.listSubscriptions(ctx.ovh, tenant);
    const subscriptions = await Promise.all(ids.map((id) => csp2.getSubscription(ctx.ovh, tenant, id)));
    const matches = subscriptions.filter((s) => s.licenseId === licence.id && s.quantity === before);
    return matches.length === 1 ? commitmentOf(matches[0]?.creationDate) : undefined;
  } catch {
    return undefined;
  }
}

/** The previous inputs, when the resource already exists. */
function previousInputs(olds: Record<string, unknown> | undefined): SubscriptionInputs | undefined {
  if (!olds || olds.tenant === undefined) return undefined;
  const parsed = SubscriptionInputsSchema.safeParse(
    Object.fromEntries(Object.entries(olds).filter(([key]) => !key.startsWith("__"))),
  );
  return parsed.success ? parsed.data : undefined;
}

/** Replacement-forcing differences between two declarations (inputs vs inputs). */
function replacementKeys(olds: SubscriptionInputs, news: SubscriptionInputs): string[] {
  const keys: string[] = [];
  if (olds.tenant !== news.tenant) keys.push("tenant");
  const licenceSame =
    news.licence !== undefined
      ? olds.licence !== undefined && sameName(olds.licence, news.licence)
      : olds.licenceId !== undefined && olds.licenceId === news.licenceId;
  if (!licenceSame) keys.push(licenceProperty(news));
  if (olds.parentSubscriptionId !== news.parentSubscriptionId) keys.push("parentSubscriptionId");
  if (olds.existingSubscriptionId !== news.existingSubscriptionId) keys.push("existingSubscriptionId");
  return keys;
}

function diff(_id: string, olds: SubscriptionOutputs, raw: SubscriptionInputs): DiffResult {
  // The engine diffs every resource of the program: what each one holds is then never offered to another
  // resource's unconfirmed order (see orderOnce.ts).
  if (typeof olds.tenant === "string" && typeof olds.subscriptionId === "number")
    claimSubscription(olds.tenant, olds.subscriptionId);
  const news = raw as Partial<SubscriptionInputs> & Record<string, unknown>;
  const replaces: string[] = [];
  const changed: string[] = [];
  const differs = (value: unknown, same: () => boolean): boolean => isUnknown(value) || !same();
  // An identity (tenant, licence, parent) still unknown in preview comes from an object that does not exist yet:
  // the SDK and the native provider keep the identity of an object being UPDATED known in preview (from its
  // resource id, and from the native provider's preview outputs), so unknown means the tenant or the parent is
  // being created or replaced, and this subscription is then replaced with it. `pulumi up` diffs again with the
  // real value before acting.
  const identity = (key: string): void => {
    replaces.push(key);
  };

  if (differs(news.tenant, () => news.tenant === olds.tenant)) identity("tenant");
  if (news.licence !== undefined && news.licence !== null) {
    // By name: against the name OVH resolved (and the name as written), ignoring case.
    if (
      differs(
        news.licence,
        () => sameName(news.licence, olds.licenceName) || sameName(news.licence, olds.licence),
      )
    )
      identity("licence");
    else if (news.licence !== olds.licence) changed.push("licence"); // spelling or style only: state
  } else if (news.licenceId !== undefined && news.licenceId !== null) {
    if (differs(news.licenceId, () => news.licenceId === olds.licenceId)) identity("licenceId");
    else if (olds.licence !== null && olds.licence !== undefined) changed.push("licenceId");
  } else {
    replaces.push("licence");
  }
  const parent = news.parentSubscriptionId ?? null;
  if (differs(parent, () => parent === (olds.parentSubscriptionId ?? null))) identity("parentSubscriptionId");

  // Adoption: declaring (or dropping) the id of the very subscription already managed is not a new object.
  const existing = news.existingSubscriptionId ?? null;
  const oldExisting = olds.existingSubscriptionId ?? null;
  if (isUnknown(existing)) changed.push("existingSubscriptionId");
  else if (existing !== oldExisting) {
    const sameObject =
      olds.subscriptionId !== null &&
      olds.subscriptionId !== undefined &&
      (existing === null || existing === olds.subscriptionId);
    // Naming the product of an unconfirmed order settles that order in place (update), it orders nothing new.
    const settlesPendingOrder = typeof olds.pendingOrderId === "string" && existing !== null;
    if (sameObject || settlesPendingOrder) changed.push("existingSubscriptionId");
    else replaces.push("existingSubscriptionId");
  }

  if (differs(news.quantity, () => news.quantity === olds.quantity)) changed.push("quantity");
  const policy = news.deletionPolicy ?? "cancel";
  if (differs(policy, () => policy === olds.deletionPolicy)) changed.push("deletionPolicy");
  const ack = news.academicEligibilityAcknowledged ?? false;
  if (differs(ack, () => ack === olds.academicEligibilityAcknowledged))
    changed.push("academicEligibilityAcknowledged");

  // An unconfirmed order always needs update (which looks for it), even when nothing else changed.
  if (typeof olds.pendingOrderId === "string" && changed.length === 0 && replaces.length === 0)
    changed.push("pendingOrderId");
  const changedKeys = [...replaces, ...changed];
  return { changes: changedKeys.length > 0, replaces, changedKeys };
}

async function create(inputs: SubscriptionInputs, ctx: ResourceContext) {
  assertKnown(inputs, "create");
  const tenant = inputs.tenant;
  const live = await checkLive(ctx, inputs, { newObject: true });
  const settings = settingsOf(inputs);
  if (inputs.existingSubscriptionId !== undefined) {
    refuseOn(live.failures, `Adopting subscription ${inputs.existingSubscriptionId} on tenant ${tenant}`);
    return adopt(ctx, inputs, live.licence as Licence, settings, live.adoptable);
  }
  refuseOn(live.failures, `Ordering a subscription on tenant ${tenant}`);
  const licence = live.licence as Licence;
  const intent: OrderIntent = {
    tenant,
    licence,
    quantity: inputs.quantity,
    parentSubscriptionId: orNull(inputs.parentSubscriptionId),
  };
  try {
    const subscription = await withLocks(orderLockKeys(intent), () => orderAndIdentify(ctx, intent));
    return {
      id: resourceId(tenant, subscription.id),
      outs: outputsFrom(tenant, subscription, licence, settings),
    };
  } catch (error) {
    if (error instanceof UnconfirmedOrder)
      throw new PartialCreateError(
        unconfirmedText(error),
        error.pending.marker,
        pendingOutputs(intent, settings, error.pending),
      );
    throw error;
  }
}

/** Adoption: 0 mutating calls; 1 GET of the subscription (read by checkLive) + 1 GET when a parent is declared. */
async function adopt(
  ctx: ResourceContext,
  inputs: SubscriptionInputs,
  licence: Licence,
  settings: Settings,
  checked: OfficeSubscription | undefined,
) {
  const tenant = inputs.tenant;
  const subscriptionId = inputs.existingSubscriptionId as number;
  const live = checked ?? (await readLive(ctx, tenant, subscriptionId));
  if (!live)
    throw new Error(
      `Adopting subscription ${subscriptionId} on tenant ${tenant}: it does not exist at OVH. Fix existingSubscriptionId, or remove it to order a new subscription.`,
    );
  claimSubscription(tenant, subscriptionId);
  if (live.quantity !== inputs.quantity)
    ctx.log?.warn(
      `Adopted ${what(tenant, subscriptionId)} as it is, with ${live.quantity} seats; ${inputs.quantity} are declared. ` +
        `Nothing was changed now: the next \`pulumi preview\`/\`up\` shows and applies the seat change as an update.`,
    );
  return { id: resourceId(tenant, subscriptionId), outs: outputsFrom(tenant, live, licence, settings) };
}

async function read(
  id: string,
  olds: Partial<SubscriptionOutputs> | undefined,
  ctx: ResourceContext,
): Promise<ReadResult<SubscriptionInputs, SubscriptionOutputs>> {
  const hasOlds = olds !== undefined && olds.tenant !== undefined;
  if (hasOlds && typeof olds.pendingOrderId === "string")
    return readPending(id, olds as SubscriptionOutputs, ctx);

  let tenant: string;
  let subscriptionId: number;
  if (hasOlds && typeof (olds.subscriptionId ?? olds.existingSubscriptionId) === "number") {
    tenant = olds.tenant as string;
    subscriptionId = (olds.subscriptionId ?? olds.existingSubscriptionId) as number;
  } else {
    const parsed = parseResourceId(id);
    if (!parsed)
      throw new Error(
        `Cannot read subscription "${id}": the id must be "<tenant>/<subscriptionId>", e.g. "csp2-123456/3000001".`,
      );
    ({ tenant, subscriptionId } = parsed);
  }
  const live = await readLive(ctx, tenant, subscriptionId);
  if (!live) return { id: undefined };
  claimSubscription(tenant, subscriptionId);
  const ref = await licenceRef(ctx, tenant, live.licenseId, hasOlds ? olds : undefined);
  let settings: Settings;
  if (hasOlds) {
    settings = {
      licence: live.licenseId === olds.licenceId ? (olds.licence ?? null) : null,
      parentSubscriptionId: olds.parentSubscriptionId ?? null,
      existingSubscriptionId: olds.existingSubscriptionId ?? null,
      deletionPolicy: olds.deletionPolicy ?? "cancel",
      academicEligibilityAcknowledged: olds.academicEligibilityAcknowledged ?? false,
    };
  } else {
    // Import: adopt (never order), declare the licence by id, acknowledge what already exists.
    const licence = await findLicenceById(ctx, tenant, live.licenseId).catch(() => undefined);
    settings = {
      licence: null,
      parentSubscriptionId: ref.type === "ADDON" ? await findParent(ctx, tenant, subscriptionId) : null,
      existingSubscriptionId: subscriptionId,
      deletionPolicy: "cancel",
      academicEligibilityAcknowledged: licence?.academic ?? false,
    };
  }
  const outs = outputsFrom(tenant, live, ref, settings);
  return { id: resourceId(tenant, subscriptionId), props: outs, inputs: inputsFrom(outs) };
}

/**
 * Refresh of an unconfirmed order: one look (no waiting, never an order). Takes the product only with proof (see
 * resolvePending); otherwise keeps the marker as it is, with a warning naming any candidates.
 */
async function readPending(
  id: string,
  olds: SubscriptionOutputs,
  ctx: ResourceContext,
): Promise<ReadResult<SubscriptionInputs, SubscriptionOutputs>> {
  const recorded = pendingOf(olds);
  const keep = { id, props: olds, inputs: inputsFrom(olds) };
  if (!recorded) return keep;
  let evidence: OrderEvidence;
  try {
    evidence = await lookForOrder(ctx, recorded.intent, recorded.pending.snapshot, {
      windowMs: 0,
      taskId: null,
      sameOperation: false,
    });
  } catch (error) {
    ctx.log?.warn(
      `Could not look for the unconfirmed order ${recorded.pending.marker}: ${message(error)}; kept as it is.`,
    );
    return keep;
  }
  if (evidence.kind === "doubt")
    ctx.log?.warn(doubtfulPending(recorded.intent, recorded.pending, evidence.candidates).message);
  if (evidence.kind !== "subscription") return keep;
  claimSubscription(olds.tenant, evidence.subscription.id);
  const outs = outputsFrom(olds.tenant, evidence.subscription, recorded.intent.licence, {
    ...olds,
    existingSubscriptionId: null,
  });
  return { id, props: outs, inputs: { ...inputsFrom(outs), quantity: olds.quantity } };
}

async function update(
  id: string,
  olds: SubscriptionOutputs,
  news: SubscriptionInputs,
  ctx: ResourceContext,
): Promise<SubscriptionOutputs> {
  assertKnown(news, "update");
  if (typeof olds.pendingOrderId === "string") return updatePending(id, olds, news, ctx);
  const settings = settingsOf(news);
  const carried: SubscriptionOutputs = {
    ...olds,
    licence: settings.licence,
    deletionPolicy: settings.deletionPolicy,
    academicEligibilityAcknowledged: settings.academicEligibilityAcknowledged,
    existingSubscriptionId: settings.existingSubscriptionId,
  };
  if (news.quantity === olds.quantity || olds.subscriptionId === null) return carried; // state only: no call
  const licence = await findLicenceById(ctx, olds.tenant, olds.licenceId).catch(() => undefined);
  if (licence?.academic && !news.academicEligibilityAcknowledged && news.quantity > olds.quantity)
    refuseOn(
      [
        {
          property: "academicEligibilityAcknowledged",
          reason: `"${licence.name}" is an academic licence: set academicEligibilityAcknowledged: true before adding seats`,
        },
      ],
      `Changing the seats of ${what(olds.tenant, olds.subscriptionId)}`,
    );
  return applyQuantity(ctx, carried, news.quantity);
}

/** cancel: 1 DELETE + the task's polls (+1 GET and a wait when OVH reports a task in progress). retain: no call. */
async function remove(id: string, olds: SubscriptionOutputs, ctx: ResourceContext): Promise<void> {
  const policy = olds.deletionPolicy ?? "cancel";
  if (typeof olds.pendingOrderId === "string") return removePending(id, olds, ctx, policy);
  const tenant = olds.tenant;
  const subscriptionId = olds.subscriptionId ?? parseResourceId(id)?.subscriptionId;
  if (subscriptionId === undefined || subscriptionId === null) return;
  const label = what(tenant, subscriptionId);
  if (policy === "retain") {
    ctx.log?.warn(
      `${label} is left at OVH (deletionPolicy "retain") and removed from the Pulumi state only: its seats stay billed until cancelled in the OVHcloud Control Panel.`,
    );
    return;
  }
  await cancel(ctx, tenant, subscriptionId);
}

async function cancel(ctx: ResourceContext, tenant: string, subscriptionId: number): Promise<void> {
  const label = what(tenant, subscriptionId);
  await withLocks([lockKeys.subscription(tenant, subscriptionId)], async () => {
    ctx.log?.info(`Cancelling ${label}.`);
    let task: OfficeTask;
    try {
      task = await csp2.deleteSubscription(ctx.ovh, tenant, subscriptionId);
    } catch (error) {
      if (error instanceof OvhApiError && error.isGone) return; // already gone: fine
      const retried = await afterFailedCancel(ctx, tenant, subscriptionId, error);
      if (retried === "gone") return;
      task = retried;
    }
    try {
      await waitForTask(ctx, tenant, task);
    } catch (error) {
      throw inContext(`Cancelling ${label}`, error);
    }
  });
}

/**
 * A DELETE that failed: when OVH reports a task in progress (409) or the answer was lost, look at the
 * subscription; gone → done; a pending task → follow it (ours after a lost answer) and, if the subscription is
 * still there, send DELETE once more.
 */
async function afterFailedCancel(
  ctx: ResourceContext,
  tenant: string,
  subscriptionId: number,
  error: unknown,
): Promise<OfficeTask | "gone"> {
  const label = what(tenant, subscriptionId);
  const conflict = error instanceof OvhApiError && error.isConflict;
  const ambiguous = !provesNotExecuted(error);
  if (!conflict && !ambiguous) throw inContext(`Cancelling ${label}`, error);
  const live = await readLive(ctx, tenant, subscriptionId);
  if (!live) return "gone";
  if (live.taskPendingId !== 0) await followPending(ctx, tenant, live.taskPendingId, label);
  if (!(await readLive(ctx, tenant, subscriptionId))) return "gone";
  try {
    return await csp2.deleteSubscription(ctx.ovh, tenant, subscriptionId);
  } catch (second) {
    if (second instanceof OvhApiError && second.isGone) return "gone";
    throw inContext(
      `Cancelling ${label}`,
      second,
      error instanceof OvhNetworkError ? undefined : refusalHint(second),
    );
  }
}

async function removePending(
  id: string,
  olds: SubscriptionOutputs,
  ctx: ResourceContext,
  policy: DeletionPolicy,
): Promise<void> {
  const recorded = pendingOf(olds);
  if (!recorded) return;
  const { intent, pending } = recorded;
  const resolution = await withLocks(orderLockKeys(intent), () =>
    resolvePending(ctx, intent, pending, orderLookWindowMs()),
  ).catch((error: unknown) => {
    if (error instanceof DoubtfulProductError)
      throw new DoubtfulProductError(`Cannot delete ${id}: ${error.message}`, error.candidates);
    throw inContext(`Looking for the unconfirmed order ${pending.marker} before deleting ${id}`, error);
  });
  if (resolution.kind === "found") {
    const subscriptionId = resolution.subscription.id;
    if (policy === "retain") {
      ctx.log?.warn(
        `The unconfirmed order ${pending.marker} did reach OVH (subscription ${subscriptionId} on tenant ${intent.tenant}); it is left at OVH (deletionPolicy "retain") and still billed.`,
      );
      return;
    }
    await cancel(ctx, intent.tenant, subscriptionId);
    return;
  }
  if (resolution.kind === "undetermined")
    throw new Error(
      `Cannot delete ${id} yet: its order (${describeIntent(intent)}, sent at ${pending.snapshot.orderedAt}) is unconfirmed and OVH shows no trace of it so far. ` +
        `Retry after ${resolution.retryAfter.toISOString()}; if the subscription appears meanwhile it is ${policy === "retain" ? "left at OVH" : "cancelled"}. ` +
        `To forget it now, check the tenant in the OVHcloud Control Panel and run \`pulumi state delete\` on this resource.`,
    );
  ctx.log?.info(
    `The unconfirmed order ${pending.marker} never reached OVH (${resolution.reason}): nothing to cancel.`,
  );
}

export const subscriptionHandler: ResourceHandler<SubscriptionInputs, SubscriptionOutputs> = {
  check,
  diff,
  create: async (inputs, ctx) => {
    const result = await create(inputs, ctx);
    return { ...result, outs: await priced(ctx, result.outs) };
  },
  read: async (id, olds, ctx) => {
    const result = await read(id, olds, ctx);
    return result.props && result.props.subscriptionId !== null
      ? { ...result, props: await priced(ctx, result.props) }
      : result;
  },
  update: async (id, olds, news, ctx) => {
    const outs = await update(id, olds, news, ctx);
    return outs.subscriptionId === null ? outs : priced(ctx, outs);
  },
  delete: remove,
};

/** Exposed for unit tests of the decision logic. */
export const internals = { replacementKeys, pendingOf, inputsFrom };
