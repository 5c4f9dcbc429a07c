import * as pulumi from "@pulumi/pulumi";
import * as lookups from "../provider/resources/lookups";
import { resourceContext } from "../provider/runtime/context";

export type {
  Licence,
  OrderableLicencesArgs,
  UsageStatisticsArgs,
  UsageStatistics,
  BillingPeriodPeaksArgs,
  BillingPeriodPeaks,
} from "../provider/resources/lookups";

/** Lookups run in the program itself, with the same `ovh:*` config and `OVH_*` environment as the resources. */
function programContext() {
  const ovhConfig = new pulumi.Config("ovh");
  return resourceContext((key) => ovhConfig.get(key), undefined);
}

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The licences a tenant may order: id, name, type (`NON-SPECIFIC` / `ADDON`), limit and ordering flags. */
export function getOrderableLicences(args: lookups.OrderableLicencesArgs): Promise<lookups.Licence[]> {
  return lookups.getOrderableLicences(programContext(), args);
}

export function getOrderableLicencesOutput(
  args: Inputs<lookups.OrderableLicencesArgs>,
): pulumi.Output<lookups.Licence[]> {
  return pulumi
    .output(args)
    .apply((resolved) => getOrderableLicences(resolved as lookups.OrderableLicencesArgs));
}

/** Daily seat counts per licence over `lastWeek`, `lastMonth`, `lastQuarter` or `lastYear`. */
export function getUsageStatistics(args: lookups.UsageStatisticsArgs): Promise<lookups.UsageStatistics> {
  return lookups.getUsageStatistics(programContext(), args);
}

export function getUsageStatisticsOutput(
  args: Inputs<lookups.UsageStatisticsArgs>,
): pulumi.Output<lookups.UsageStatistics> {
  return pulumi.output(args).apply((resolved) => getUsageStatistics(resolved as lookups.UsageStatisticsArgs));
}

/** Seat peaks per licence in the current billing period: what the next invoice is based on. */
export function getBillingPeriodPeaks(
  args: lookups.BillingPeriodPeaksArgs,
): Promise<lookups.BillingPeriodPeaks> {
  return lookups.getBillingPeriodPeaks(programContext(), args);
}

export function getBillingPeriodPeaksOutput(
  args: Inputs<lookups.BillingPeriodPeaksArgs>,
): pulumi.Output<lookups.BillingPeriodPeaks> {
  return pulumi
    .output(args)
    .apply((resolved) => getBillingPeriodPeaks(resolved as lookups.BillingPeriodPeaksArgs));
}
