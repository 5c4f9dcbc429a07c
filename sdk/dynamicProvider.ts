import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serializes into every resource's state (`__provider`). It holds one primitive (the resource
 * type) and methods that load the installed provider code at call time, so the state stays a few hundred bytes
 * and never contains a client or a credential. The package must be resolvable from the Pulumi program's
 * directory (it is, once the program depends on it).
 */
export class OvhOfficeDynamicProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly kind: string) {}

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    require("pulumi-ovh-office365-reseller/dynamic").configure((key: string) => req.config.get(key));
  }

  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    return require("pulumi-ovh-office365-reseller/dynamic").check(this.kind, olds, news);
  }

  async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return require("pulumi-ovh-office365-reseller/dynamic").diff(this.kind, id, olds, news);
  }

  async create(inputs: Record<string, unknown>) {
    return require("pulumi-ovh-office365-reseller/dynamic").create(this.kind, inputs);
  }

  async read(id: string, props?: Record<string, unknown>) {
    return require("pulumi-ovh-office365-reseller/dynamic").read(this.kind, id, props);
  }

  async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return require("pulumi-ovh-office365-reseller/dynamic").update(this.kind, id, olds, news);
  }

  async delete(id: string, props: Record<string, unknown>) {
    await require("pulumi-ovh-office365-reseller/dynamic").remove(this.kind, id, props);
  }
}

/** One shared instance per resource type: Pulumi serializes each once and configures each once per run. */
export const providers = {
  Office365ResellerTenant: new OvhOfficeDynamicProvider("Office365ResellerTenant"),
  Subscription: new OvhOfficeDynamicProvider("Subscription"),
  DomainAutoConfig: new OvhOfficeDynamicProvider("DomainAutoConfig"),
};

/** Module segment of the type tokens: `pulumi-nodejs:dynamic/ovh-office365:Subscription`. */
export const MODULE = "ovh-office365";
