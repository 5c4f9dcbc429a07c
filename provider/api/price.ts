/** `/price`: list prices of CSP2 licences (schemas/price-csp2-excerpt.json). */
import type { OvhRequester } from "../ovh/request";
import { Price, type OpenEnum } from "./common";
import { callOperation } from "./operation";

export { Price } from "./common";

export const CSP2_LICENSE_NAMES = [
  "AzureActiveDirectoryBasic",
  "AzureActiveDirectoryPremiumP1",
  "Business",
  "BusinessEssentials",
  "BusinessPremium",
  "EnterpriseE1",
  "EnterpriseE3",
  "EnterpriseK1",
  "ExchangeOnlinePlan1",
  "ProPlus",
  "ProjectOnline",
  "ProjectOnlineProfessional",
  "VisioPro",
] as const;
/** price.Saas.Csp2.LicenseEnum: historical licence names (not plan codes nor licence ids). */
export type Csp2LicenseName = OpenEnum<(typeof CSP2_LICENSE_NAMES)[number]>;

/** Reads the monthly price of an Office 365 licence. */
export function getCsp2LicensePrice(ovh: OvhRequester, licenseName: Csp2LicenseName): Promise<Price> {
  return callOperation(ovh, "GET /price/saas/csp2/license/{licenseName}", Price, { params: { licenseName } });
}
