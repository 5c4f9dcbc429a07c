/**
 * The live rules: everything about a declaration that only OVH can tell, asked with GETs only (check runs in
 * preview). Licence known and orderable, quantity allowed (seats.ts), academic acknowledgement, new
 * subscriptions allowed (only when the check can lead to a new order), add-on available on its parent, adopted
 * subscription matching. create and update run them again right before their mutating call (`refuseOn` in
 * live.ts), because check is skipped when values are unknown in preview.
 */
import * as csp2 from "../../api/csp2";
import type { OfficeSubscription } from "../../api/csp2";
import { isGoneAtOvh, OvhApiError } from "../../ovh/errors";
import { inContext } from "../errors";
import { describeLicences, findLicenceById, listLicences, matchLicenceName, type Licence } from "../licences";
import type { CheckFailure, ResourceContext } from "../types";
import { isUnknown } from "../unknown";
import { licenceProperty, sameName, type SubscriptionInputs } from "./inputs";
import { seatRefusals } from "./seats";

export interface LiveCheck {
  readonly failures: CheckFailure[];
  /** The resolved licence, when the licence could be resolved. */
  readonly licence?: Licence;
  /** The subscription to adopt, as read while checking it (saves create a second GET). */
  readonly adoptable?: OfficeSubscription;
}

export interface LiveCheckOptions {
  /** The inputs can lead to a NEW subscription (new resource, or a replacement). */
  readonly newObject: boolean;
  /** The current seat count, when the subscription exists (a seat increase needs `newSeatsAllowed`). */
  readonly previousQuantity?: number;
  /**
   * The licence id a licence NAME resolved to on this tenant before (known.ts): read alone (1 GET) and taken when
   * its name still matches; otherwise (gone, renamed, another name declared) the catalogue decides as usual.
   */
  readonly knownLicenceId?: number;
}

/**
 * Every rule that needs OVH, with GETs only. Calls: the tenant's catalogue once per run (1 + N GETs, shared by all
 * subscriptions of the tenant; 1 GET for a licence given by id alone, or by a name whose id is known), plus, only when a new object is declared,
 * 1 GET for an add-on (`availableAddonLicenses` of the parent) and 1-2 GETs for an adoption (the subscription,
 * and the parent's add-on ids when a parent is declared). Failure messages may list names: that can load the
 * catalogue.
 */
export async function checkLive(
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
    licence = await resolveLicence(ctx, inputs, failures, options.knownLicenceId);
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

  if (!isUnknown(inputs.quantity))
    failures.push(...seatRefusals({ licence, quantity: inputs.quantity, current: options.previousQuantity }));
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
  knownLicenceId: number | undefined,
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
  if (knownLicenceId !== undefined) {
    const known = await findLicenceById(ctx, tenant, knownLicenceId);
    if (known && sameName(known.name, inputs.licence)) return known;
  }
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

/** 1 GET: the parent's `availableAddonLicenses` (gone there means the parent does not exist). */
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
    if (isGoneAtOvh(error)) {
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
    if (isGoneAtOvh(error)) {
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
    if (isGoneAtOvh(error)) addons = [];
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
