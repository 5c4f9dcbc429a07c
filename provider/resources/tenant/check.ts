/**
 * `check` of a tenant: validates and normalises the inputs (zod schema, `inputs.ts`), requires what ordering a
 * new tenant needs, and, when OVH may be called (read-only, check runs during preview), verifies that a tenant to
 * adopt exists. A new tenant's price is unknown before its cart exists: check says so in a billing note.
 *
 * `assertKnown` is the apply-time guard: create and update never run on unknown values.
 */
import * as csp2 from "../../api/csp2";
import { OvhApiError } from "../../ovh/errors";
import { unchangedSincePreviousRun, validateInputs } from "../check";
import type { CheckFailure, CheckResult, ResourceContext } from "../types";
import { isUnknown } from "../unknown";
import { TenantInputsSchema, type TenantInputs } from "./inputs";
import { errorText } from "../errors";

export async function checkTenant(
  news: Record<string, unknown>,
  ctx: ResourceContext | undefined,
  olds?: Record<string, unknown>,
): Promise<CheckResult<TenantInputs>> {
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
}

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
      `Could not verify existingServiceName "${serviceName}" during check (${errorText(error)}); it is checked again on create.`,
    );
    return undefined;
  }
}

export function assertKnown(inputs: TenantInputs): void {
  if (isUnknown(inputs)) {
    throw new Error(
      "Some tenant inputs are still unknown at apply time; this is a provider bug, please report it.",
    );
  }
}
