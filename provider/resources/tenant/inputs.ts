/**
 * What a tenant resource is made of: the zod schema of its inputs (validation messages are user-facing), the
 * shape of its outputs (its Pulumi state), and its ids.
 *
 * Ids: a tenant's Pulumi id is its CSP2 service name, or a pending-order marker (`pending-order:cart-<cartId>`,
 * `pending-order:<orderId>`) when the order's outcome was not settled at create time. An update cannot change an
 * id, so once such an order resolves the marker stays and `serviceName` holds the tenant: every operation finds
 * the tenant through `serviceNameOf`.
 */
import { z } from "zod";
import { OVH_SUBSIDIARIES } from "../../api/order";
import { orUnknown } from "../check";
import { isPendingOrderMarker, pendingOrderMarker } from "../orderOnce";
import type { OrderRecord } from "./orderRecord";

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
  /** Set while an order's outcome is not settled (see `index.ts`, "No double order"). */
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
export const CONTACT_TENANT_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "address",
  "city",
  "zipCode",
] as const;

// ---------------------------------------------------------------------------------------------
// Ids

/** The marker id of a resource whose order is pending. */
export function pendingId(record: OrderRecord): string {
  return record.orderId === null
    ? pendingOrderMarker(`cart-${record.cartId}`)
    : pendingOrderMarker(record.orderId);
}

/** The tenant a resource addresses: its id, or `serviceName` once a pending order has been resolved. */
export function serviceNameOf(id: string, olds: Partial<TenantOutputs> | undefined): string | undefined {
  if (!isPendingOrderMarker(id)) return id;
  return olds?.serviceName ?? undefined;
}
