/**
 * Read-only lookups for Pulumi programs (invokes / helper functions): what a tenant may order, how many seats
 * were used over a period, and the peaks of the current billing period. Plain async functions taking
 * (ctx, args); every one is GET-only and says which tenant failed.
 */
import { z } from "zod";
import * as csp2 from "../api/csp2";
import { LICENSE_PERIODS, type LicensePeriod } from "../api/csp2";
import { formatPath } from "./check";
import { inContext } from "./errors";
import { listLicences, normaliseLicenceName, type Licence } from "./licences";
import type { ResourceContext } from "./types";

export type { Licence } from "./licences";

const tenantArg = z
  .string({ error: 'tenant is required: the CSP2 service name of the tenant (e.g. "csp2-123456")' })
  .trim()
  .min(1, { error: "tenant must not be empty" });

function parseArgs<T>(schema: z.ZodType<T>, args: unknown, lookup: string): T {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${formatPath(issue.path) || "(arguments)"}: ${issue.message}`,
  );
  throw new Error(`${lookup}: invalid arguments: ${problems.join("; ")}`);
}

// ---------------------------------------------------------------------------------------------------------

export const OrderableLicencesArgs = z.object({
  tenant: tenantArg,
  /** Only standalone licences (`NON-SPECIFIC`) or only add-ons (`ADDON`). */
  type: z.string().optional(),
  /** Only licences whose name contains this text (ignoring case). */
  nameContains: z.string().optional(),
  /** Only licences that can be ordered as new subscriptions now. */
  orderableOnly: z.boolean().optional(),
});
export type OrderableLicencesArgs = z.input<typeof OrderableLicencesArgs>;

/**
 * The licences a tenant may order, with id, name, type, limit and flags, sorted by name. Calls: 1 + N GETs the
 * first time in a process, then none (shared with the Subscription resource's catalogue cache).
 */
export async function getOrderableLicences(
  ctx: ResourceContext,
  args: OrderableLicencesArgs,
): Promise<Licence[]> {
  const { tenant, type, nameContains, orderableOnly } = parseArgs(
    OrderableLicencesArgs,
    args,
    "getOrderableLicences",
  );
  let licences: Licence[];
  try {
    licences = await listLicences(ctx, tenant);
  } catch (error) {
    throw inContext(`Listing the orderable licences of tenant ${tenant}`, error);
  }
  const text = nameContains === undefined ? undefined : normaliseLicenceName(nameContains);
  return licences.filter(
    (licence) =>
      (type === undefined || licence.type === type) &&
      (text === undefined || normaliseLicenceName(licence.name).includes(text)) &&
      (orderableOnly !== true || licence.newSubscriptionsAllowed),
  );
}

// ---------------------------------------------------------------------------------------------------------

export const UsageStatisticsArgs = z.object({
  tenant: tenantArg,
  period: z.enum(LICENSE_PERIODS, {
    error: `period must be one of ${LICENSE_PERIODS.join(", ")}`,
  }),
});
export type UsageStatisticsArgs = z.input<typeof UsageStatisticsArgs>;

export interface UsageLine {
  readonly licenceId: number;
  readonly licenceName: string;
  /** Highest seat count of the day. */
  readonly peakCount: number;
  /** Seat count at the end of the day. */
  readonly endOfDayCount: number;
}

export interface UsageDay {
  readonly date: string;
  readonly lines: UsageLine[];
}

export interface UsageStatistics {
  readonly tenant: string;
  readonly period: LicensePeriod;
  readonly days: UsageDay[];
}

/** Daily seat usage per licence over a period (`lastWeek`, `lastMonth`, `lastQuarter`, `lastYear`). 1 GET. */
export async function getUsageStatistics(
  ctx: ResourceContext,
  args: UsageStatisticsArgs,
): Promise<UsageStatistics> {
  const { tenant, period } = parseArgs(UsageStatisticsArgs, args, "getUsageStatistics");
  try {
    const days = await csp2.getUsageStatistics(ctx.ovh, tenant, period);
    return {
      tenant,
      period,
      days: days.map((day) => ({
        date: day.date,
        lines: day.lines.map(({ licenceId, licenceName, peakCount, endOfDayCount }) => ({
          licenceId,
          licenceName,
          peakCount,
          endOfDayCount,
        })),
      })),
    };
  } catch (error) {
    throw inContext(`Reading the usage statistics (${period}) of tenant ${tenant}`, error);
  }
}

// ---------------------------------------------------------------------------------------------------------

export const BillingPeriodPeaksArgs = z.object({ tenant: tenantArg });
export type BillingPeriodPeaksArgs = z.input<typeof BillingPeriodPeaksArgs>;

export interface BillingPeak {
  readonly licenceId: number;
  readonly licenceName: string;
  /** Highest seat count of the period: what is billed. */
  readonly peakCount: number;
}

export interface BillingPeriodPeaks {
  readonly tenant: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly lines: BillingPeak[];
}

/** The seat peaks of the current billing period, per licence (what the month's bill is based on). 1 GET. */
export async function getBillingPeriodPeaks(
  ctx: ResourceContext,
  args: BillingPeriodPeaksArgs,
): Promise<BillingPeriodPeaks> {
  const { tenant } = parseArgs(BillingPeriodPeaksArgs, args, "getBillingPeriodPeaks");
  try {
    const peaks = await csp2.getBillingPeriodPeaks(ctx.ovh, tenant);
    return {
      tenant,
      startDate: peaks.startDate,
      endDate: peaks.endDate,
      lines: peaks.lines.map(({ licenceId, licenceName, peakCount }) => ({
        licenceId,
        licenceName,
        peakCount,
      })),
    };
  } catch (error) {
    throw inContext(`Reading the billing period peaks of tenant ${tenant}`, error);
  }
}
