/**
 * `/price/saas/csp2/license/{licenseName}`: the monthly price of one seat of a (historically named) Office 365
 * licence. Stateless: the price list is fixed. The values are plausible public list prices per user and month,
 * excluding tax, in euros; they are sandbox data, not OVH's price list.
 */
import type { AreaModule, Routes } from "../core/contract";
import { own } from "../core/util";
import { notInEnum } from "./bodyFields";

export const CSP2_LICENSE_PRICES_EUR: Readonly<Record<string, number>> = {
  AzureActiveDirectoryBasic: 0.84,
  AzureActiveDirectoryPremiumP1: 5.6,
  Business: 9.8,
  BusinessEssentials: 5.6,
  BusinessPremium: 11.7,
  EnterpriseE1: 9.4,
  EnterpriseE3: 21.9,
  EnterpriseK1: 3.7,
  ExchangeOnlinePlan1: 3.7,
  ProPlus: 11.0,
  ProjectOnline: 46.4,
  ProjectOnlineProfessional: 28.1,
  VisioPro: 14.0,
};

export const LICENSE_ENUM = "price.Saas.Csp2.LicenseEnum";

/** OVH's `order.Price` as served by `/price` (no `priceInUcents` in this model). */
export function licensePrice(licenseName: string): { currencyCode: "EUR"; text: string; value: number } {
  const value = own(CSP2_LICENSE_PRICES_EUR, licenseName);
  if (value === undefined) throw notInEnum("licenseName", licenseName, LICENSE_ENUM);
  return { currencyCode: "EUR", text: `${value.toFixed(2)} €`, value };
}

export const priceArea: AreaModule = {
  name: "price",
  init() {
    // Stateless: nothing to keep.
  },
  register(routes: Routes) {
    routes.add("GET", "/price/saas/csp2/license/{licenseName}", (req) =>
      licensePrice(req.params.licenseName ?? ""),
    );
  },
};

export default priceArea;
