/**
 * `diff` of a tenant: what changes in place and what forces a replacement.
 *
 * Display name, contact and MPN ID update in place; the administrator password and deletionPolicy too.
 * Order-time choices (customSubDomain, ovhSubsidiary, planCode, duration, pricingMode, extraConfiguration,
 * waiveRetractationPeriod) cannot change on an existing tenant and force a replacement, but only when a value
 * is given and differs from what was used (an omitted planCode never replaces), and only for tenants this
 * resource ordered (they mean nothing for an adopted one). `existingServiceName` replaces when it names
 * another tenant than the current one. A pending order always goes to `update`, the only place that settles it.
 */
import { claim, claimKeys } from "../orderOnce";
import type { DiffResult } from "../types";
import { isUnknown } from "../unknown";
import { CONTACT_TENANT_FIELDS, serviceNameOf, type TenantInputs, type TenantOutputs } from "./inputs";

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
