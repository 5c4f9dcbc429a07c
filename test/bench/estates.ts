/** Estate files for the benchmark: N new subscriptions spread over adopted tenants (10 licences each). */
import { writeFile } from "node:fs/promises";
import type { BenchSandbox } from "./sandboxProcess";

/** Orderable, non-academic standalone licences of the sandbox catalogue (no add-on, no fixed-seat rule). */
export const BENCH_LICENCES = [
  "Microsoft 365 Business Basic",
  "Microsoft 365 Business Standard",
  "Microsoft 365 Business Premium",
  "Microsoft 365 Apps for business",
  "Microsoft 365 Apps for enterprise",
  "Office 365 E1",
  "Office 365 E3",
  "Microsoft 365 E3",
  "Microsoft 365 E5",
  "Microsoft 365 F3",
] as const;

export const LICENCES_PER_TENANT = BENCH_LICENCES.length;

export interface EstateLine {
  licence: string;
  seats: number;
  existingSubscriptionId?: number;
  addonOf?: string;
}

export interface EstateCustomer {
  key: string;
  existingServiceName?: string;
  displayName?: string;
  contact?: Record<string, string>;
  customSubDomain?: string;
  domain?: string;
  dnsServices?: string[];
  licences: EstateLine[];
}

export interface EstateData {
  mpnId: string;
  customers: EstateCustomer[];
}

export function tenantsFor(subscriptions: number): number {
  return Math.ceil(subscriptions / LICENCES_PER_TENANT);
}

/** Creates the tenants in the sandbox (as delivered orders would) and answers their service names. */
export async function provisionTenants(sandbox: BenchSandbox, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const tenant = await sandbox.control<{ serviceName: string }>("POST", "/csp2/tenants", {
      displayName: `Bench customer ${i + 1}`,
    });
    await sandbox.control("PUT", `/csp2/tenants/${tenant.serviceName}`, { status: "ok" });
    names.push(tenant.serviceName);
  }
  return names;
}

/** One customer per tenant, licences taken in order; `seats` lets a test change one line. */
export function generatedEstate(
  serviceNames: readonly string[],
  subscriptions: number,
  seats = 5,
): EstateData {
  const customers: EstateCustomer[] = serviceNames.map((serviceName, i) => ({
    key: `customer-${String(i + 1).padStart(3, "0")}`,
    existingServiceName: serviceName,
    licences: [],
  }));
  for (let n = 0; n < subscriptions; n += 1) {
    const customer = customers[Math.floor(n / LICENCES_PER_TENANT)]!;
    customer.licences.push({ licence: BENCH_LICENCES[n % LICENCES_PER_TENANT]!, seats });
  }
  return { mpnId: "6543210", customers };
}

export async function writeEstate(file: string, estate: EstateData): Promise<void> {
  await writeFile(file, JSON.stringify(estate, null, 2));
}
