import * as pulumi from "@pulumi/pulumi";
import {
  billingSummary,
  DomainAutoConfig,
  Office365ResellerTenant,
  Subscription,
} from "pulumi-ovh-office365-reseller";

interface Customer {
  displayName: string;
  contact: {
    firstName: string;
    lastName: string;
    email: string;
    phone: string;
    address: string;
    city: string;
    zipCode: string;
    country?: string;
  };
}

const config = new pulumi.Config();
const customer = config.requireObject<Customer>("customer");
// `pulumi config set --path customer.contact.zipCode 75001` stores a number: the provider wants text.
const contact = Object.fromEntries(
  Object.entries(customer.contact).map(([key, value]) => [key, String(value)]),
) as unknown as Customer["contact"];

// The customer's Microsoft tenant, ordered through the OVH order cart (billed once delivered).
const tenant = new Office365ResellerTenant("tenant", {
  mpnId: config.require("mpnId"),
  displayName: customer.displayName,
  contact,
});

// The main licence: changing `seats` changes the seat count in place.
const main = new Subscription("main-licence", {
  tenant: tenant.serviceName,
  licence: config.get("licence") ?? "Microsoft 365 Business Standard",
  quantity: config.getNumber("seats") ?? 25,
});

// An add-on ordered on the main subscription.
const archiving = new Subscription("exchange-archiving", {
  tenant: tenant.serviceName,
  licence: "Exchange Online Archiving for Exchange Online",
  quantity: config.getNumber("archivingSeats") ?? 5,
  parentSubscriptionId: main.subscriptionId,
});

// The records Microsoft 365 needs, written into the customer's DNS zone at OVH.
const dns = new DomainAutoConfig("domain", {
  tenant: tenant.serviceName,
  domain: config.require("domain"),
  services: ["exchange", "teams"],
});

export const serviceName = tenant.serviceName;
/** The reviewer's total: monthly list price of every subscription, before → after this change set. */
export const monthlyTotal = billingSummary();
export const adminPortalUrl = tenant.adminPortalUrl;
export const mainSubscriptionId = main.subscriptionId;
export const mainSeats = main.quantity;
export const archivingSubscriptionId = archiving.subscriptionId;
export const dnsRecords = dns.records.apply((records) =>
  records.map((r) => `${r.fieldType} ${r.subDomain || "@"} ${r.target}`),
);
