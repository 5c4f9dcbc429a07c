/**
 * TypeScript SDK: OVHcloud Office 365 Reseller (CSP2) resources as Pulumi dynamic resources.
 * Credentials come from the `ovh:*` stack config or the `OVH_*` environment, at run time, never from code.
 */
export { Office365ResellerTenant, type Office365ResellerTenantArgs, type TenantContactArgs } from "./tenant";
export { Subscription, type SubscriptionArgs } from "./subscription";
export {
  DomainAutoConfig,
  type DomainAutoConfigArgs,
  type ManagedDnsRecord,
  type TakenOverRecord,
  type Microsoft365Service,
} from "./domainAutoConfig";
export * from "./lookups";
export { billingSummary } from "./billingSummary";
