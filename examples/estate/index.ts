/**
 * A reseller's whole Microsoft 365 estate at OVHcloud, declared from one data file (`estate.yaml`).
 *
 * One Office365ResellerTenant per customer (adopted by service name, or ordered), one Subscription per licence
 * line, and optionally the customer's Microsoft 365 DNS records. Resource names are derived from the customer
 * key and the licence name only, so editing one seat count previews as exactly one update, and adding,
 * removing or reordering entries never renames anything else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  billingSummary,
  DomainAutoConfig,
  Office365ResellerTenant,
  Subscription,
  type Microsoft365Service,
  type TenantContactArgs,
} from "pulumi-ovh-office365-reseller";

interface LicenceLine {
  licence: string;
  seats: number;
  /** Adopt this subscription instead of ordering one. */
  existingSubscriptionId?: number;
  /** Licence name of another line of the same customer: this line is an add-on of that subscription. */
  addonOf?: string;
  deletionPolicy?: "cancel" | "retain";
  /** Overrides the derived resource name (only needed for two lines of the same licence). */
  name?: string;
}

interface Customer {
  key: string;
  existingServiceName?: string;
  displayName?: string;
  contact?: TenantContactArgs;
  customSubDomain?: string;
  mpnId?: string;
  academicEligibilityAcknowledged?: boolean;
  domain?: string;
  dnsServices?: Microsoft365Service[];
  licences?: LicenceLine[];
}

interface Estate {
  mpnId?: string;
  customers: Customer[];
}

const config = new pulumi.Config();
const estateFile = path.resolve(config.get("estateFile") ?? "estate.yaml");
const estate = loadEstate(estateFile);

const tenants: Record<string, pulumi.Output<string>> = {};
const subscriptionIds: Record<string, pulumi.Output<number>> = {};

for (const customer of estate.customers) {
  const tenant = new Office365ResellerTenant(customer.key, {
    existingServiceName: customer.existingServiceName,
    displayName: customer.displayName,
    contact: customer.contact,
    customSubDomain: customer.customSubDomain,
    // An adopted tenant keeps its MPN ID unless the customer entry names one.
    mpnId: customer.mpnId ?? (customer.existingServiceName ? undefined : estate.mpnId),
  });
  tenants[customer.key] = tenant.serviceName;

  // Parents first, so an add-on can refer to its parent's subscription id.
  const lines = customer.licences ?? [];
  const byLicence = new Map<string, Subscription>();
  for (const line of [...lines].sort(
    (a, b) => Number(a.addonOf !== undefined) - Number(b.addonOf !== undefined),
  )) {
    const parent = line.addonOf === undefined ? undefined : byLicence.get(normalise(line.addonOf));
    const name = line.name ?? `${customer.key}--${slug(line.licence)}`;
    const subscription = new Subscription(name, {
      tenant: tenant.serviceName,
      licence: line.licence,
      quantity: line.seats,
      existingSubscriptionId: line.existingSubscriptionId,
      parentSubscriptionId: parent?.subscriptionId,
      deletionPolicy: line.deletionPolicy,
      academicEligibilityAcknowledged: customer.academicEligibilityAcknowledged,
    });
    byLicence.set(normalise(line.licence), subscription);
    subscriptionIds[name] = subscription.subscriptionId;
  }

  if (customer.domain) {
    new DomainAutoConfig(`${customer.key}--dns`, {
      tenant: tenant.serviceName,
      domain: customer.domain,
      services: customer.dnsServices,
    });
  }
}

export const serviceNames = tenants;
export const subscriptions = subscriptionIds;
export const subscriptionCount = Object.keys(subscriptionIds).length;
/** The reviewer's total: monthly list price of every subscription, before → after this change set. */
export const monthlyTotal = billingSummary();

// ---------------------------------------------------------------------------------------------------------
// Reading and checking the data file: every mistake is reported with its place, before anything is declared.

function loadEstate(file: string): Estate {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the estate file ${file} (config estateFile): ${(error as Error).message}`);
  }
  // js-yaml ships with @pulumi/pulumi; JSON is valid YAML, but .json files are parsed strictly.
  const parse = /\.json$/i.test(file)
    ? JSON.parse
    : (require("js-yaml") as { load(text: string): unknown }).load;
  const data = parse(text) as Estate | null;
  const problems = validate(data);
  if (problems.length > 0) {
    throw new Error(`The estate file ${file} is not valid:\n  - ${problems.join("\n  - ")}`);
  }
  return data as Estate;
}

function validate(data: Estate | null): string[] {
  if (!data || !Array.isArray(data.customers)) return ["it must hold a `customers` list"];
  const problems: string[] = [];
  const names = new Set<string>();
  const claim = (name: string, where: string) => {
    if (names.has(name))
      problems.push(`${where}: resource name "${name}" is used twice (set \`name\` on one line)`);
    names.add(name);
  };
  data.customers.forEach((customer, i) => {
    const where = `customers[${i}]${customer?.key ? ` (${customer.key})` : ""}`;
    if (!customer || typeof customer.key !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(customer.key)) {
      problems.push(`${where}: key must be lowercase letters, digits and dashes`);
      return;
    }
    claim(customer.key, where);
    if (!customer.existingServiceName && !(customer.displayName && customer.contact)) {
      problems.push(
        `${where}: a new tenant needs displayName and contact (or give existingServiceName to adopt)`,
      );
    }
    if (!customer.existingServiceName && !(customer.mpnId ?? data.mpnId)) {
      problems.push(`${where}: a new tenant needs an mpnId (on the customer or at the top of the file)`);
    }
    if (customer.domain) claim(`${customer.key}--dns`, where);
    const licences = new Set((customer.licences ?? []).map((line) => normalise(line?.licence ?? "")));
    (customer.licences ?? []).forEach((line, j) => {
      const at = `${where}.licences[${j}]`;
      if (!line || typeof line.licence !== "string" || line.licence.trim() === "") {
        problems.push(`${at}: licence is required`);
        return;
      }
      if (!Number.isInteger(line.seats) || line.seats < 1)
        problems.push(`${at}: seats must be a whole number ≥ 1`);
      if (line.addonOf !== undefined && !licences.has(normalise(line.addonOf))) {
        problems.push(`${at}: addonOf "${line.addonOf}" is not a licence of this customer`);
      }
      claim(line.name ?? `${customer.key}--${slug(line.licence)}`, at);
    });
  });
  return problems;
}

function normalise(licence: string): string {
  return licence.trim().toLowerCase();
}

/** "Microsoft 365 Business Standard" → "microsoft-365-business-standard". */
function slug(licence: string): string {
  return normalise(licence)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
