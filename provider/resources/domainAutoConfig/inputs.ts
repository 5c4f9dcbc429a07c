/**
 * DomainAutoConfig's data shapes: the input schema (validated by `check`), the normalised inputs and the outputs
 * kept in the Pulumi state, the resource id, and the small helpers every lifecycle step shares (defaults, the
 * record set the inputs ask for, how to name the domain in messages). No I/O here.
 */
import { z } from "zod";
import { orUnknown } from "../check";
import { isUnknown } from "../unknown";
import {
  defaultExchangeMxTarget,
  M365_SERVICES,
  microsoft365Records,
  type DesiredRecord,
  type M365Service,
} from "./records";
import type { ManagedRecord, TakenOverRecord } from "./plan";

export const HOST_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

const hostName = (what: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v.endsWith(".") ? v.slice(0, -1) : v))
    .pipe(z.string().regex(HOST_NAME, `must be a fully qualified ${what}, e.g. contoso.com`));

export const DOMAIN_AUTO_CONFIG_METHODS = ["records", "configureDomain"] as const;
export type DomainAutoConfigMethod = (typeof DOMAIN_AUTO_CONFIG_METHODS)[number];

/** Services configured when `services` is not given: the basic Microsoft 365 set (Intune needs MDM). */
export const DEFAULT_SERVICES: readonly M365Service[] = ["exchange", "teams"];
export const DEFAULT_TTL = 3600;

export const DomainAutoConfigInputsSchema = z.strictObject({
  /** CSP2 tenant service name (`GET /saas/csp2`). */
  tenant: orUnknown(z.string().trim().min(1, "must be the tenant's service name")),
  /** The domain to configure, e.g. `contoso.com` or `mail.contoso.com`. */
  domain: orUnknown(hostName("domain name")),
  /** The OVH DNS zone holding the domain: the domain itself (default) or a parent of it. */
  zone: orUnknown(hostName("zone name")).optional(),
  services: orUnknown(
    z
      .array(orUnknown(z.enum(M365_SERVICES, { error: `must be one of ${M365_SERVICES.join(", ")}` })))
      .min(1, "must list at least one service")
      .refine((list) => new Set(list).size === list.length, "must not list a service twice"),
  ).optional(),
  /** Exchange Online MX host; defaults to `<domain with dots as hyphens>.mail.protection.outlook.com`. */
  exchangeMxTarget: orUnknown(hostName("host name")).optional(),
  /** The `MS=ms…` value shown in the Microsoft 365 admin center (Settings → Domains). */
  verificationTxt: orUnknown(
    z
      .string()
      .trim()
      .regex(/^MS=ms\d+$/, 'must look like "MS=ms12345678" (copy it from the Microsoft 365 admin center)'),
  ).optional(),
  ttl: orUnknown(
    z
      .number()
      .int("must be a whole number of seconds")
      .refine((v) => v === 0 || (v >= 60 && v <= 2_147_483_647), "must be 0 (zone default) or at least 60"),
  ).optional(),
  method: orUnknown(
    z.enum(DOMAIN_AUTO_CONFIG_METHODS, { error: 'must be "records" or "configureDomain"' }),
  ).optional(),
  takeOverConflicts: orUnknown(z.boolean()).optional(),
});

/** Normalised inputs (defaults applied; a value may still be Pulumi's unknown sentinel during preview). */
export interface DomainAutoConfigInputs {
  readonly tenant: string;
  readonly domain: string;
  readonly zone: string;
  readonly services: M365Service[];
  readonly exchangeMxTarget: string;
  readonly verificationTxt?: string;
  readonly ttl: number;
  readonly method: DomainAutoConfigMethod;
  readonly takeOverConflicts: boolean;
}

export type { ManagedRecord, TakenOverRecord } from "./plan";

export interface DomainAutoConfigOutputs extends DomainAutoConfigInputs {
  /** The records this resource manages, as last seen live. */
  readonly records: ManagedRecord[];
  /** Records removed or modified to make room (takeover), with their previous values, restored on delete. */
  readonly takenOver: TakenOverRecord[];
}

export function applyDefaults(parsed: z.infer<typeof DomainAutoConfigInputsSchema>): DomainAutoConfigInputs {
  const domain = parsed.domain;
  const exchangeMxTarget =
    parsed.exchangeMxTarget ?? (isUnknown(domain) ? domain : defaultExchangeMxTarget(domain));
  return {
    tenant: parsed.tenant,
    domain,
    zone: parsed.zone ?? domain,
    services: parsed.services ?? [...DEFAULT_SERVICES],
    exchangeMxTarget,
    ...(parsed.verificationTxt !== undefined ? { verificationTxt: parsed.verificationTxt } : {}),
    ttl: parsed.ttl ?? DEFAULT_TTL,
    method: parsed.method ?? "records",
    takeOverConflicts: parsed.takeOverConflicts ?? false,
  };
}

/** The input properties of previous outputs (what `read` reports as the inputs reproducing them). */
export function inputsOf(o: Partial<DomainAutoConfigOutputs>): Record<string, unknown> {
  const keys = [
    "tenant",
    "domain",
    "zone",
    "services",
    "exchangeMxTarget",
    "verificationTxt",
    "ttl",
    "method",
    "takeOverConflicts",
  ] as const;
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** The records the inputs ask for. */
export function desiredFor(inputs: DomainAutoConfigInputs): DesiredRecord[] {
  return microsoft365Records({
    domain: inputs.domain,
    zone: inputs.zone,
    services: inputs.services,
    exchangeMxTarget: inputs.exchangeMxTarget,
    verificationTxt: inputs.verificationTxt,
    ttl: inputs.ttl,
  });
}

export function resourceId(tenant: string, domain: string): string {
  return `${tenant}/${domain}`;
}

/** `domain contoso.com (zone contoso.com) of tenant csp2-1`, for messages. */
export function where(inputs: { domain: string; tenant: string; zone: string }): string {
  const zone = inputs.zone === inputs.domain ? "" : ` (zone ${inputs.zone})`;
  return `domain ${inputs.domain}${zone} of tenant ${inputs.tenant}`;
}
