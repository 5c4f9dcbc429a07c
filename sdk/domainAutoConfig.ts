import * as pulumi from "@pulumi/pulumi";
import { MODULE, providers } from "./dynamicProvider";
import { propsBag } from "./resourceOptions";

export type Microsoft365Service = "exchange" | "teams" | "intune";

export interface DomainAutoConfigArgs {
  /** Service name of the tenant the domain is for. */
  tenant: pulumi.Input<string>;
  /** Domain to configure; its DNS zone must be hosted at OVH and the domain must use OVH's name servers. */
  domain: pulumi.Input<string>;
  /** OVH DNS zone holding the domain, when it is a parent of it. Default: the domain. */
  zone?: pulumi.Input<string>;
  /** Services to configure. Default: `["exchange", "teams"]`. */
  services?: pulumi.Input<pulumi.Input<Microsoft365Service>[]>;
  /** MX host Microsoft assigned (admin center → Settings → Domains). Default: `<domain-with-hyphens>.mail.protection.outlook.com`. */
  exchangeMxTarget?: pulumi.Input<string>;
  /** The `MS=ms…` domain verification value from the Microsoft 365 admin center. */
  verificationTxt?: pulumi.Input<string>;
  /** TTL of the records in seconds (0 = zone default, else at least 60). Default 3600. */
  ttl?: pulumi.Input<number>;
  /** `records` (default): write the records through the DNS zone API. `configureDomain`: OVH's legacy one-call API. */
  method?: pulumi.Input<"records" | "configureDomain">;
  /** Replace conflicting records (another MX, another SPF, records on needed names) instead of refusing. Restored on delete. */
  takeOverConflicts?: pulumi.Input<boolean>;
}

export type {
  ManagedRecord as ManagedDnsRecord,
  TakenOverRecord,
} from "../provider/resources/domainAutoConfig";
import type { ManagedRecord, TakenOverRecord } from "../provider/resources/domainAutoConfig";

const OUTPUTS = ["records", "takenOver"] as const;

/** The DNS records Microsoft 365 needs, written into a DNS zone hosted at OVH. */
export class DomainAutoConfig extends pulumi.dynamic.Resource {
  declare readonly tenant: pulumi.Output<string>;
  declare readonly domain: pulumi.Output<string>;
  declare readonly zone: pulumi.Output<string>;
  declare readonly services: pulumi.Output<Microsoft365Service[]>;
  declare readonly exchangeMxTarget: pulumi.Output<string>;
  /** The records this resource manages, as last seen at OVH. */
  declare readonly records: pulumi.Output<ManagedRecord[]>;
  /** Records replaced to make room (with `takeOverConflicts`), restored on delete. */
  declare readonly takenOver: pulumi.Output<TakenOverRecord[]>;

  constructor(name: string, args: DomainAutoConfigArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providers.DomainAutoConfig,
      name,
      propsBag(args, [...OUTPUTS, "tenant", "domain", "zone", "services", "exchangeMxTarget"], opts),
      opts,
      MODULE,
      "DomainAutoConfig",
    );
  }
}
