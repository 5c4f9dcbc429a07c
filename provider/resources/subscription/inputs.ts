/**
 * What the user declares for a subscription: the inputs schema (static rules, no OVH call), the deletion
 * policies, the resource id format and the state-only settings carried into the outputs.
 */
import { z } from "zod";
import { orUnknown } from "../check";
import { normaliseLicenceName } from "../licences";
import { isUnknown } from "../unknown";

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

/** The property the user declared the licence with (failures name it). */
export function licenceProperty(inputs: SubscriptionInputs): "licence" | "licenceId" {
  return inputs.licence !== undefined ? "licence" : "licenceId";
}

/** Two licence names are the same licence when they match ignoring case and spacing. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a == null || b == null) return false;
  return normaliseLicenceName(a) === normaliseLicenceName(b);
}

/** Mutating operations never run on preview values. */
export function assertKnown(inputs: SubscriptionInputs, operation: string): void {
  const unknown = Object.entries(inputs)
    .filter(([, value]) => isUnknown(value))
    .map(([key]) => key);
  if (unknown.length > 0)
    throw new Error(
      `Cannot ${operation} a subscription while ${unknown.join(", ")} are unknown (preview values).`,
    );
}

// ---------------------------------------------------------------------------------------------------------
// Resource id: `<tenant>/<subscriptionId>` (a `pending-order:...` marker while an order is unconfirmed)

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
// Settings: the user-chosen, state-only values carried into the outputs (changing them calls nothing)

export interface Settings {
  readonly licence: string | null;
  readonly parentSubscriptionId: number | null;
  readonly existingSubscriptionId: number | null;
  readonly deletionPolicy: DeletionPolicy;
  readonly academicEligibilityAcknowledged: boolean;
}

export function orNull<T>(value: T | undefined | null): T | null {
  return value === undefined || value === null ? null : value;
}

export function settingsOf(inputs: SubscriptionInputs): Settings {
  return {
    licence: orNull(inputs.licence),
    parentSubscriptionId: orNull(inputs.parentSubscriptionId),
    existingSubscriptionId: orNull(inputs.existingSubscriptionId),
    deletionPolicy: inputs.deletionPolicy,
    academicEligibilityAcknowledged: inputs.academicEligibilityAcknowledged,
  };
}
